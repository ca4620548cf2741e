"""python-telegram-bot (v22) against the fake Telegram server, over real HTTP."""

from __future__ import annotations

import datetime as dtm
from collections.abc import AsyncIterator

import pytest
import telegram
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from bot.fake_telegram import FakeTelegram, Limits
from bot.fake_telegram.connect import ptb_application_builder

pytestmark = pytest.mark.usefixtures("ptb_timedelta")


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in pairs]])


async def test_ptb_sends_edits_and_answers(tg: FakeTelegram, ptb_bot: telegram.Bot) -> None:
    alice = tg.add_user("王阿姨", username="wang_ayi")
    me = await ptb_bot.get_me()
    assert me.id == 123456 and me.username == "minhu_test_bot" and me.is_bot
    question = tg.send_text(alice, "3幢电梯又坏了")
    msg = await ptb_bot.send_message(
        alice.id,
        "<b>收到</b>：工单 <code>#12</code> &lt;加急&gt;",
        parse_mode="HTML",
        reply_markup=keyboard(("已解决", "t:12:done"), ("未解决", "t:12:open")),
        reply_parameters=ReplyParameters(question["message_id"]),
    )
    assert msg.text == "收到：工单 #12 <加急>"
    assert [(e.type, e.offset, e.length) for e in msg.entities] == [("bold", 0, 2), ("code", 6, 3)]
    assert msg.reply_to_message.text == "3幢电梯又坏了"
    assert msg.reply_markup.inline_keyboard[0][1].callback_data == "t:12:open"
    assert msg.from_user.id == me.id and msg.chat.id == alice.id
    sent = tg.sent[0]
    assert tg.calls[-1].content_type == "application/x-www-form-urlencoded"
    assert sent.html == "<b>收到</b>：工单 <code>#12</code> &lt;加急&gt;"
    assert sent.reply_to_message_id == question["message_id"]
    assert sent.params["parse_mode"] == "HTML"

    query_id = tg.press(alice, msg.to_dict(), "t:12:done")
    assert await ptb_bot.answer_callback_query(query_id, text="谢谢反馈")
    assert tg.callback_answers[query_id]["text"] == "谢谢反馈"
    edited = await ptb_bot.edit_message_text("工单 #12 已解决", alice.id, msg.message_id)
    assert edited.text == "工单 #12 已解决" and edited.reply_markup is None
    assert edited.edit_date is not None
    again = await ptb_bot.edit_message_reply_markup(
        alice.id, msg.message_id, reply_markup=keyboard(("重新打开", "t:12:reopen"))
    )
    assert again.reply_markup.inline_keyboard[0][0].text == "重新打开"
    assert len(sent.edits) == 2 and sent.edits[0]["text"] == "收到：工单 #12 <加急>"
    with pytest.raises(BadRequest, match="essage is not modified"):
        await ptb_bot.edit_message_reply_markup(
            alice.id, msg.message_id, reply_markup=keyboard(("重新打开", "t:12:reopen"))
        )
    assert await ptb_bot.delete_message(alice.id, msg.message_id)
    assert sent.deleted

    # reply keyboards: asked for contact and location, then removed
    ask = await ptb_bot.send_message(
        alice.id,
        "请分享电话",
        reply_markup=ReplyKeyboardMarkup(
            [[KeyboardButton("分享电话", request_contact=True)],
             [KeyboardButton("分享位置", request_location=True)]],
            one_time_keyboard=True,
        ),
    )
    assert ask.reply_markup is None  # Telegram echoes only inline keyboards
    assert tg.sent[-1].reply_markup["keyboard"][0][0]["request_contact"] is True
    assert tg.reply_keyboards[alice.id]["one_time_keyboard"] is True
    await ptb_bot.send_message(alice.id, "谢谢", reply_markup=ReplyKeyboardRemove())
    assert tg.reply_keyboards[alice.id] is None
    await ptb_bot.send_message(alice.id, "请描述", reply_markup=ForceReply())
    assert tg.sent[-1].reply_markup == {"force_reply": True}
    loc = await ptb_bot.send_location(alice.id, latitude=31.23, longitude=121.47)
    assert loc.location.latitude == pytest.approx(31.23)
    assert [c.method for c in tg.calls if c.http_status != 200] == ["editMessageReplyMarkup"]


