"""The python-telegram-bot adapter: PTB updates in, the project's actions out."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

os.environ.setdefault("PTB_TIMEDELTA", "1")  # RetryAfter.retry_after as a timedelta, no warning

from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.botapi import (
    BotIdentity,
    Delivered,
    NotModified,
    Permanent,
    Resolved,
    RetryLater,
    Transient,
)
from bot.convert import ALLOWED_UPDATES, to_event
from handlers.actions import (
    AnswerButton,
    CopyMessage,
    EditButtons,
    EditText,
    Inline,
    Keyboard,
    Outgoing,
    RemoveKeyboard,
    SendDocument,
    SendLocation,
    SendPhoto,
    SendPoll,
    SendText,
    StopPoll,
)
from handlers.events import Event

log = logging.getLogger(__name__)

Handle = Callable[[Event], Awaitable[list[AnswerButton]]]
T = TypeVar("T")


class PtbAdapter:
    name = "ptb"

    def __init__(self, token: str, api_url: str, handle: Handle, *, request_timeout: float = 15.0) -> None:
        self._handle = handle
        base = api_url.rstrip("/")
        self.app: Application = (
            Application.builder()
            .token(token)
            .base_url(f"{base}/bot")
            .base_file_url(f"{base}/file/bot")
            .concurrent_updates(64)  # the dispatcher keeps each person's updates in order
            .job_queue(None)  # scheduling is ours (bot.scheduler), not PTB's
            .connect_timeout(request_timeout)
            .read_timeout(request_timeout)
            .write_timeout(request_timeout)
            .pool_timeout(request_timeout)
            .connection_pool_size(64)
            .get_updates_read_timeout(40)
            .build()
        )
        self.app.add_handler(TypeHandler(Update, self._on_update))
        self.app.add_error_handler(self._on_error)
        self.api = PtbApi(self.app)

    async def start(self) -> None:
        await self.app.initialize()
        await self.app.start()

    async def start_polling(self) -> None:
        assert self.app.updater is not None
        await self.app.updater.start_polling(
            poll_interval=0,
            timeout=timedelta(seconds=30),
            allowed_updates=ALLOWED_UPDATES,
            error_callback=lambda exc: log.warning("polling: %s", exc),
        )

    async def feed(self, data: dict[str, Any]) -> None:
        """An update that came by webhook."""
        await self.app.update_queue.put(Update.de_json(data, self.app.bot))

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        event = to_event(update)
        if event is None:
            return
        for answer in await self._handle(event):
            await self.api.answer(answer)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("PTB could not handle an update: %s", context.error, exc_info=context.error)


class PtbApi:
    """The BotApi port over PTB's Bot."""

    def __init__(self, app: Application) -> None:
        self.bot = app.bot

    async def identity(self) -> BotIdentity:
        me = await _call(self.bot.get_me())
        return BotIdentity(id=me.id, username=me.username or "")

    async def deliver(self, action: Outgoing, resolved: Resolved) -> Delivered:
        return await _call(self._deliver(action, resolved))

    async def _deliver(self, action: Outgoing, resolved: Resolved) -> Delivered:
        bot = self.bot
        reply = _reply(resolved.reply_to)
        match action:
            case SendText():
                markup = _inline(action.inline) or _keyboard(action.keyboard)
                sent = await bot.send_message(
                    action.chat_id, action.text, parse_mode=ParseMode.HTML, reply_markup=markup, reply_parameters=reply
                )
                return Delivered(sent.message_id)
            case SendPhoto():
                photo = action.png if action.png is not None else action.file_id
                sent = await bot.send_photo(
                    action.chat_id,
                    photo,
                    caption=action.caption or None,
                    parse_mode=ParseMode.HTML,
                    reply_markup=_inline(action.inline),
                    reply_parameters=reply,
                )
                return Delivered(sent.message_id)
            case SendDocument():
                sent = await bot.send_document(
                    action.chat_id,
                    action.content,
                    filename=action.filename,
                    caption=action.caption or None,
                    parse_mode=ParseMode.HTML,
                )
                return Delivered(sent.message_id)
            case SendLocation():
                sent = await bot.send_location(action.chat_id, action.latitude, action.longitude, reply_parameters=reply)
                return Delivered(sent.message_id)
            case CopyMessage():
                copied = await bot.copy_message(
                    action.chat_id,
                    action.from_chat_id,
                    action.message_id,
                    caption=action.caption,
                    parse_mode=ParseMode.HTML if action.caption else None,
                    reply_parameters=reply,
                )
                return Delivered(copied.message_id)
            case SendPoll():
                sent = await bot.send_poll(
                    action.chat_id, action.question, list(action.options), is_anonymous=False, reply_parameters=reply
                )
                return Delivered(sent.message_id, sent.poll.id if sent.poll else None)
            case StopPoll():
                await bot.stop_poll(action.chat_id, resolved.target)
                return Delivered()
            case EditText():
                await bot.edit_message_text(
                    action.text,
                    chat_id=action.chat_id,
                    message_id=resolved.target,
                    parse_mode=ParseMode.HTML,
                    reply_markup=_inline(action.inline),
                )
                return Delivered()
            case EditButtons():
                await bot.edit_message_reply_markup(
                    chat_id=action.chat_id, message_id=resolved.target, reply_markup=_inline(action.inline)
                )
                return Delivered()
        raise Permanent(f"no way to send {type(action).__name__}")

    async def answer(self, action: AnswerButton) -> None:
        try:
            await _call(self.bot.answer_callback_query(action.callback_id, text=action.text, show_alert=action.alert))
        except (Permanent, Transient, RetryLater) as exc:
            # An answer is only useful within seconds; the change itself is already stored.
            log.info("could not answer button %s: %s", action.callback_id, exc)

    async def is_member(self, chat_id: int, user_id: int) -> bool:
        try:
            member = await _call(self.bot.get_chat_member(chat_id, user_id))
        except Permanent:
            return False
        return member.status in ("creator", "administrator", "member") or (
            member.status == "restricted" and bool(getattr(member, "is_member", False))
        )

    async def set_webhook(self, url: str, secret: str) -> None:
        await _call(self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES))

    async def delete_webhook(self) -> None:
        await _call(self.bot.delete_webhook())

    async def publish_commands(
        self, private: list[tuple[str, str]], staff: list[tuple[str, str]], staff_chat_id: int | None
    ) -> None:
        await _call(
            self.bot.set_my_commands([BotCommand(n, d) for n, d in private], scope=BotCommandScopeAllPrivateChats())
        )
        if staff_chat_id is not None:
            await _call(
                self.bot.set_my_commands([BotCommand(n, d) for n, d in staff], scope=BotCommandScopeChat(staff_chat_id))
            )


