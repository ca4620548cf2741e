"""Staff in their group: cards, buttons, replies, lists. Handlers only, no framework."""

from __future__ import annotations

from handlers.events import Chat, ChatType, Kind
from handlers.texts import t
from storage.tables import TicketStatus
from tests.support.harness import STAFF_CHAT, Harness


async def _reported(h: Harness, text: str = "3幢电梯又坏了"):  # type: ignore[no-untyped-def]
    alice = h.resident()
    await h.send(alice, text)
    ticket = (await h.tickets())[-1]
    await h.flush()
    return alice, ticket, h.card_of(ticket.id)


async def test_claim_assigns_presser_edits_card_and_tells_resident(h: Harness) -> None:
    alice, ticket, card = await _reported(h)
    li = h.staff()
    [answer] = await h.press(li, f"t:claim:{ticket.id}", chat=h.staff_chat, message_id=card.message_id)
    assert answer.text == t("staff.done_claim", id=ticket.id)
    claimed = await h.ticket(ticket.id)
    assert (claimed.status, claimed.assignee_id, claimed.assignee_name) == (TicketStatus.CLAIMED, li.id, "李明")
    sent = await h.flush()
    edit = next(d for d in sent if d.chat_id == STAFF_CHAT)
    assert edit.action.kind == "edit_text" and edit.target == card.message_id
    assert "处理中" in edit.text and "处理人：李明" in edit.text
    assert (f"t:resolve:{ticket.id}") in [data for _, data in edit.buttons]
    told = next(d for d in sent if d.chat_id == alice.id)
    assert "已有工作人员接手" in told.text and "李明" not in told.text


async def test_second_claim_by_someone_else_is_refused(h: Harness) -> None:
    _alice, ticket, card = await _reported(h)
    li, zhao = h.staff(), h.staff(802, "赵芳")
    await h.press(li, f"t:claim:{ticket.id}", chat=h.staff_chat)
    [answer] = await h.press(zhao, f"t:claim:{ticket.id}", chat=h.staff_chat)
    assert answer.alert and "李明" in answer.text
    assert (await h.ticket(ticket.id)).assignee_id == li.id


async def test_staff_reply_reaches_resident_without_staff_name_and_is_recorded(h: Harness) -> None:
    alice, ticket, card = await _reported(h)
    li = h.staff()
    await h.send(li, "师傅下午两点到", chat=h.staff_chat, reply_to=card.message_id)
    sent = await h.flush()
    reply = next(d for d in sent if d.chat_id == alice.id and "师傅下午两点到" in d.text)
    assert f"#{ticket.id}" in reply.text and "社区服务中心" in reply.text and "李明" not in reply.text
    events = await h.events(ticket.id)
    assert [e.kind for e in events][-1] == "reply" and events[-1].actor_id == li.id
    # replying is handling it: the ticket is claimed by whoever answered
    assert (await h.ticket(ticket.id)).assignee_id == li.id


async def test_staff_names_shown_when_configured(db) -> None:  # type: ignore[no-untyped-def]
    from handlers.rules import Rules

    h = Harness(db, rules=Rules(staff_chat_id=STAFF_CHAT, show_staff_names=True))
    alice, ticket, card = await _reported(h)
    await h.send(h.staff(), "马上来", chat=h.staff_chat, reply_to=card.message_id)
    reply = next(d for d in await h.flush() if d.chat_id == alice.id and "马上来" in d.text)
    assert "—— 李明" in reply.text


async def test_staff_photo_reply_reaches_resident_as_photo(h: Harness) -> None:
    alice, ticket, card = await _reported(h)
    await h.send(h.staff(), "修好了", chat=h.staff_chat, reply_to=card.message_id, kind=Kind.PHOTO, file_id="fixed")
    photo = next(d for d in await h.flush() if d.chat_id == alice.id and d.action.kind == "send_photo")
    assert photo.action.file_id == "fixed" and "修好了" in photo.text


async def test_resolve_tells_resident_and_card_loses_buttons(h: Harness) -> None:
    alice, ticket, card = await _reported(h)
    li = h.staff()
    await h.press(li, f"t:resolve:{ticket.id}", chat=h.staff_chat)
    resolved = await h.ticket(ticket.id)
    assert resolved.status == TicketStatus.RESOLVED and resolved.resolved_at is not None
    sent = await h.flush()
    assert any(d.chat_id == alice.id and "已处理完成" in d.text for d in sent)
    edit = next(d for d in sent if d.chat_id == STAFF_CHAT)
    assert "已解决" in edit.text


async def test_change_category_is_stored_as_correction(h: Harness) -> None:
    from sqlmodel import select

    from storage.tables import CategoryCorrection

    alice, ticket, card = await _reported(h, "楼道里黑漆漆的")
    li = h.staff()
    await h.press(li, f"t:cat:{ticket.id}", chat=h.staff_chat)
    picker = next(d for d in await h.flush() if d.chat_id == STAFF_CHAT)
    assert (f"t:setcat:{ticket.id}:repair") in [data for _, data in picker.buttons]
    await h.press(li, f"t:setcat:{ticket.id}:repair", chat=h.staff_chat)
    assert (await h.ticket(ticket.id)).category == "repair"
    async with h.db.session() as session:
        [correction] = (await session.exec(select(CategoryCorrection))).all()
    assert (correction.from_category, correction.to_category, correction.actor_id) == ("other", "repair", li.id)
    assert any(d.chat_id == alice.id and "物业维修" in d.text for d in await h.flush())


