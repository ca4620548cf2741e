"""Danger told after the ticket was opened (a reply, an edit, a message in a flood) makes
the ticket urgent at once; the staff card says why a ticket is urgent; staff settle it."""

from __future__ import annotations

import json
from datetime import timedelta

from handlers.cards import card_text, urgent_reasons
from handlers.context import Ctx
from handlers.texts import t
from storage.tables import Ticket
from tests.support.harness import STAFF_CHAT, START, Harness
from tests.support.loop import pending_timers, to


async def test_urgent_card_says_which_words_made_it_urgent(h: Harness) -> None:
    await h.send(h.resident(), "厨房煤气味很重")
    [ticket] = await h.tickets()
    assert json.loads(ticket.urgent_keywords) == ["煤气"]
    card = h.card_of(ticket.id) if await h.flush() else None
    assert card is not None and "🚨 危险迹象：煤气" in card.text


async def test_card_of_an_ordinary_ticket_has_no_danger_line(h: Harness) -> None:
    await h.send(h.resident(), "3幢电梯又坏了")
    [ticket] = await h.tickets()
    await h.flush()
    assert ticket.urgent_keywords == "[]" and "危险迹象" not in h.card_of(ticket.id).text


def test_the_learned_models_reason_reads_as_words_for_staff() -> None:
    ticket = Ticket(resident_id=1, chat_id=1, category="other", urgent=True, urgent_keywords='["model:0.83"]')
    assert urgent_reasons(ticket) == t("card.danger_model", score="0.83") == "文字像紧急求助（模型 0.83）"


async def test_a_reply_telling_of_danger_makes_the_ticket_urgent(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "3幢电梯坏了")
    [ticket] = await h.tickets()
    ack = next(d for d in await h.flush() if d.chat_id == alice.id)
    assert (await pending_timers(h))[f"claim_due:{ticket.id}"] == START + timedelta(hours=2)
    h.clock.advance(timedelta(minutes=5))
    await h.send(alice, "电梯里面着火了 有人在里头", reply_to=ack.message_id)

    ticket = await h.ticket(ticket.id)
    assert ticket.urgent and json.loads(ticket.urgent_keywords) == ["着火"]
    assert [e.kind for e in await h.events(ticket.id)] == ["created", "message", "urgent"]
    # an urgent ticket must be claimed within 10 minutes of its arrival
    assert (await pending_timers(h))[f"claim_due:{ticket.id}"] == START + timedelta(minutes=10)
    sent = await h.flush()
    [told] = to(sent, alice.id)
    assert told.text.startswith("⚠️") and "119" in told.text and f"#{ticket.id}" in told.text
    staff = to(sent, STAFF_CHAT)
    note = next(d for d in staff if d.action.kind == "send_text")
    assert note.text.startswith("🚨🚨") and "电梯里面着火了" in note.text
    assert note.reply_to == h.card_of(ticket.id).message_id
    edit = next(d for d in staff if d.action.kind == "edit_text")
    assert edit.text.startswith(t("card.urgent_badge")) and "危险迹象：着火" in edit.text


async def test_danger_in_a_flood_is_not_kept_quiet(h: Harness) -> None:
    alice = h.resident()
    for i in range(h.rules.flood_max_messages + 2):
        await h.send(alice, f"电梯坏了{i}")
    await h.flush()
    await h.send(alice, "闻到煤气了")
    newest = (await h.tickets())[-1]
    assert newest.urgent
    [told] = to(await h.flush(), alice.id)
    assert told.text.startswith("⚠️") and "119" in told.text


async def test_more_danger_on_an_urgent_ticket_is_an_addition_that_repeats_whom_to_call(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "闻到煤气了")
    [ticket] = await h.tickets()
    ack = next(d for d in await h.flush() if d.chat_id == alice.id)
    await h.send(alice, "煤气味越来越大了", reply_to=ack.message_id)
    await h.send(alice, "我们先下楼了", reply_to=ack.message_id)
    assert [e.kind for e in await h.events(ticket.id)] == ["created", "message", "message"]
    sent = await h.flush()
    added = t("ticket.added", id=ticket.id)
    assert [d.text for d in to(sent, alice.id)] == [t("urgent.resident") + "\n\n" + added, added]
    assert "补充" in to(sent, STAFF_CHAT)[0].text


