"""Residents in their private chat, through the handlers alone (no framework)."""

from __future__ import annotations

from datetime import timedelta

from handlers.events import Kind
from handlers.texts import t
from storage.tables import TicketStatus
from tests.support.harness import STAFF_CHAT, Harness


async def test_start_greets_in_chinese_with_big_menu_buttons(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "/start")
    [welcome] = await h.flush()
    assert welcome.chat_id == alice.id
    assert "您好，王阿姨" in welcome.text
    rows = welcome.action.keyboard.rows
    assert [b.text for row in rows for b in row] == [t("menu.report"), t("menu.my"), t("menu.volunteer"), t("menu.help")]


async def test_help_button_explains_in_plain_words(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, t("menu.help"))
    [answer] = await h.flush()
    assert "工单号" in answer.text and "119" in answer.text
    assert await h.tickets() == []  # a menu button is not a request


async def test_request_opens_ticket_with_number_category_and_card(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "3幢电梯又坏了")
    [ticket] = await h.tickets()
    assert (ticket.category, ticket.status, ticket.text) == ("repair", TicketStatus.OPEN, "3幢电梯又坏了")
    sent = await h.flush()
    card = next(d for d in sent if d.chat_id == STAFF_CHAT)
    ack = next(d for d in sent if d.chat_id == alice.id)
    assert f"#{ticket.id}" in ack.text and "物业维修" in ack.text and "尽快处理" in ack.text
    assert ack.text.endswith(t("urgent.footer"))  # the classifier can miss a danger: whom to call
    assert ("类别不对？点这里改", f"r:cat:{ticket.id}") in ack.buttons
    assert "3幢电梯又坏了" in card.text and "物业维修" in card.text and "王阿姨" in card.text
    assert "依据：电梯" in card.text
    assert [data for _, data in card.buttons] == [
        f"t:claim:{ticket.id}",
        f"t:resolve:{ticket.id}",
        f"t:cat:{ticket.id}",
        f"t:urg:{ticket.id}:1",
        f"t:close:{ticket.id}",
    ]
    [created] = await h.events(ticket.id)
    assert (created.kind, created.actor_id, created.actor_role) == ("created", alice.id, "resident")


async def test_urgent_message_tells_resident_to_call_first_and_card_stands_out(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "厨房煤气味很重")
    sent = await h.flush()
    ack = next(d for d in sent if d.chat_id == alice.id)
    assert ack.text.startswith("⚠️")
    first_line = ack.text.splitlines()[0] + ack.text.splitlines()[1]
    assert "119" in first_line and "110" in first_line and "120" in first_line
    assert t("urgent.footer") not in ack.text  # said once, at the top
    card = next(d for d in sent if d.chat_id == STAFF_CHAT)
    assert card.text.startswith("🚨🚨 <b>紧急</b>")
    [ticket] = await h.tickets()
    assert ticket.urgent


async def test_unsure_category_is_other_and_says_staff_will_look(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "你好")
    [ticket] = await h.tickets()
    assert ticket.category == "other"
    ack = next(d for d in await h.flush() if d.chat_id == alice.id)
    assert "由谁来处理" in ack.text


async def test_resident_picks_another_category_and_card_follows(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "楼道里黑漆漆的")
    [ticket] = await h.tickets()
    await h.flush()
    await h.press(alice, f"r:cat:{ticket.id}")
    [picker] = await h.flush()
    assert ("物业维修", f"r:setcat:{ticket.id}:repair") in picker.buttons
    answers = await h.press(alice, f"r:setcat:{ticket.id}:repair")
    assert answers and answers[0].alert is False
    assert (await h.ticket(ticket.id)).category == "repair"
    sent = await h.flush()
    assert any(d.chat_id == alice.id and "物业维修" in d.text for d in sent)
    edit = next(d for d in sent if d.chat_id == STAFF_CHAT)
    assert edit.action.kind == "edit_text" and "物业维修" in edit.text
    assert edit.target == h.card_of(ticket.id).message_id


async def test_photo_soon_after_joins_newest_ticket_and_album_counts_once(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "3幢电梯又坏了")
    await h.flush()
    h.clock.advance(timedelta(minutes=2))
    for _ in range(3):
        await h.send(alice, "", kind=Kind.PHOTO, file_id="ph", media_group_id="album-1")
    [ticket] = await h.tickets()
    sent = await h.flush()
    acks = [d for d in sent if d.chat_id == alice.id]
    assert len(acks) == 1 and "照片" in acks[0].text and f"#{ticket.id}" in acks[0].text
    copies = [d for d in sent if d.chat_id == STAFF_CHAT and d.action.kind == "copy_message"]
    assert len(copies) == 3 and all(c.reply_to == h.card_of(ticket.id).message_id for c in copies)
    assert sum(e.kind == "attachment" for e in await h.events(ticket.id)) == 3


async def test_photo_long_after_opens_new_ticket_and_asks_for_words(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "3幢电梯又坏了")
    h.clock.advance(timedelta(hours=1))
    await h.send(alice, "", kind=Kind.PHOTO, file_id="ph")
    _first, second = await h.tickets()
    assert second.text == "" and second.category == "other"
    ack = [d for d in await h.flush() if d.chat_id == alice.id][-1]
    assert f"#{second.id}" in ack.text and "打字" in ack.text
    # the words that follow describe that photo instead of opening a third ticket
    await h.send(alice, "楼下垃圾堆了好几天")
    assert len(await h.tickets()) == 2
    assert (await h.ticket(second.id)).category == "environment"


