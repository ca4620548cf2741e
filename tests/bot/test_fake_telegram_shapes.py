"""Every JSON object the fake makes parses in both frameworks' models (strict aiogram/pydantic
and PTB's de_json), so handlers on either adapter see the same thing."""

from __future__ import annotations

import aiogram.types as at
import pytest
import telegram
from aiogram import Bot as AiogramBot

from bot.fake_telegram import FakeTelegram
from bot.fake_telegram.methods import member_shape

pytestmark = pytest.mark.usefixtures("ptb_timedelta")


async def test_every_update_and_message_parses_in_both_frameworks(
    tg: FakeTelegram, ptb_bot: telegram.Bot, aio_bot: AiogramBot
) -> None:
    alice = tg.add_user("王阿姨", last_name="丽", username="wang_ayi")
    bob = tg.add_user("李师傅", language_code="en")
    group = tg.add_group("社区工作群", members=[alice, bob], admins=[bob])
    basic = tg.add_group("老楼群", members=[alice], supergroup=False)
    start = tg.send_text(alice, "/start 欢迎 https://e.org @wang_ayi #报修")
    tg.send_text(bob, "/help@minhu_test_bot", chat=group, reply_to=None)
    tg.send_text(alice, "老楼", chat=basic)
    tg.send_album(alice, 2, caption="照片")
    tg.send_location(alice, 31.2, 121.5, reply_to=start)
    tg.send_contact(alice, "+8613800000000")
    tg.send_sticker(alice)
    tg.send_voice(alice)
    tg.send_document(alice, "报修单.pdf", caption="表格")
    tg.edit_text(alice, start, "/start 改")
    msg = await ptb_bot.send_message(
        alice.id, "<b>按</b>", parse_mode="HTML",
        reply_markup=telegram.InlineKeyboardMarkup(
            [[telegram.InlineKeyboardButton("A", callback_data="a")]]),
    )
    tg.press(alice, msg.to_dict(), "a")
    poll = await aio_bot.send_poll(group.id, "开会?", ["去", "不去"], is_anonymous=False,
                                   allows_multiple_answers=True)
    quiz = await aio_bot.send_poll(group.id, "几楼?", ["1", "2"], type="quiz",
                                   correct_option_id=1)
    anonymous = await ptb_bot.send_poll(group.id, "匿名?", ["是", "否"])
    tg.answer_poll(bob, poll.model_dump(by_alias=True, exclude_none=True), [0, 1])
    tg.answer_poll(bob, poll.poll.id, [])  # retracted
    tg.answer_poll(alice, quiz.poll.id, [1])
    tg.answer_poll(alice, anonymous.to_dict(), [0])
    await ptb_bot.stop_poll(group.id, poll.message_id)
    tg.add_member(group, tg.add_user("张三"), announce=True)
    tg.remove_member(group, bob, announce=True)
    tg.block_bot(alice)
    tg.unblock_bot(alice)
    await ptb_bot.forward_message(group.id, alice.id, start["message_id"])
    await ptb_bot.send_location(group.id, 1.0, 2.0, reply_to_message_id=1)
    await aio_bot.send_dice(alice.id)
    await aio_bot.send_contact(alice.id, "+86100", "居委会")
    await aio_bot.send_venue(alice.id, 31.2, 121.5, "居委会", "幸福路1号")
    tg.add_raw_update({"message": tg.sent[0].message})

    kinds = set()
    for update in tg.updates:
        kinds.add(next(k for k in update if k != "update_id"))
        parsed = at.Update.model_validate(update, context={"bot": aio_bot})
        assert parsed.update_id == update["update_id"]
        ptb = telegram.Update.de_json(update, ptb_bot)
        assert ptb is not None and ptb.update_id == update["update_id"]
        assert not ptb.api_kwargs  # every top-level field is known to PTB
    assert kinds == {"message", "edited_message", "callback_query", "poll_answer", "poll",
                     "my_chat_member", "chat_member"}
    for sent in tg.sent:
        at.Message.model_validate(sent.message, context={"bot": aio_bot})
        telegram.Message.de_json(sent.message, ptb_bot)
    for chat in (alice.id, group.id, basic.id):
        for message in tg.chat_history(chat):
            at.Message.model_validate(message, context={"bot": aio_bot})
            assert telegram.Message.de_json(message, ptb_bot) is not None
    for status in ("creator", "administrator", "member", "restricted", "left", "kicked"):
        shape = member_shape(alice.as_dict(), status)
        assert at.ChatMemberUpdated.model_validate(
            {"chat": group.as_dict(), "from": alice.as_dict(), "date": 0,
             "old_chat_member": shape, "new_chat_member": shape}
        ).new_chat_member.status == status
        assert telegram.ChatMember.de_json(shape, ptb_bot).status == status
    for chat_id in (alice.id, group.id, basic.id):
        assert (await aio_bot.get_chat(chat_id)).id == chat_id
        assert (await ptb_bot.get_chat(chat_id)).id == chat_id
    info = await aio_bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == len(tg.updates) - tg.stats["updates_not_wanted"]
    assert (await ptb_bot.get_webhook_info()).url == ""