async def _call(awaitable: Awaitable[T]) -> T:
    """Run a PTB call, turning its exceptions into the port's three kinds."""
    try:
        return await awaitable
    except RetryAfter as exc:
        wait = exc.retry_after
        raise RetryLater(wait.total_seconds() if isinstance(wait, timedelta) else float(wait)) from exc
    except TimedOut as exc:
        raise Transient(f"timed out: {exc}") from exc
    except BadRequest as exc:  # a NetworkError subclass in PTB: catch it first
        if "not modified" in exc.message.lower():
            raise NotModified(exc.message) from exc
        raise Permanent(exc.message) from exc
    except (Forbidden, InvalidToken, ChatMigrated) as exc:
        raise Permanent(str(exc)) from exc
    except NetworkError as exc:
        raise Transient(str(exc)) from exc
    except TelegramError as exc:
        raise Transient(str(exc)) from exc
    except (TimeoutError, OSError) as exc:
        raise Transient(repr(exc)) from exc


def _reply(message_id: int | None) -> ReplyParameters | None:
    return ReplyParameters(message_id, allow_sending_without_reply=True) if message_id else None


def _inline(inline: Inline | None) -> InlineKeyboardMarkup | None:
    if inline is None:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in inline])


def _keyboard(keyboard: Keyboard | None) -> ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    if keyboard is None:
        return None
    if isinstance(keyboard, RemoveKeyboard):
        return ReplyKeyboardRemove()
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(b.text, request_contact=b.request_contact or None, request_location=b.request_location or None) for b in row]
            for row in keyboard.rows
        ],
        resize_keyboard=True,
        one_time_keyboard=keyboard.one_time,
        input_field_placeholder=keyboard.placeholder,
        is_persistent=not keyboard.one_time,
    )