async def test_location_joins_ticket_and_reaches_staff_as_location(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "路灯坏了 电梯也坏了")
    await h.send(alice, "", kind=Kind.LOCATION, location=(30.25, 120.16))
    [ticket] = await h.tickets()
    sent = await h.flush()
    loc = next(d for d in sent if d.action.kind == "send_location")
    assert loc.chat_id == STAFF_CHAT and (loc.action.latitude, loc.action.longitude) == (30.25, 120.16)
    assert any(d.chat_id == alice.id and "位置" in d.text for d in sent)
    assert [e.kind for e in await h.events(ticket.id)] == ["created", "attachment"]


async def test_reply_to_bot_message_adds_to_that_ticket(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "3幢电梯又坏了")
    await h.send(alice, "楼下垃圾没人收", )
    first, _second = await h.tickets()
    sent = await h.flush()
    ack_first = next(d for d in sent if d.chat_id == alice.id and f"#{first.id}" in d.text)
    await h.send(alice, "已经停了两天了", reply_to=ack_first.message_id)
    assert len(await h.tickets()) == 2
    assert [e.kind for e in await h.events(first.id)] == ["created", "message"]
    sent = await h.flush()
    note = next(d for d in sent if d.chat_id == STAFF_CHAT)
    assert "已经停了两天了" in note.text and note.reply_to == h.card_of(first.id).message_id


async def test_my_lists_tickets_and_withdraw_needs_confirmation(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "3幢电梯又坏了")
    [ticket] = await h.tickets()
    await h.flush()
    await h.send(alice, t("menu.my"))
    [listing] = await h.flush()
    assert f"#{ticket.id}" in listing.text and "待处理" in listing.text
    assert listing.buttons == [(f"撤回 #{ticket.id}", f"r:wd:{ticket.id}")]
    await h.press(alice, f"r:wd:{ticket.id}")
    [ask] = await h.flush()
    assert (await h.ticket(ticket.id)).status == TicketStatus.OPEN
    await h.press(alice, ask.buttons[0][1])
    withdrawn = await h.ticket(ticket.id)
    assert (withdrawn.status, withdrawn.close_reason) == (TicketStatus.CLOSED, "withdrawn")
    sent = await h.flush()
    assert any(d.chat_id == alice.id and "已撤回" in d.text for d in sent)
    assert any(d.chat_id == STAFF_CHAT and d.action.kind == "edit_text" and "已关闭" in d.text for d in sent)


async def test_someone_else_cannot_press_a_residents_buttons(h: Harness) -> None:
    alice, mallory = h.resident(), h.resident(777, "路人")
    await h.send(alice, "3幢电梯又坏了")
    [ticket] = await h.tickets()
    [answer] = await h.press(mallory, f"r:wdok:{ticket.id}")
    assert answer.alert and answer.text == t("refuse.not_yours")
    assert (await h.ticket(ticket.id)).status == TicketStatus.OPEN


async def test_edited_message_joins_its_ticket(h: Harness) -> None:
    alice = h.resident()
    msg = await h.send(alice, "3幢电梯坏了")
    await h.send(alice, "3幢2单元电梯坏了", message_id=msg.message_id, edited=True)
    [ticket] = await h.tickets()
    events = await h.events(ticket.id)
    assert [e.kind for e in events] == ["created", "edited"] and events[1].text == "3幢2单元电梯坏了"
    assert any("改过的内容" in d.text for d in await h.flush())


async def test_sticker_voice_and_empty_get_clear_answers(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "", kind=Kind.STICKER, file_id="st")
    await h.send(alice, "   ")
    assert await h.tickets() == []
    texts = [d.text for d in await h.flush()]
    assert texts == [t("bad_input.sticker"), t("bad_input.empty")]
    # an elderly resident's voice note is kept for staff to hear, not refused
    await h.send(alice, "", kind=Kind.VOICE, file_id="vo")
    [_ticket] = await h.tickets()
    sent = await h.flush()
    assert any(d.chat_id == STAFF_CHAT and d.action.kind == "copy_message" for d in sent)
    assert any(d.chat_id == alice.id and "语音" in d.text for d in sent)


async def test_longest_message_is_stored_whole_and_card_fits_telegram(h: Harness) -> None:
    alice = h.resident()
    text = "电梯" + "很" * 4094
    await h.send(alice, text)
    [ticket] = await h.tickets()
    assert ticket.text == text
    card = next(d for d in await h.flush() if d.chat_id == STAFF_CHAT)
    assert len(card.text) <= 4096 and f"/ticket {ticket.id}" in card.text


async def test_flood_from_one_person_makes_few_tickets_and_one_notice(h: Harness) -> None:
    alice = h.resident()
    for i in range(100):
        await h.send(alice, f"电梯坏了{i}")
    tickets = await h.tickets()
    assert len(tickets) == h.rules.flood_max_tickets
    events = [e for tk in tickets for e in await h.events(tk.id)]
    assert len(events) == 100  # every message kept on record
    notices = [d for d in await h.flush() if "发得有点快" in d.text]
    assert len(notices) == 1


async def test_same_update_twice_changes_nothing(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "3幢电梯又坏了", update_id=42)
    await h.send(alice, "3幢电梯又坏了", update_id=42)
    assert len(await h.tickets()) == 1
    assert len(await h.flush()) == 2  # one card, one answer


async def test_unknown_command_and_staff_command_in_private_are_refused(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "/open")
    await h.send(alice, "/frobnicate")
    assert [d.text for d in await h.flush()] == [t("refuse.staff_chat_only"), t("bad_input.unknown_command")]
