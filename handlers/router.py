"""Which handler gets an event. Feature modules register here; handlers/__init__ composes them.

The command table doubles as the menus both adapters publish, so the two never drift apart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.context import Ctx, Services
from handlers.events import ButtonPress, Message, PollAnswer
from handlers.texts import t
from storage.tables import Dialog, Timer

CommandHandler = Callable[[Ctx, Message, str], Awaitable[None]]
ButtonHandler = Callable[[Ctx, ButtonPress, list[str]], Awaitable[None]]
MessageHandler = Callable[[Ctx, Message], Awaitable[None]]
PollHandler = Callable[[Ctx, PollAnswer], Awaitable[None]]
DialogHandler = Callable[[Ctx, Message, Dialog], Awaitable[bool]]
TimerHandler = Callable[[Ctx, Timer], Awaitable[None]]
StartHandler = Callable[[Ctx], Awaitable[None]]
# Slow read-only work done before the transaction (which, on SQLite, holds up every other
# update); its result reaches the handler as ctx.ahead.
Ahead = Callable[[Services, AsyncSession, datetime], Awaitable[object]]


class Scope(StrEnum):
    PRIVATE = "private"  # residents and volunteers, in their chat with the bot
    STAFF = "staff"  # the staff group only


@dataclass(frozen=True)
class Command:
    name: str
    scope: Scope
    handler: CommandHandler
    menu_key: str | None = None  # a reply-keyboard button that means the same
    in_menu: bool = True  # published in Telegram's command menu
    ahead: Ahead | None = None


@dataclass(frozen=True)
class ButtonSpec:
    prefix: str
    handler: ButtonHandler
    staff: bool  # only staff, only in the staff group


@dataclass(frozen=True)
class TimerSpec:
    kind: str
    handler: TimerHandler
    grace: timedelta | None
    ahead: Ahead | None = None


class Router:
    def __init__(self) -> None:
        self.commands: dict[tuple[str, Scope], Command] = {}
        self.buttons: dict[str, ButtonSpec] = {}
        self.dialogs: dict[str, DialogHandler] = {}
        self.dialogs_ended_by_commands: set[str] = set()
        self.timers: dict[str, TimerSpec] = {}
        self.poll_handlers: list[PollHandler] = []
        self.start_handlers: list[StartHandler] = []
        self.resident_message: MessageHandler | None = None
        self.resident_edit: MessageHandler | None = None
        self.staff_reply: MessageHandler | None = None

    # registration -------------------------------------------------------------------------
    def command(
        self,
        name: str,
        *,
        scope: Scope,
        menu: str | None = None,
        in_menu: bool = True,
        ahead: Ahead | None = None,
    ) -> Callable[[CommandHandler], CommandHandler]:
        def register(fn: CommandHandler) -> CommandHandler:
            _unique(self.commands, (name, scope), "command")
            self.commands[(name, scope)] = Command(name, scope, fn, menu, in_menu, ahead)
            return fn

        return register

    def button(self, prefix: str, *, staff: bool) -> Callable[[ButtonHandler], ButtonHandler]:
        def register(fn: ButtonHandler) -> ButtonHandler:
            _unique(self.buttons, prefix, "button prefix")
            self.buttons[prefix] = ButtonSpec(prefix, fn, staff)
            return fn

        return register

    def dialog(self, kind: str, *, ended_by_commands: bool = False) -> Callable[[DialogHandler], DialogHandler]:
        """A handler for the next private message of a person in a dialog of `kind`. With
        `ended_by_commands`, a command or menu button ends the dialog instead of waiting."""

        def register(fn: DialogHandler) -> DialogHandler:
            _unique(self.dialogs, kind, "dialog")
            self.dialogs[kind] = fn
            if ended_by_commands:
                self.dialogs_ended_by_commands.add(kind)
            return fn

        return register

    def timer(
        self, kind: str, *, grace: timedelta | None = None, ahead: Ahead | None = None
    ) -> Callable[[TimerHandler], TimerHandler]:
        """A handler for due timers of a kind. Past `grace` after its due time (the bot was
        down) a timer is dropped instead: a reminder for a shift that began is no use."""

        def register(fn: TimerHandler) -> TimerHandler:
            _unique(self.timers, kind, "timer kind")
            self.timers[kind] = TimerSpec(kind, fn, grace, ahead)
            return fn

        return register

    def residents_catch_all(self, fn: MessageHandler) -> MessageHandler:
        """What a private message is when it is no command, menu button or dialog answer."""
        self.resident_message = fn
        return fn

    def residents_edit(self, fn: MessageHandler) -> MessageHandler:
        self.resident_edit = fn
        return fn

    def staff_replies(self, fn: MessageHandler) -> MessageHandler:
        """A staff member's reply, in the staff group, to one of the bot's messages."""
        self.staff_reply = fn
        return fn

    def poll_answer(self, fn: PollHandler) -> PollHandler:
        self.poll_handlers.append(fn)
        return fn

    def on_start(self, fn: StartHandler) -> StartHandler:
        """Work to do each time the bot starts, before timers fire (e.g. plan a recurring one)."""
        self.start_handlers.append(fn)
        return fn

    def include(self, other: Router) -> None:
        for key, value in other.commands.items():
            _unique(self.commands, key, "command")
            self.commands[key] = value
        for mapping, theirs, what in (
            (self.buttons, other.buttons, "button prefix"),
            (self.dialogs, other.dialogs, "dialog"),
            (self.timers, other.timers, "timer kind"),
        ):
            for key, value in theirs.items():
                _unique(mapping, key, what)
                mapping[key] = value
        self.poll_handlers.extend(other.poll_handlers)
        self.dialogs_ended_by_commands |= other.dialogs_ended_by_commands
        self.start_handlers.extend(other.start_handlers)
        for slot in ("resident_message", "resident_edit", "staff_reply"):
            if getattr(other, slot) is not None:
                if getattr(self, slot) is not None:
                    raise ValueError(f"two handlers for {slot}")
                setattr(self, slot, getattr(other, slot))

    # lookups ------------------------------------------------------------------------------
    def menu_command(self, text: str) -> Command | None:
        """The private command a reply-keyboard button stands for."""
        for command in self.commands.values():
            if command.scope is Scope.PRIVATE and command.menu_key and t(command.menu_key) == text:
                return command
        return None

    def menus(self) -> dict[Scope, list[tuple[str, str]]]:
        """(command, description) per scope, for Telegram's command menus."""
        menus: dict[Scope, list[tuple[str, str]]] = {scope: [] for scope in Scope}
        for command in self.commands.values():
            if command.in_menu:
                menus[command.scope].append((command.name, t(f"commands.{command.name}")))
        return menus


def _unique(mapping: dict, key: object, what: str) -> None:
    if key in mapping:
        raise ValueError(f"{what} {key!r} is registered twice")