async def test_an_edit_telling_of_danger_makes_the_ticket_urgent(h: Harness) -> None:
    alice = h.resident()
    msg = await h.send(alice, "3幢电梯坏了")
    await h.flush()
    await h.send(alice, "3幢电梯坏了 里面着火了", message_id=msg.message_id, edited=True)
    [ticket] = await h.tickets()
    assert ticket.urgent
    assert [e.kind for e in await h.events(ticket.id)] == ["created", "edited", "urgent"]
    [told] = to(await h.flush(), alice.id)
    assert told.text.startswith("⚠️")


async def test_an_edit_of_an_unknown_message_telling_of_danger_still_says_whom_to_call(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "楼里着火了", message_id=777, edited=True)
    [told] = await h.flush()
    assert told.text == t("urgent.resident") + "\n\n" + t("ticket.edited_unknown")


async def test_where_the_learned_model_chose_the_category_the_card_says_so(h: Harness) -> None:
    await h.send(h.resident(), "3幢电梯又坏了")
    [ticket] = await h.tickets()
    ticket.keywords = json.dumps(["电梯", "model:0.72"])
    async with h.db.session() as session:
        ctx = Ctx(services=h.services, session=session, now=START)
        text = await card_text(ctx, ticket)
    assert "依据：电梯、模型判断（0.72）" in text


async def test_staff_calm_a_false_alarm_and_its_clock_goes_back_to_the_categorys(h: Harness) -> None:
    await h.send(h.resident(), "厨房煤气味很重")  # urgent, safety
    [ticket] = await h.tickets()
    await h.flush()
    assert (await pending_timers(h))[f"claim_due:{ticket.id}"] == START + timedelta(minutes=10)
    li = h.staff()
    [answer] = await h.press(li, f"t:urg:{ticket.id}:0", chat=h.staff_chat)
    assert answer.text == t("staff.done_not_urgent", id=ticket.id)
    ticket = await h.ticket(ticket.id)
    assert not ticket.urgent
    assert (await pending_timers(h))[f"claim_due:{ticket.id}"] == START + timedelta(minutes=30)
    [event] = [e for e in await h.events(ticket.id) if e.kind == "urgency_changed"]
    assert (event.actor_id, json.loads(event.data or "{}")) == (li.id, {"urgent": False})
    [card] = [d for d in await h.flush() if d.chat_id == STAFF_CHAT and d.action.kind == "edit_text"]
    assert not card.text.startswith(t("card.urgent_badge")) and "危险迹象" not in card.text
    assert (t("button.urgent"), f"t:urg:{ticket.id}:1") in card.buttons
    # a second press of the old button changes nothing
    await h.press(li, f"t:urg:{ticket.id}:0", chat=h.staff_chat)
    assert len([e for e in await h.events(ticket.id) if e.kind == "urgency_changed"]) == 1


async def test_staff_raise_a_danger_the_classifier_missed(h: Harness) -> None:
    await h.send(h.resident(), "3幢电梯坏了")
    [ticket] = await h.tickets()
    await h.flush()
    await h.press(h.staff(), f"t:urg:{ticket.id}:1", chat=h.staff_chat)
    assert (await h.ticket(ticket.id)).urgent
    assert (await pending_timers(h))[f"claim_due:{ticket.id}"] == START + timedelta(minutes=10)
    [card] = [d for d in await h.flush() if d.chat_id == STAFF_CHAT]
    assert card.text.startswith(t("card.urgent_badge"))
    assert (t("button.not_urgent"), f"t:urg:{ticket.id}:0") in card.buttons


async def test_forged_urgency_buttons_and_residents_change_nothing(h: Harness) -> None:
    alice = h.resident()
    await h.send(alice, "3幢电梯坏了")
    [ticket] = await h.tickets()
    [answer] = await h.press(h.staff(), f"t:urg:{ticket.id}:yes", chat=h.staff_chat)
    assert answer.alert and answer.text == t("bad_input.button_expired")
    await h.press(alice, f"t:urg:{ticket.id}:1", chat=h.staff_chat)  # not a member of the staff group
    assert not (await h.ticket(ticket.id)).urgent
