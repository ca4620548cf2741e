"""Fixtures around the fake Telegram server (bot/fake_telegram) and the two frameworks."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram
from aiogram import Bot as AiogramBot

from bot.fake_telegram import FakeTelegram
from bot.fake_telegram.connect import aiogram_bot
from bot.fake_telegram.connect import ptb_bot as make_ptb_bot


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """A started fake Telegram; fails the test if the fake itself hit a bug."""
    fake = FakeTelegram(token="123456:TEST-token", bot_username="minhu_test_bot")
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
    async with make_ptb_bot(tg, read_timeout=2.0, connect_timeout=2.0) as bot:
        yield bot


@pytest.fixture
async def aio_bot(tg: FakeTelegram) -> AsyncIterator[AiogramBot]:
    async with aiogram_bot(tg, session_kwargs={"timeout": 2.0}) as bot:
        yield bot
