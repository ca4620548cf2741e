"""Point python-telegram-bot or aiogram at a FakeTelegram (frameworks are imported lazily)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiogram
    import telegram
    from aiogram.client.session.aiohttp import AiohttpSession
    from telegram.ext import ApplicationBuilder

    from .server import FakeTelegram


def ptb_application_builder(tg: FakeTelegram) -> ApplicationBuilder:
    """``Application.builder()`` with token, base_url and base_file_url of the fake set."""
    from telegram.ext import Application

    return (
        Application.builder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
    )


@asynccontextmanager
async def ptb_bot(tg: FakeTelegram, **request_kwargs: Any) -> AsyncIterator[telegram.Bot]:
    """An initialised ``telegram.Bot`` talking to the fake (HTTPXRequest kwargs allowed)."""
    import telegram
    from telegram.request import HTTPXRequest

    request = HTTPXRequest(**request_kwargs) if request_kwargs else None
    bot = telegram.Bot(
        tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url, request=request
    )
    async with bot:
        yield bot


def aiogram_session(tg: FakeTelegram, **kwargs: Any) -> AiohttpSession:
    """An ``AiohttpSession`` whose API server is the fake (kwargs: timeout=…, …)."""
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    return AiohttpSession(api=TelegramAPIServer.from_base(tg.api_url), **kwargs)


@asynccontextmanager
async def aiogram_bot(
    tg: FakeTelegram, *, session_kwargs: dict[str, Any] | None = None, **bot_kwargs: Any
) -> AsyncIterator[aiogram.Bot]:
    """An ``aiogram.Bot`` talking to the fake; its session is closed on exit."""
    from aiogram import Bot

    bot = Bot(tg.token, session=aiogram_session(tg, **(session_kwargs or {})), **bot_kwargs)
    try:
        yield bot
    finally:
        await bot.session.close()