async def test_ptb_photos_copies_polls_and_commands(tg: FakeTelegram, ptb_bot: telegram.Bot) -> None:
    alice, bob = tg.add_user("王阿姨"), tg.add_user("李师傅")
    staff = tg.add_group("社区工作群", members=[bob], admins=[])
    # upload, then re-send by file_id
    photo_msg = await ptb_bot.send_photo(alice.id, photo=b"\x89PNG\r\n\x1a\nfake", caption="现场照片")
    assert photo_msg.caption == "现场照片" and len(photo_msg.photo) >= 1
    upload_call = tg.calls[-1]
    assert upload_call.params["photo"]["size"] == 12  # PTB sends multipart, field "photo"
    assert upload_call.content_type == "multipart/form-data"
    assert tg.calls[0].content_type == ""  # getMe: no parameters, no body
    again = await ptb_bot.send_photo(staff.id, photo=photo_msg.photo[-1].file_id)
    assert again.photo[-1].file_id == photo_msg.photo[-1].file_id
    # a resident's photo: download it through getFile
    user_photo = tg.send_photo(alice, caption="漏水", data=b"\x89PNG\r\n\x1a\nuser-bytes")
    file = await ptb_bot.get_file(user_photo["photo"][-1]["file_id"])
    assert bytes(await file.download_as_bytearray()) == b"\x89PNG\r\n\x1a\nuser-bytes"
    # copy the resident's photo into the staff group, with a new caption and buttons
    copied = await ptb_bot.copy_message(
        staff.id, alice.id, user_photo["message_id"], caption="<b>新工单</b> 漏水",
        parse_mode="HTML", reply_markup=keyboard(("接单", "take:1")),
    )
    copy = tg.message(staff.id, copied.message_id)
    assert copy["photo"] == user_photo["photo"]
    assert copy["caption"] == "新工单 漏水" and copy["caption_entities"][0]["type"] == "bold"
    assert tg.sent[-1].method == "copyMessage" and tg.sent[-1].reply_markup is not None
    forwarded = await ptb_bot.forward_message(staff.id, alice.id, user_photo["message_id"])
    assert forwarded.forward_origin.sender_user.id == alice.id

    poll_msg = await ptb_bot.send_poll(
        staff.id, "周六加班?", ["可以", "不行"], is_anonymous=False, allows_multiple_answers=False
    )
    assert poll_msg.poll.question == "周六加班?" and [o.text for o in poll_msg.poll.options] == [
        "可以", "不行"]
    tg.answer_poll(bob, poll_msg.to_dict(), [0])
    stopped = await ptb_bot.stop_poll(staff.id, poll_msg.message_id)
    assert stopped.is_closed and stopped.options[0].voter_count == 1
    assert stopped.total_voter_count == 1

    await ptb_bot.set_my_commands([BotCommand("start", "开始"), BotCommand("help", "帮助")])
    await ptb_bot.set_my_commands(
        [BotCommand("tickets", "待办工单")], scope=BotCommandScopeChat(staff.id), language_code="zh"
    )
    await ptb_bot.set_my_commands([BotCommand("help", "帮助")], scope=BotCommandScopeAllGroupChats())
    assert [c["command"] for c in tg.my_commands[("default", "")]] == ["start", "help"]
    assert tg.commands_for(f"chat:{staff.id}", "zh") == [
        {"command": "tickets", "description": "待办工单"}]
    assert tg.commands_for("all_group_chats")[0]["command"] == "help"
    got = await ptb_bot.get_my_commands(scope=BotCommandScopeChat(staff.id), language_code="zh")
    assert got[0].command == "tickets"

    member = await ptb_bot.get_chat_member(staff.id, bob.id)
    assert member.status == "creator"
    assert (await ptb_bot.get_chat_member(staff.id, alice.id)).status == "left"
    tg.set_member_status(staff, alice, "administrator")
    admin = await ptb_bot.get_chat_member(staff.id, alice.id)
    assert admin.status == "administrator" and admin.can_delete_messages
    chat = await ptb_bot.get_chat(staff.id)
    assert chat.title == "社区工作群" and chat.type == "supergroup"
    assert await ptb_bot.send_chat_action(alice.id, "typing")
    assert await ptb_bot.set_chat_menu_button()


