"""Residents' requests become tickets that staff handle from a group chat: each scenario
through the real framework (PTB and aiogram) over real HTTP against the fake Bot API."""

from __future__ import annotations

import asyncio

from handlers.texts import t
from storage.tables import TicketStatus
from tests.e2e.world import SECRET, World


async def test_start_shows_menu_and_commands_are_published(world: World) -> None:
    tg = world.tg
    private = tg.commands_for("all_private_chats", "")
    staff = tg.commands_for(f"chat:{world.staff_group.id}", "")
    assert {c["command"] for c in private} >= {"start", "help", "my"}
    assert {c["command"] for c in staff} >= {"open", "ticket"}
    tg.send_text(world.alice, "/start")
    welcome = await world.reply_to(world.alice, "您好")
    keyboard = welcome.reply_markup["keyboard"]
    assert [b["text"] for row in keyboard for b in row] == [t("menu.report"), t("menu.my"), t("menu.volunteer"), t("menu.help")]


async def test_report_claim_reply_resolve_and_resident_is_told_each_step(world: World) -> None:
    tg, alice, li = world.tg, world.alice, world.li
    tg.send_text(alice, "3幢电梯又坏了，困在家里下不了楼")
    ack = await world.reply_to(alice, "工单号")
    [ticket] = await world.tickets()
    assert f"#{ticket.id}" in ack.text and "物业维修" in ack.text and ticket.category == "repair"
    card = await world.card(ticket.id)
    assert "电梯" in card.text and "王阿姨" in card.text and "依据：" in card.text

    tg.press(li, card.message, f"t:claim:{ticket.id}")
    claimed = await world.reply_to(alice, "接手")
    assert "李明" not in claimed.text
    await tg.wait_for(lambda: "处理人：李明" in world.current(card))

    tg.send_text(li, "师傅下午两点到，请家里留人", chat=world.staff_group, reply_to=card.message)
    relayed = await world.reply_to(alice, "师傅下午两点到")
    assert f"#{ticket.id}" in relayed.text and "社区服务中心" in relayed.text and "李明" not in relayed.text

    tg.press(li, tg.message(card.chat_id, card.message_id), f"t:resolve:{ticket.id}")
    await world.reply_to(alice, "已处理完成")
    await world.settle()
    [done] = await world.tickets()
    assert done.status == TicketStatus.RESOLVED and done.assignee_id == li.id
    assert [e.kind for e in await world.events(ticket.id)] == ["created", "claimed", "reply", "resolved"]
    assert "已解决" in world.current(card)
    answers = [a for a in tg.callback_answers.values()]
    assert len(answers) == 2 and all(not a.get("show_alert") for a in answers)


async def test_photo_and_album_join_the_ticket(world: World) -> None:
    tg, alice = world.tg, world.alice
    tg.send_text(alice, "楼道灯坏了")
    await world.reply_to(alice, "工单号")
    [ticket] = await world.tickets()
    card = await world.card(ticket.id)
    mark = len(tg.sent)
    tg.send_album(alice, 3)
    added = await world.reply_to(alice, "照片", after=mark)
    assert f"#{ticket.id}" in added.text
    await world.settle()
    assert len(await world.tickets()) == 1
    copies = [s for s in tg.sent[mark:] if s.chat_id == world.staff_group.id and s.method == "copyMessage"]
    assert len(copies) == 3 and all(s.reply_to_message_id == card.message_id for s in copies)
    assert len([s for s in tg.sent[mark:] if s.chat_id == alice.id]) == 1  # the album counts once
    assert "照片 3" in world.current(card)


async def test_urgent_message_says_call_now_first_and_card_stands_out(world: World) -> None:
    tg, alice = world.tg, world.alice
    tg.send_text(alice, "厨房里煤气味很重，我头晕")
    ack = await world.reply_to(alice)
    assert ack.text.startswith("⚠️") and "119" in ack.text.split("\n")[1]
    [ticket] = await world.tickets()
    assert ticket.urgent
    card = await world.card(ticket.id)
    assert card.text.startswith("🚨🚨 紧急")
    assert "<b>紧急</b>" in (card.html or "")


