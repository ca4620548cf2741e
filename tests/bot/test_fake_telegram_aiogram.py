"""aiogram (v3) against the fake Telegram server, over real HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
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
    ReplyParameters,
    Update,
)

from bot.fake_telegram import FakeTelegram, Limits
from bot.fake_telegram.connect import aiogram_session


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d) for t, d in pairs]]
    )


def make_bot(tg: FakeTelegram, **kwargs: Any) -> Bot:
    return Bot(tg.token, session=aiogram_session(tg), **kwargs)


async def test_aiogram_sends_edits_and_answers(tg: FakeTelegram, aio_bot: Bot) -> None:
    alice = tg.add_user("王阿姨")
    me = await aio_bot.get_me()
    assert me.id == 123456 and me.username == "minhu_test_bot"
    question = tg.send_text(alice, "楼道灯不亮")
    msg = await aio_bot.send_message(
        alice.id,
        "<b>已登记</b> <i>工单 #7</i>",
        parse_mode="HTML",
        reply_markup=keyboard(("好的", "t:7:ok")),
        reply_parameters=ReplyParameters(message_id=question["message_id"]),
    )
    assert msg.text == "已登记 工单 #7"
    assert [(e.type, e.offset, e.length) for e in msg.entities or []] == [
        ("bold", 0, 3), ("italic", 4, 5)]
    assert msg.reply_to_message is not None and msg.reply_to_message.text == "楼道灯不亮"
    sent = tg.sent[0]
    assert tg.calls[-1].content_type == "application/x-www-form-urlencoded"  # no file: urlencoded
    assert sent.html == "<b>已登记</b> <i>工单 #7</i>"
    assert sent.reply_markup == {"inline_keyboard": [[{"text": "好的", "callback_data": "t:7:ok"}]]}
    assert tg.calls[-1].params["reply_parameters"] == {"message_id": question["message_id"]}

    query_id = tg.press_button(alice, sent, "好的")
    assert await aio_bot.answer_callback_query(query_id, text="已收到", show_alert=True)
    assert tg.callback_answers[query_id] == {
        "callback_query_id": query_id, "text": "已收到", "show_alert": True}
    edited = await aio_bot.edit_message_text(
        text="工单 #7 已完成", chat_id=alice.id, message_id=msg.message_id,
        reply_markup=keyboard(("评价", "t:7:rate")),
    )
    assert edited.text == "工单 #7 已完成"  # type: ignore[union-attr]
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await aio_bot.edit_message_text(
            text="工单 #7 已完成", chat_id=alice.id, message_id=msg.message_id,
            reply_markup=keyboard(("评价", "t:7:rate")),
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await aio_bot.edit_message_text(text="x", chat_id=alice.id, message_id=999)
    share = await aio_bot.send_message(
        alice.id, "请分享位置",
        reply_markup=ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text="分享位置", request_location=True)]],
            resize_keyboard=True,
        ),
    )
    assert share.reply_markup is None
    assert tg.sent[-1].reply_markup["keyboard"][0][0] == {"text": "分享位置",
                                                          "request_location": True}


async def test_aiogram_photos_copies_polls_and_commands(tg: FakeTelegram, aio_bot: Bot) -> None:
    alice, bob = tg.add_user("王阿姨"), tg.add_user("李师傅")
    staff = tg.add_group("社区工作群", members=[bob], admins=[])
    uploaded = await aio_bot.send_photo(
        alice.id, BufferedInputFile(b"\x89PNG\r\n\x1a\nimg", filename="scene.png"), caption="照片"
    )
    assert uploaded.photo and uploaded.caption == "照片"
    params = tg.calls[-1].params
    assert params["photo"].startswith("attach://")  # aiogram: multipart, file under a random key
    assert tg.calls[-1].content_type == "multipart/form-data"
    assert params[params["photo"][len("attach://"):]]["upload"] == "scene.png"
    by_id = await aio_bot.send_photo(staff.id, uploaded.photo[-1].file_id)
    assert by_id.photo and by_id.photo[-1].file_unique_id == uploaded.photo[-1].file_unique_id
    doc = tg.send_document(alice, "报修单.pdf", data=b"%PDF-1.4 fake")
    file = await aio_bot.get_file(doc["document"]["file_id"])
    assert file.file_path
    data = await aio_bot.download_file(file.file_path)
    assert data is not None and data.read() == b"%PDF-1.4 fake"
    copied = await aio_bot.copy_message(staff.id, alice.id, doc["message_id"], caption="转交")
    assert tg.message(staff.id, copied.message_id)["document"] == doc["document"]
    assert tg.message(staff.id, copied.message_id)["caption"] == "转交"

    poll = await aio_bot.send_poll(staff.id, "维修满意吗?", ["满意", "一般", "不满意"],
                                   is_anonymous=False)
    assert poll.poll is not None and poll.poll.options[2].text == "不满意"
    tg.answer_poll(bob, poll.model_dump(by_alias=True, exclude_none=True), [2])
    stopped = await aio_bot.stop_poll(staff.id, poll.message_id)
    assert stopped.is_closed and [o.voter_count for o in stopped.options] == [0, 0, 1]

    await aio_bot.set_my_commands([BotCommand(command="start", description="开始")],
                                  scope=BotCommandScopeAllPrivateChats())
    await aio_bot.set_my_commands([BotCommand(command="tickets", description="工单")],
                                  scope=BotCommandScopeChat(chat_id=staff.id), language_code="zh")
    assert tg.commands_for("all_private_chats")[0]["command"] == "start"
    assert tg.my_commands[(f"chat:{staff.id}", "zh")][0]["command"] == "tickets"
    member = await aio_bot.get_chat_member(staff.id, bob.id)
    assert member.status == "creator"
    bot_member = await aio_bot.get_chat_member(staff.id, tg.bot_user.id)
    assert bot_member.status == "member"
    tg.set_member_status(staff, tg.bot_user, "administrator")
    assert (await aio_bot.get_chat_member(staff.id, tg.bot_user.id)).status == "administrator"
    chat = await aio_bot.get_chat(staff.id)
    assert chat.title == "社区工作群"
    assert await aio_bot.send_chat_action(alice.id, "typing")


async def test_aiogram_dispatcher_parses_every_update_kind(tg: FakeTelegram) -> None:
    alice, bob = tg.add_user("王阿姨"), tg.add_user("李师傅")
    group = tg.add_group("楼长群", members=[alice, bob])
    got: list[tuple[str, Any]] = []
    dp = Dispatcher()

    @dp.message()
    async def on_message(message: Any) -> None:
        got.append(("message", message))

    @dp.edited_message()
    async def on_edit(message: Any) -> None:
        got.append(("edited", message))

    @dp.callback_query()
    async def on_query(query: Any) -> None:
        got.append(("query", query))

    @dp.poll_answer()
    async def on_answer(answer: Any) -> None:
        got.append(("answer", answer))

    bot = make_bot(tg, default=DefaultBotProperties(parse_mode="HTML"))
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=5))
    try:
        await tg.wait_until_polling()
        first = tg.send_text(alice, "/start")
        tg.send_text(bob, "谁在?", chat=group)
        button_msg = await bot.send_message(alice.id, "<b>选</b>", reply_markup=keyboard(("A", "a")))
        assert button_msg.text == "选"
        poll_msg = await bot.send_poll(group.id, "开会?", ["去", "不去"], is_anonymous=False)
        tg.press(alice, tg.sent[0], "a")
        tg.answer_poll(bob, tg.sent[1], [0])
        tg.edit_text(alice, first, "/start 1")
        tg.send_album(alice, 2)
        tg.send_sticker(alice)
        tg.send_voice(alice, duration=4)
        await tg.wait_for(lambda: len(got) >= 9)
    finally:
        await dp.stop_polling()
        await task
    kinds = [k for k, _ in got]
    assert sorted(kinds) == sorted(
        ["message", "message", "query", "answer", "edited", "message", "message", "message",
         "message"])
    messages = [m for k, m in got if k == "message"]
    assert messages[0].text == "/start" and messages[0].entities[0].type == "bot_command"
    assert messages[1].chat.id == group.id and messages[1].chat.type == "supergroup"
    query = next(q for k, q in got if k == "query")
    assert query.data == "a" and query.message.message_id == button_msg.message_id
    assert query.from_user.id == alice.id
    answer = next(a for k, a in got if k == "answer")
    assert answer.poll_id == poll_msg.poll.id and answer.option_ids == [0]
    assert answer.user.id == bob.id
    edited = next(m for k, m in got if k == "edited")
    assert edited.text == "/start 1"
    album = [m for m in messages if m.photo]
    assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id
    assert any(m.sticker and m.sticker.emoji == "👍" for m in messages)
    assert any(m.voice and m.voice.duration == 4 for m in messages)
    # aiogram asked only for the update kinds it has handlers for
    polls = [c for c in tg.calls if c.method == "getUpdates"]
    assert set(polls[0].params["allowed_updates"]) == {
        "message", "edited_message", "callback_query", "poll_answer"}


async def test_aiogram_exceptions_for_faults(tg: FakeTelegram, aio_bot: Bot) -> None:
    alice = tg.add_user("王阿姨")
    tg.storm_429(seconds=10, retry_after=4)
    with pytest.raises(TelegramRetryAfter) as flood:
        await aio_bot.send_message(alice.id, "x")
    assert flood.value.retry_after == 4
    tg.clear_faults()

    tg.inject_error(502)
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await aio_bot.send_message(alice.id, "x")
    tg.inject_error(503, description="Service Unavailable")
    with pytest.raises(TelegramServerError):
        await aio_bot.send_message(alice.id, "x")

    tg.inject_timeout(delay=5)
    with pytest.raises(TelegramNetworkError, match="Request timeout error"):
        await aio_bot.send_message(alice.id, "x", request_timeout=0.2)  # type: ignore[arg-type]

    tg.inject_disconnect()
    with pytest.raises(TelegramNetworkError, match="ServerDisconnectedError"):
        await aio_bot.send_message(alice.id, "x")

    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await aio_bot.send_message(alice.id, "x", reply_markup=keyboard(("a", "长" * 30)))
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await aio_bot.send_message(5, "x")
    tg.block_bot(alice)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await aio_bot.send_message(alice.id, "x")
    await aio_bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await aio_bot.get_updates()
    await aio_bot.delete_webhook()
    wrong = Bot("123456:WRONG", session=AiohttpSession(api=TelegramAPIServer.from_base(tg.api_url)))
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await wrong.get_me()
    finally:
        await wrong.session.close()


async def test_aiogram_limits_per_chat(tg: FakeTelegram, aio_bot: Bot) -> None:
    tg.limits = Limits(enabled=True, private_per_second=1, private_burst=2)
    alice = tg.add_user("王阿姨")
    outcomes: list[Any] = []
    for i in range(4):
        try:
            await aio_bot.send_message(alice.id, str(i))
            outcomes.append("ok")
        except TelegramRetryAfter as exc:
            outcomes.append(exc.retry_after)
    assert outcomes == ["ok", "ok", 1, 1]
    # a raw update built by the test reaches aiogram's parser unchanged
    update = Update.model_validate(tg.add_raw_update({"message": tg.sent[0].message}))
    assert update.message is not None and update.message.text == "0"


async def test_aiogram_staying_under_the_rate_gets_no_429(tg: FakeTelegram, aio_bot: Bot) -> None:
    tg.limits = Limits(enabled=True, private_per_second=20, private_burst=1)
    alice = tg.add_user("王阿姨")
    for i in range(8):  # about 12 per second against a limit of 20 with no burst
        await aio_bot.send_message(alice.id, str(i))
        await asyncio.sleep(0.08)
    assert tg.stats["429"] == 0 and len(tg.sent) == 8
