"""Webhook delivery from the fake Telegram server to real aiogram and PTB webhook endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.fake_telegram import FakeTelegram


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def aiogram_webhook(tg: FakeTelegram) -> AsyncIterator[tuple[Bot, Dispatcher, str]]:
    bot = Bot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.api_url)))
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> Any:
        if message.text == "inline reply":
            # answered in the webhook response body (handle_in_background=False)
            return message.answer("答复在响应里")
        await message.answer(f"收到：{message.text}")
        return None

    app = web.Application()
    SimpleRequestHandler(dp, bot, secret_token="s3cret").register(app, path="/bg")
    SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token="s3cret").register(
        app, path="/fg"
    )
    runner, base = await serve(app)
    try:
        yield bot, dp, base
    finally:
        await runner.cleanup()
        await bot.session.close()


async def test_aiogram_webhook_gets_updates_with_the_secret(
    tg: FakeTelegram, aiogram_webhook: tuple[Bot, Dispatcher, str]
) -> None:
    bot, _, base = aiogram_webhook
    alice = tg.add_user("王阿姨")
    assert await bot.set_webhook(f"{base}/bg", secret_token="s3cret",
                                 allowed_updates=["message"])
    info = await bot.get_webhook_info()
    assert info.url == f"{base}/bg" and info.allowed_updates == ["message"]
    tg.send_text(alice, "路灯坏了")
    reply = await tg.wait_for_sent(chat_id=alice.id)
    assert reply.text == "收到：路灯坏了"
    assert [d.status for d in tg.webhook_deliveries] == [200]
    # a forged request without the right secret is refused by aiogram
    assert await tg.post_to_webhook({"message": tg.sent[0].message}, secret="wrong") == 401
    assert await tg.post_to_webhook({"message": tg.sent[0].message}, secret=None) == 401
    # the webhook can answer with a method call in its response body; Telegram runs it
    assert await bot.set_webhook(f"{base}/fg", secret_token="s3cret")
    tg.send_text(alice, "inline reply")
    inline = await tg.wait_for_sent(text_contains="答复在响应里")
    assert inline.chat_id == alice.id
    assert tg.calls[-1].fault == "webhook_reply" and tg.calls[-1].method == "sendMessage"
    await tg.wait_idle(quiet=0.02)
    assert tg.pending_update_count == 0


async def test_ptb_custom_webhook(tg: FakeTelegram, ptb_timedelta: None) -> None:
    alice = tg.add_user("王阿姨")
    application = (
        Application.builder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .updater(None)
        .build()
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"PTB 收到：{update.effective_message.text}")

    application.add_handler(MessageHandler(filters.TEXT, echo))

    async def endpoint(request: web.Request) -> web.Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != "ptb-secret":
            return web.Response(status=403)
        await application.update_queue.put(Update.de_json(await request.json(), application.bot))
        return web.Response()

    app = web.Application()
    app.router.add_post("/telegram", endpoint)
    runner, base = await serve(app)
    try:
        async with application:
            await application.start()
            try:
                await application.bot.set_webhook(f"{base}/telegram", secret_token="ptb-secret")
                tg.send_text(alice, "水压低")
                reply = await tg.wait_for_sent(chat_id=alice.id)
                assert reply.text == "PTB 收到：水压低"
                assert await tg.post_to_webhook({"message": reply.message}, secret="nope") == 403
            finally:
                await application.stop()
    finally:
        await runner.cleanup()
    assert [d.status for d in tg.webhook_deliveries] == [200]