async def test_danger_told_in_a_reply_makes_the_ticket_urgent_and_staff_can_take_it_back(world: World) -> None:
    tg, alice, li = world.tg, world.alice, world.li
    tg.send_text(alice, "3幢电梯又坏了")
    ack = await world.reply_to(alice, "工单号")
    [ticket] = await world.tickets()
    card = await world.card(ticket.id)
    assert not ticket.urgent
    mark = len(tg.sent)
    tg.send_text(alice, "电梯里面冒烟了 有人困在里头", reply_to=ack.message)
    told = await world.reply_to(alice, "119", after=mark)
    assert told.text.startswith("⚠️") and f"#{ticket.id}" in told.text
    await world.settle()
    [ticket] = await world.tickets()
    assert ticket.urgent
    assert world.current(card).startswith("🚨🚨 紧急") and "危险迹象" in world.current(card)
    tg.press_button(li, card.message, "不紧急")
    await world.settle()
    [ticket] = await world.tickets()
    assert not ticket.urgent and "危险迹象" not in world.current(card)
    assert [e.kind for e in await world.events(ticket.id)][-2:] == ["urgent", "urgency_changed"]


async def test_forged_button_data_is_refused_and_changes_nothing(world: World) -> None:
    tg, alice, li = world.tg, world.alice, world.li
    tg.send_text(alice, "3幢电梯又坏了")
    await world.reply_to(alice, "工单号")
    [ticket] = await world.tickets()
    card = await world.card(ticket.id)
    for data in (f"t:resolve:{ticket.id + 100}", "t:drop_tables:1", "x" * 64, f"t:why:{ticket.id}:because"):
        cq = tg.press(li, card.message, data)
        await tg.wait_for(lambda cq=cq: cq in tg.callback_answers)
        assert tg.callback_answers[cq].get("show_alert") is True
    await world.settle()
    [still] = await world.tickets()
    assert still.status == TicketStatus.OPEN and still.assignee_id is None
    assert [e.kind for e in await world.events(ticket.id)] == ["created"]


async def test_someone_outside_the_staff_group_cannot_act(world: World) -> None:
    tg, alice = world.tg, world.alice
    stranger = tg.add_user("陌生人")
    tg.send_text(alice, "3幢电梯又坏了")
    await world.reply_to(alice, "工单号")
    [ticket] = await world.tickets()
    card = await world.card(ticket.id)
    cq = world.forge_press(stranger, card.message, f"t:resolve:{ticket.id}")
    answer = await tg.wait_for_call("answerCallbackQuery", lambda c: c.params["callback_query_id"] == cq)
    assert answer.params["text"] == t("refuse.staff_only")
    # a staff member who left the group loses access too
    tg.remove_member(world.staff_group, world.zhao)
    cq2 = world.forge_press(world.zhao, card.message, f"t:claim:{ticket.id}")
    answer = await tg.wait_for_call("answerCallbackQuery", lambda c: c.params["callback_query_id"] == cq2)
    assert answer.params["text"] == t("refuse.staff_only")
    await world.settle()
    assert (await world.tickets())[0].status == TicketStatus.OPEN


async def test_the_same_update_delivered_twice_changes_nothing(world: World) -> None:
    tg, alice = world.tg, world.alice
    message = tg.send_text(alice, "楼下垃圾三天没人收了")
    await world.reply_to(alice, "工单号")
    await world.settle()
    update_id = next(u["update_id"] for u in tg.updates if u.get("message", {}).get("message_id") == message["message_id"])
    sent_before = len(tg.sent)
    tg.redeliver(update_id)
    await world.settle()
    assert len(await world.tickets()) == 1
    assert len(tg.sent) == sent_before


async def test_a_429_storm_is_waited_out_and_nothing_is_lost(world: World) -> None:
    tg, alice = world.tg, world.alice
    tg.storm_429(seconds=2.0, retry_after=1)
    tg.send_text(alice, "3幢电梯又坏了")
    tg.send_text(world.tg.add_user("老张"), "小区门口乱停车堵住了")
    ack = await world.reply_to(alice, "工单号", timeout=15)
    await world.settle(timeout=15)
    assert tg.stats["429"] > 0
    tickets = await world.tickets()
    assert len(tickets) == 2
    for ticket in tickets:
        cards = [s for s in tg.sent if s.chat_id == world.staff_group.id and f"工单 #{ticket.id} ·" in (s.text or "")]
        answers = [s for s in tg.sent if s.chat_id == ticket.chat_id]
        assert len(cards) == 1 and len(answers) == 1  # each delivered once
    assert ack.text