async def test_close_with_reason_tells_resident_why(h: Harness) -> None:
    alice, ticket, card = await _reported(h)
    li = h.staff()
    await h.press(li, f"t:close:{ticket.id}", chat=h.staff_chat)
    reasons = next(d for d in await h.flush() if d.chat_id == STAFF_CHAT)
    assert [data for _, data in reasons.buttons][:3] == [
        f"t:why:{ticket.id}:duplicate",
        f"t:why:{ticket.id}:spam",
        f"t:why:{ticket.id}:out_of_scope",
    ]
    await h.press(li, f"t:why:{ticket.id}:out_of_scope", chat=h.staff_chat)
    closed = await h.ticket(ticket.id)
    assert (closed.status, closed.close_reason) == (TicketStatus.CLOSED, "out_of_scope")
    told = next(d for d in await h.flush() if d.chat_id == alice.id)
    assert "不归社区服务中心处理" in told.text


async def test_forged_button_data_changes_nothing(h: Harness) -> None:
    _alice, ticket, _card = await _reported(h)
    li = h.staff()
    for data in ("t:resolve:99999", "t:explode:1", "t:claim:-1", "t:claim:1e9", "zzz", "t:setcat:1:nope", "t:why:1:because", ""):
        [answer] = await h.press(li, data, chat=h.staff_chat)
        assert answer.alert, data
    assert (await h.ticket(ticket.id)).status == TicketStatus.OPEN
    assert await h.flush() == []


async def test_non_member_and_wrong_chat_cannot_act(h: Harness) -> None:
    alice, ticket, _card = await _reported(h)
    stranger = h.resident(666, "陌生人")
    [refused] = await h.press(stranger, f"t:resolve:{ticket.id}", chat=h.staff_chat)
    assert refused.text == t("refuse.staff_only")
    li = h.staff()
    [elsewhere] = await h.press(li, f"t:resolve:{ticket.id}")  # a staff member, but in a private chat
    assert elsewhere.text == t("refuse.staff_chat_only")
    await h.send(stranger, "/open", chat=h.staff_chat)
    assert [d.text for d in await h.flush()] == [t("refuse.staff_only")]
    assert (await h.ticket(ticket.id)).status == TicketStatus.OPEN


async def test_resolving_twice_is_refused_with_current_state(h: Harness) -> None:
    _alice, ticket, _card = await _reported(h)
    li = h.staff()
    await h.press(li, f"t:resolve:{ticket.id}", chat=h.staff_chat)
    [again] = await h.press(li, f"t:resolve:{ticket.id}", chat=h.staff_chat)
    assert again.alert and "已解决" in again.text
    assert sum(e.kind == "resolved" for e in await h.events(ticket.id)) == 1


async def test_open_lists_urgent_first_then_oldest(h: Harness) -> None:
    from datetime import timedelta

    alice, bob = h.resident(), h.resident(502, "老张")
    await h.send(alice, "3幢电梯又坏了")
    h.clock.advance(timedelta(minutes=5))
    await h.send(bob, "楼下垃圾没人收")
    h.clock.advance(timedelta(minutes=5))
    await h.send(h.resident(503, "小刘"), "楼道里煤气味好重")
    await h.flush()
    await h.send(h.staff(), "/open", chat=h.staff_chat)
    [listing] = await h.flush()
    order = [line.split("</b>")[0].split("#")[-1] for line in listing.text.split("\n\n")[1:]]
    assert order == ["3", "1", "2"]
    assert listing.text.split("\n\n")[1].startswith("🚨")


async def test_ticket_command_shows_history(h: Harness) -> None:
    alice, ticket, card = await _reported(h)
    li = h.staff()
    await h.press(li, f"t:claim:{ticket.id}", chat=h.staff_chat)
    await h.send(li, "师傅下午到", chat=h.staff_chat, reply_to=card.message_id)
    await h.flush()
    await h.send(li, f"/ticket {ticket.id}", chat=h.staff_chat)
    [detail] = await h.flush()
    assert "3幢电梯又坏了" in detail.text
    assert "提交工单" in detail.text and "李明：认领" in detail.text and "回复居民：师傅下午到" in detail.text
    await h.send(li, "/ticket abc", chat=h.staff_chat)
    await h.send(li, "/ticket 999", chat=h.staff_chat)
    assert [d.text for d in await h.flush()] == [t("staff.ticket_usage"), t("staff.not_found", id=999)]


async def test_messages_in_unknown_groups_get_one_clear_answer_to_commands(h: Harness) -> None:
    somewhere = Chat(-100777, ChatType.SUPERGROUP, "业主群")
    alice = h.resident()
    await h.send(alice, "大家好", chat=somewhere)
    await h.send(alice, "/start", chat=somewhere)
    assert await h.tickets() == []
    assert [d.text for d in await h.flush()] == [t("bad_input.unknown_group")]


async def test_membership_is_cached_not_asked_every_time(h: Harness) -> None:
    _alice, ticket, _card = await _reported(h)
    li = h.staff()
    for _ in range(5):
        await h.send(li, "/open", chat=h.staff_chat)
    assert h.membership.asked == 1
