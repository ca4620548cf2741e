"""The one entry point for events: inbox, ordering, the transaction, routing.

Each update runs in one transaction with its inbox row, its changes and its outgoing
messages, so a crash leaves either all of them or none, and a redelivery changes nothing.
"""

from __future__ import annotations

import logging
import time
import weakref
from asyncio import Lock
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from handlers.actions import AnswerButton, SendText
from handlers.context import Ctx, Services
from handlers.events import ButtonPress, Event, Kind, Message, PollAnswer
from handlers.router import Router, Scope
from handlers.texts import t
from storage.db import Database
from storage.inbox import claim_update
from storage.people import upsert_person
from storage.tables import Dialog, Outbox, ProcessedUpdate, Timer
from storage.timers import take_timer

log = logging.getLogger(__name__)


@dataclass
class Committed:
    """What a finished transaction produced, for the sender and the scheduler."""

    outbox: list[Outbox] = field(default_factory=list)
    planned: list[Timer] = field(default_factory=list)


def parse_command(text: str, bot_username: str) -> tuple[str, str] | None:
    """("ticket", "12") from "/ticket@minhu_bot 12"; None if not a command for this bot."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, args = text[1:].partition(" ")
    name, _, addressee = head.partition("@")
    if addressee and bot_username and addressee.lower() != bot_username.lower():
        return None
    return name.lower(), args.strip()


class Dispatcher:
    def __init__(
        self,
        services: Services,
        db: Database,
        router: Router,
        on_commit: Callable[[Committed], None] | None = None,
    ) -> None:
        self.services = services
        self.db = db
        self.router = router
        self.on_commit = on_commit or (lambda _c: None)
        self._locks: weakref.WeakValueDictionary[int, Lock] = weakref.WeakValueDictionary()
        self._staff_cache: dict[int, tuple[bool, float]] = {}

    # events -------------------------------------------------------------------------------
    async def handle(self, event: Event) -> list[AnswerButton]:
        """Handle one update; returns the answers to give at once (button presses)."""
        key = _ordering_key(event)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = Lock()
        async with lock:  # one person's updates in the order they came
            actor_is_staff = await self._actor_is_staff(event)
            classification = await self._classify_ahead(event)
            try:
                ahead = await self._command_ahead(event, actor_is_staff)
                return await self._run(event, actor_is_staff, classification, ahead)
            except IntegrityError:
                if await self._seen(event.update_id):
                    log.info("update %s was handled before; skipped", event.update_id)
                    return []
                log.exception("update %s failed", event.update_id)
                return await self._apologise(event)
            except Exception:
                log.exception("update %s failed", event.update_id)
                return await self._apologise(event)

    async def _run(
        self, event: Event, actor_is_staff: bool, classification: object, ahead: object
    ) -> list[AnswerButton]:
        async with self.db.transaction() as session:
            ctx = Ctx(
                services=self.services,
                session=session,
                now=self.services.clock.now(),
                actor_is_staff=actor_is_staff,
                classification=classification,  # type: ignore[arg-type]
                ahead=ahead,
            )
            await claim_update(session=session, update_id=event.update_id, now=ctx.now)
            await self._remember_sender(ctx, event)
            await self._route(ctx, event)
        self.on_commit(Committed(ctx.outbox, ctx.planned))
        return ctx.direct

    async def fire_timer(self, timer_id: int, kind: str) -> bool:
        """Run a due timer's handler once; False if it was not due or already done."""
        ahead = await self._timer_ahead(kind)
        async with self.db.transaction() as session:
            ctx = Ctx(services=self.services, session=session, now=self.services.clock.now(), ahead=ahead)
            timer = await take_timer(session=session, timer_id=timer_id, now=ctx.now)
            if timer is None:
                return False
            spec = self.router.timers.get(timer.kind)
            if spec is None:
                log.error("no handler for timer kind %s; dropped %s", timer.kind, timer.key)
            elif spec.grace is not None and ctx.now - timer.due_at > spec.grace:
                log.info("timer %s is %s late, past its use; dropped", timer.key, ctx.now - timer.due_at)
            else:
                await spec.handler(ctx, timer)
        self.on_commit(Committed(ctx.outbox, ctx.planned))
        return True

    async def run_start_handlers(self) -> None:
        """The features' work at start-up, in one transaction."""
        if not self.router.start_handlers:
            return
        async with self.db.transaction() as session:
            ctx = Ctx(services=self.services, session=session, now=self.services.clock.now())
            for handler in self.router.start_handlers:
                await handler(ctx)
        self.on_commit(Committed(ctx.outbox, ctx.planned))

    # routing ------------------------------------------------------------------------------
    async def _route(self, ctx: Ctx, event: Event) -> None:
        if isinstance(event, ButtonPress):
            await self._route_button(ctx, event)
        elif isinstance(event, PollAnswer):
            for handler in self.router.poll_handlers:
                await handler(ctx, event)
        elif event.chat.is_private:
            await self._route_private(ctx, event)
        elif event.chat.id == ctx.staff_chat_id:
            await self._route_staff(ctx, event)
        elif parse_command(event.text, self.services.bot_username) and event.kind is Kind.TEXT:
            ctx.send(SendText(chat_id=event.chat.id, text=t("bad_input.unknown_group")))

    async def _route_private(self, ctx: Ctx, msg: Message) -> None:
        if msg.edited:
            if self.router.resident_edit:
                await self.router.resident_edit(ctx, msg)
            return
        parsed = parse_command(msg.text, self.services.bot_username) if msg.kind is Kind.TEXT else None
        if parsed is not None:
            name, args = parsed
            command = self.router.commands.get((name, Scope.PRIVATE))
            if command is not None:
                await self._end_dialog_for_command(ctx, msg.chat.id)
                await command.handler(ctx, msg, args)
            elif (name, Scope.STAFF) in self.router.commands:
                ctx.send(SendText(chat_id=msg.chat.id, text=t("refuse.staff_chat_only")))
            else:
                ctx.send(SendText(chat_id=msg.chat.id, text=t("bad_input.unknown_command")))
            return
        if msg.kind is Kind.TEXT and (command := self.router.menu_command(msg.text.strip())):
            await self._end_dialog_for_command(ctx, msg.chat.id)
            await command.handler(ctx, msg, "")
            return
        dialog = await ctx.session.get(Dialog, msg.chat.id)
        if dialog is not None and (handler := self.router.dialogs.get(dialog.kind)):
            if await handler(ctx, msg, dialog):
                return
        if self.router.resident_message:
            await self.router.resident_message(ctx, msg)

    async def _end_dialog_for_command(self, ctx: Ctx, user_id: int) -> None:
        dialog = await ctx.session.get(Dialog, user_id)
        if dialog is not None and dialog.kind in self.router.dialogs_ended_by_commands:
            await ctx.session.delete(dialog)

    async def _route_staff(self, ctx: Ctx, msg: Message) -> None:
        if msg.edited or msg.kind is Kind.MEMBERS or msg.sender is None or msg.sender.is_bot:
            return
        parsed = parse_command(msg.text, self.services.bot_username) if msg.kind is Kind.TEXT else None
        if parsed is not None:
            name, args = parsed
            command = self.router.commands.get((name, Scope.STAFF))
            if command is None:
                return  # other bots' commands and typos: staff chat stays quiet
            if not ctx.actor_is_staff:
                ctx.send(SendText(chat_id=msg.chat.id, text=t("refuse.staff_only")))
                return
            await command.handler(ctx, msg, args)
            return
        if msg.reply_to_message_id is not None and ctx.actor_is_staff and self.router.staff_reply:
            await self.router.staff_reply(ctx, msg)

    async def _route_button(self, ctx: Ctx, press: ButtonPress) -> None:
        prefix, _, rest = press.data.partition(":")
        spec = self.router.buttons.get(prefix)
        if spec is None:
            ctx.answer(press.callback_id, t("bad_input.button_expired"), alert=True)
            return
        if spec.staff:
            in_staff_chat = press.chat is not None and press.chat.id == ctx.staff_chat_id
            if not in_staff_chat:
                ctx.answer(press.callback_id, t("refuse.staff_chat_only"), alert=True)
                return
            if not ctx.actor_is_staff:
                ctx.answer(press.callback_id, t("refuse.staff_only"), alert=True)
                return
        await spec.handler(ctx, press, rest.split(":") if rest else [])

    # around the transaction ---------------------------------------------------------------
    async def _remember_sender(self, ctx: Ctx, event: Event) -> None:
        person = event.sender
        if person is None or person.is_bot:
            return
        await upsert_person(
            session=ctx.session,
            person_id=person.id,
            first_name=person.first_name,
            last_name=person.last_name,
            username=person.username,
            language=person.language,
            now=ctx.now,
        )

    async def _actor_is_staff(self, event: Event) -> bool:
        """Asked outside the transaction: it may call Telegram (getChatMember)."""
        staff_chat = self.services.rules.staff_chat_id
        chat = event.chat if isinstance(event, Message | ButtonPress) else None
        if staff_chat is None or chat is None or chat.id != staff_chat or event.sender is None:
            return False
        if isinstance(event, Message):
            for person in (*event.joined, *((event.left,) if event.left else ())):
                self._staff_cache.pop(person.id, None)
        user_id = event.sender.id
        cached = self._staff_cache.get(user_id)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        try:
            is_member = await self.services.membership.is_member(staff_chat, user_id)
        except Exception:
            log.warning("could not check staff membership of %s; refusing for now", user_id)
            return False
        ttl = self.services.rules.staff_cache_minutes * 60
        self._staff_cache[user_id] = (is_member, time.monotonic() + ttl)
        return is_member

    async def _classify_ahead(self, event: Event) -> object:
        """Classify a resident's words before taking the database: long texts take a while."""
        if isinstance(event, Message) and event.chat.is_private and event.text.strip():
            if not event.text.startswith("/"):
                return await self.services.classify(event.text)
        return None

    async def _command_ahead(self, event: Event, actor_is_staff: bool) -> object:
        """A staff command's slow reading (the /stats chart), done before the transaction."""
        if not actor_is_staff or not isinstance(event, Message) or event.edited or event.kind is not Kind.TEXT:
            return None
        parsed = parse_command(event.text, self.services.bot_username)
        command = self.router.commands.get((parsed[0], Scope.STAFF)) if parsed else None
        if command is None or command.ahead is None:
            return None
        async with self.db.session() as session:
            return await command.ahead(self.services, session, self.services.clock.now())

    async def _timer_ahead(self, kind: str) -> object:
        """A timer kind's slow reading (the weekly chart), done before the transaction; wasted
        only if the timer turns out to be taken already."""
        spec = self.router.timers.get(kind)
        if spec is None or spec.ahead is None:
            return None
        async with self.db.session() as session:
            return await spec.ahead(self.services, session, self.services.clock.now())

    async def _seen(self, update_id: int) -> bool:
        async with self.db.session() as session:
            return await session.get(ProcessedUpdate, update_id) is not None

    async def _apologise(self, event: Event) -> list[AnswerButton]:
        """A bug must not silence the bot: say sorry, and don't retry the same update forever."""
        try:
            async with self.db.transaction() as session:
                now = self.services.clock.now()
                ctx = Ctx(services=self.services, session=session, now=now)
                await claim_update(session=session, update_id=event.update_id, now=now)
                if isinstance(event, Message) and event.chat.is_private:
                    ctx.send(SendText(chat_id=event.chat.id, text=t("error.sorry")))
            self.on_commit(Committed(ctx.outbox, []))
        except Exception:
            log.exception("could not record the failure of update %s", event.update_id)
        if isinstance(event, ButtonPress):
            return [AnswerButton(callback_id=event.callback_id, text=t("error.sorry"), alert=True)]
        return []


def _ordering_key(event: Event) -> int:
    if isinstance(event, Message):
        return event.chat.id if event.chat.is_private or event.sender is None else event.sender.id
    return event.sender.id