async def test_a_restart_sends_what_was_left_unsent(world: World) -> None:
    tg, alice = world.tg, world.alice
    tg.storm_429(seconds=60, retry_after=30)  # Telegram refuses everything for a while
    tg.send_text(alice, "3幢电梯又坏了")
    await tg.wait_for_call("sendMessage", lambda c: c.http_status == 429)
    [ticket] = await world.tickets()
    await world.stop()  # killed mid-wait: the card and the answer are still in the outbox
    assert [s for s in tg.sent if s.chat_id == alice.id] == []
    tg.clear_faults()
    await world.start()
    await world.reply_to(alice, "工单号")
    await world.card(ticket.id)
    await world.settle()
    assert len([s for s in tg.sent if s.chat_id == alice.id]) == 1


async def test_webhook_mode_takes_updates_and_refuses_a_wrong_secret(world: World) -> None:
    tg, alice = world.tg, world.alice
    await world.restart(webhook=True)
    call = await tg.wait_for_call("setWebhook")
    assert call.params["secret_token"] == SECRET
    tg.send_text(alice, "3幢电梯又坏了")
    await world.reply_to(alice, "工单号")
    forged = {"update_id": 999999, "message": {"message_id": 1, "date": 0, "chat": {"id": alice.id, "type": "private"},
                                                 "from": {"id": alice.id, "is_bot": False, "first_name": "假"}, "text": "伪造"}}
    assert await tg.post_to_webhook(forged, secret="wrong-secret") == 401
    assert await tg.post_to_webhook(forged, secret=None) == 401
    await asyncio.sleep(0.1)
    assert len(await world.tickets()) == 1


async def test_bad_input_gets_clear_answers(world: World) -> None:
    tg, alice = world.tg, world.alice
    tg.send_sticker(alice)
    await world.reply_to(alice, t("bad_input.sticker"))
    long_text = "电梯坏了" + "啊" * (4096 - 4)
    tg.send_text(alice, long_text)
    await world.reply_to(alice, "工单号")
    [ticket] = await world.tickets()
    assert ticket.text == long_text
    card = await world.card(ticket.id)
    assert len(card.text) <= 4096
    message = tg.send_text(alice, "3幢电梯坏了")
    await world.reply_to(alice, "工单号", after=len(tg.sent) - 1)
    tg.edit_text(alice, message, "3幢2单元电梯坏了")
    await world.reply_to(alice, "改过的内容")


async def test_reply_to_card_with_photo_reaches_resident(world: World) -> None:
    tg, alice, li = world.tg, world.alice, world.li
    tg.send_text(alice, "楼道灯坏了")
    await world.reply_to(alice, "工单号")
    card = await world.card(1)
    tg.send_photo(li, caption="已经换好灯泡", chat=world.staff_group, reply_to=card.message)
    photo = await tg.wait_for_sent(chat_id=alice.id, method="sendPhoto")
    assert "已经换好灯泡" in photo.text and "李明" not in photo.text


async def test_5xx_timeouts_and_dropped_connections_are_retried_until_delivered(world: World) -> None:
    tg, alice = world.tg, world.alice
    await world.restart(telegram_timeout=0.5)
    tg.inject_error(status=502, count=2, method="sendMessage")
    tg.inject_disconnect(count=1, method="sendMessage")
    tg.inject_timeout(count=1, method="sendMessage", delay=2.0)
    tg.send_text(alice, "3幢电梯又坏了")
    await world.reply_to(alice, "工单号", timeout=30)
    await world.card(1, timeout=30)
    await world.settle(timeout=30)
    assert tg.stats["5xx_injected"] == 2 and tg.stats["disconnects_injected"] == 1 and tg.stats["timeouts_injected"] == 1
    assert len([s for s in tg.sent if s.chat_id == alice.id]) == 1
    assert len([s for s in tg.sent if s.chat_id == world.staff_group.id]) == 1