async def test_ptb_application_parses_every_update_kind(tg: FakeTelegram) -> None:
    alice, bob = tg.add_user("王阿姨", last_name="丽"), tg.add_user("李师傅")
    group = tg.add_group("楼长群", members=[alice, bob])
    got: list[Update] = []

    async def collect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        got.append(update)

    app = ptb_application_builder(tg).build()
    app.add_handler(TypeHandler(Update, collect))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=5)
        start = tg.send_text(alice, "/start")
        tg.send_text(bob, "/report@minhu_test_bot 漏水", chat=group, reply_to=None)
        button_msg = await app.bot.send_message(alice.id, "选一个", reply_markup=keyboard(("A", "a")))
        poll_msg = await app.bot.send_poll(group.id, "开会?", ["去", "不去"], is_anonymous=False)
        tg.press(alice, button_msg.to_dict(), "a")
        tg.answer_poll(bob, poll_msg.to_dict(), [1])
        tg.edit_text(alice, start, "/start again")
        album = tg.send_album(alice, 3, caption="三张照片")
        tg.send_location(alice, 31.2, 121.5)
        tg.send_contact(alice, "+8613800000000")
        await tg.wait_for(lambda: len(got) >= 11)
        await app.updater.stop()
        await app.stop()

    kinds = [u.effective_message is not None for u in got]
    assert len(kinds) == 11
    by_id = {u.update_id: u for u in got}
    assert sorted(by_id) == [u["update_id"] for u in tg.updates]
    first = got[0]
    assert first.message.text == "/start" and first.message.entities[0].type == "bot_command"
    assert first.effective_user.full_name == "王阿姨 丽" and first.effective_chat.type == "private"
    cmd = got[1].message
    assert cmd.chat.id == group.id and cmd.chat.type == "supergroup"
    assert cmd.entities[0].length == len("/report@minhu_test_bot")
    query = next(u.callback_query for u in got if u.callback_query)
    assert query.data == "a" and query.from_user.id == alice.id
    assert query.message.message_id == button_msg.message_id and query.message.text == "选一个"
    answer = next(u.poll_answer for u in got if u.poll_answer)
    assert answer.option_ids == (1,) and answer.user.id == bob.id
    assert answer.poll_id == poll_msg.poll.id
    poll_update = next(u.poll for u in got if u.poll)
    assert poll_update.options[1].voter_count == 1
    edited = next(u.edited_message for u in got if u.edited_message)
    assert edited.text == "/start again" and edited.edit_date is not None
    photos = [u.message for u in got if u.message and u.message.photo]
    assert len(photos) == 3 and {p.media_group_id for p in photos} == {album[0]["media_group_id"]}
    assert photos[0].caption == "三张照片" and photos[1].caption is None
    assert photos[0].photo[-1].file_id == album[0]["photo"][-1]["file_id"]
    location = next(u.message.location for u in got if u.message and u.message.location)
    assert location.latitude == pytest.approx(31.2)
    contact = next(u.message.contact for u in got if u.message and u.message.contact)
    assert contact.user_id == alice.id and contact.phone_number == "+8613800000000"
    # every update was confirmed by PTB's next getUpdates (and its shutdown call)
    assert tg.pending_update_count == 0


async def test_ptb_exceptions_for_faults(tg: FakeTelegram, ptb_bot: telegram.Bot) -> None:
    alice = tg.add_user("王阿姨")
    tg.storm_429(seconds=10, retry_after=7)
    with pytest.raises(RetryAfter) as flood:
        await ptb_bot.send_message(alice.id, "x")
    assert flood.value.retry_after == dtm.timedelta(seconds=7)
    tg.clear_faults()

    tg.inject_error(502)
    with pytest.raises(NetworkError) as bad_gateway:
        await ptb_bot.send_message(alice.id, "x")
    assert type(bad_gateway.value) is NetworkError and "Bad Gateway" in str(bad_gateway.value)
    tg.inject_error(500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await ptb_bot.send_message(alice.id, "x")

    tg.inject_timeout(delay=5)
    with pytest.raises(TimedOut):
        await ptb_bot.send_message(alice.id, "x", read_timeout=0.2)
    assert issubclass(TimedOut, NetworkError)

    tg.inject_disconnect()
    with pytest.raises(NetworkError) as dropped:
        await ptb_bot.send_message(alice.id, "x")
    assert not isinstance(dropped.value, TimedOut)
    assert "RemoteProtocolError" in str(dropped.value)

    tg.inject_timeout(delay=5, deliver=True)
    with pytest.raises(TimedOut):
        await ptb_bot.send_message(alice.id, "lost response", read_timeout=0.2)
    assert tg.sent[-1].text == "lost response"

    with pytest.raises(BadRequest, match="hat not found"):
        await ptb_bot.send_message(1, "x")
    with pytest.raises(BadRequest, match="an't parse entities"):
        await ptb_bot.send_message(alice.id, "<b>x</i>", parse_mode="HTML")
    tg.block_bot(alice)
    with pytest.raises(Forbidden, match="ot was blocked by the user"):
        await ptb_bot.send_message(alice.id, "x")
    await ptb_bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await ptb_bot.get_updates()
    await ptb_bot.delete_webhook()
    wrong = telegram.Bot("123456:WRONG", base_url=tg.base_url)
    try:
        with pytest.raises(InvalidToken, match="rejected"):
            await wrong.initialize()  # getMe
    finally:
        await wrong.shutdown()


@pytest.fixture
async def fast_ptb(tg: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    bot = telegram.Bot(
        tg.token, base_url=tg.base_url, request=HTTPXRequest(connection_pool_size=64)
    )
    async with bot:
        yield bot


async def test_ptb_burst_over_the_limit_gets_429(tg: FakeTelegram, fast_ptb: telegram.Bot) -> None:
    tg.limits = Limits(enabled=True)
    alice = tg.add_user("王阿姨")
    outcomes = []
    for i in range(6):
        try:
            await fast_ptb.send_message(alice.id, f"第{i}条")
            outcomes.append("ok")
        except RetryAfter as exc:
            outcomes.append(exc.retry_after)
    assert outcomes == ["ok", "ok", "ok"] + [dtm.timedelta(seconds=1)] * 3
    assert tg.stats["429_limit"] == 3
