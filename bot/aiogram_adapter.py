"""The aiogram adapter: aiogram updates in, the project's actions out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)

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
HTML = "HTML"


class AiogramAdapter:
    name = "aiogram"

    def __init__(self, token: str, api_url: str, handle: Handle, *, request_timeout: float = 15.0) -> None:
        self._handle = handle
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")), timeout=request_timeout)
        self.bot = Bot(token, session=session)
        self.dp = Dispatcher()
        for observer in (self.dp.message, self.dp.edited_message, self.dp.callback_query, self.dp.poll_answer):
            observer.register(self._on_event)
        self.api = AiogramApi(self.bot)
        self._polling: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """aiogram needs no set-up before polling or a webhook."""

    async def start_polling(self) -> None:
        self._polling = asyncio.create_task(
            self.dp.start_polling(
                self.bot,
                polling_timeout=30,
                handle_signals=False,
                close_bot_session=False,
                allowed_updates=ALLOWED_UPDATES,
            ),
            name="aiogram-polling",
        )

    async def feed(self, data: dict[str, Any]) -> None:
        """An update that came by webhook."""
        await self.dp.feed_update(self.bot, Update.model_validate(data, context={"bot": self.bot}))

    async def stop(self) -> None:
        if self._polling is not None:
            try:
                await self.dp.stop_polling()
            except RuntimeError:
                pass  # polling had not started yet
            await asyncio.gather(self._polling, return_exceptions=True)
        await self.bot.session.close()

    async def _on_event(self, _obj: object, event_update: Update) -> None:
        event = to_event(event_update)
        if event is None:
            return
        for answer in await self._handle(event):
            await self.api.answer(answer)


class AiogramApi:
    """The BotApi port over aiogram's Bot."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

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
                sent = await bot.send_message(
                    chat_id=action.chat_id,
                    text=action.text,
                    parse_mode=HTML,
                    reply_markup=_inline(action.inline) or _keyboard(action.keyboard),
                    reply_parameters=reply,
                )
                return Delivered(sent.message_id)
            case SendPhoto():
                photo = BufferedInputFile(action.png, "chart.png") if action.png is not None else action.file_id
                sent = await bot.send_photo(
                    chat_id=action.chat_id,
                    photo=photo,
                    caption=action.caption or None,
                    parse_mode=HTML,
                    reply_markup=_inline(action.inline),
                    reply_parameters=reply,
                )
                return Delivered(sent.message_id)
            case SendDocument():
                sent = await bot.send_document(
                    chat_id=action.chat_id,
                    document=BufferedInputFile(action.content, action.filename),
                    caption=action.caption or None,
                    parse_mode=HTML,
                )
                return Delivered(sent.message_id)
            case SendLocation():
                sent = await bot.send_location(
                    chat_id=action.chat_id, latitude=action.latitude, longitude=action.longitude, reply_parameters=reply
                )
                return Delivered(sent.message_id)
            case CopyMessage():
                copied = await bot.copy_message(
                    chat_id=action.chat_id,
                    from_chat_id=action.from_chat_id,
                    message_id=action.message_id,
                    caption=action.caption,
                    parse_mode=HTML if action.caption else None,
                    reply_parameters=reply,
                )
                return Delivered(copied.message_id)
            case SendPoll():
                sent = await bot.send_poll(
                    chat_id=action.chat_id,
                    question=action.question,
                    options=list(action.options),
                    is_anonymous=False,
                    reply_parameters=reply,
                )
                return Delivered(sent.message_id, sent.poll.id if sent.poll else None)
            case StopPoll():
                await bot.stop_poll(chat_id=action.chat_id, message_id=resolved.target)
                return Delivered()
            case EditText():
                await bot.edit_message_text(
                    text=action.text,
                    chat_id=action.chat_id,
                    message_id=resolved.target,
                    parse_mode=HTML,
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
            await _call(
                self.bot.answer_callback_query(callback_query_id=action.callback_id, text=action.text, show_alert=action.alert)
            )
        except (Permanent, Transient, RetryLater) as exc:
            # An answer is only useful within seconds; the change itself is already stored.
            log.info("could not answer button %s: %s", action.callback_id, exc)

    async def is_member(self, chat_id: int, user_id: int) -> bool:
        try:
            member = await _call(self.bot.get_chat_member(chat_id=chat_id, user_id=user_id))
        except Permanent:
            return False
        status = str(getattr(member.status, "value", member.status))
        return status in ("creator", "administrator", "member") or (
            status == "restricted" and bool(getattr(member, "is_member", False))
        )

    async def set_webhook(self, url: str, secret: str) -> None:
        await _call(self.bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES))

    async def delete_webhook(self) -> None:
        await _call(self.bot.delete_webhook())

    async def publish_commands(
        self, private: list[tuple[str, str]], staff: list[tuple[str, str]], staff_chat_id: int | None
    ) -> None:
        await _call(
            self.bot.set_my_commands(
                commands=[BotCommand(command=n, description=d) for n, d in private], scope=BotCommandScopeAllPrivateChats()
            )
        )
        if staff_chat_id is not None:
            await _call(
                self.bot.set_my_commands(
                    commands=[BotCommand(command=n, description=d) for n, d in staff],
                    scope=BotCommandScopeChat(chat_id=staff_chat_id),
                )
            )


async def _call(awaitable: Awaitable[T]) -> T:
    """Run an aiogram call, turning its exceptions into the port's three kinds."""
    try:
        return await awaitable
    except TelegramRetryAfter as exc:
        raise RetryLater(float(exc.retry_after)) from exc
    except TelegramBadRequest as exc:
        if "not modified" in exc.message.lower():
            raise NotModified(exc.message) from exc
        raise Permanent(exc.message) from exc
    except (TelegramForbiddenError, TelegramNotFound, TelegramUnauthorizedError, TelegramMigrateToChat, TelegramEntityTooLarge) as exc:
        raise Permanent(str(exc)) from exc
    except (TelegramNetworkError, TelegramAPIError) as exc:  # 5xx, time-outs, lost connections
        raise Transient(str(exc)) from exc
    except (TimeoutError, OSError) as exc:
        raise Transient(repr(exc)) from exc


def _reply(message_id: int | None) -> ReplyParameters | None:
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True) if message_id else None


def _inline(inline: Inline | None) -> InlineKeyboardMarkup | None:
    if inline is None:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row] for row in inline]
    )


def _keyboard(keyboard: Keyboard | None) -> ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    if keyboard is None:
        return None
    if isinstance(keyboard, RemoveKeyboard):
        return ReplyKeyboardRemove(remove_keyboard=True)
    return ReplyKeyboardMarkup(
        keyboard=[
            [
                KeyboardButton(text=b.text, request_contact=b.request_contact or None, request_location=b.request_location or None)
                for b in row
            ]
            for row in keyboard.rows
        ],
        resize_keyboard=True,
        one_time_keyboard=keyboard.one_time,
        input_field_placeholder=keyboard.placeholder,
        is_persistent=not keyboard.one_time,
    )
