"""Fixtures around the fake Telegram server (bot/fake_telegram) and the two frameworks."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram
from aiogram import Bot as AiogramBot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from telegram.request import HTTPXRequest

from bot.fake_telegram import FakeTelegram

TOKEN = "123456:TEST-token"


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """A started fake Telegram; fails the test if the fake itself hit a bug."""
    fake = FakeTelegram(token=TOKEN, bot_username="minhu_test_bot")
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
    assert not fake.internal_errors, fake.internal_errors


@pytest.fixture
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns (an error under -W error) when it builds RetryAfter with an int, unless
    PTB_TIMEDELTA opts in to timedelta values."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def ptb_bot(tg: FakeTelegram, ptb_timedelta: None) -> AsyncIterator[telegram.Bot]:
    bot = telegram.Bot(
        TOKEN,
        base_url=tg.base_url,
        base_file_url=tg.base_file_url,
        request=HTTPXRequest(read_timeout=2.0, connect_timeout=2.0),
    )
    async with bot:
        yield bot


@pytest.fixture
async def aio_bot(tg: FakeTelegram) -> AsyncIterator[AiogramBot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.api_url), timeout=2.0)
    bot = AiogramBot(TOKEN, session=session)
    try:
        yield bot
    finally:
        await bot.session.close()
