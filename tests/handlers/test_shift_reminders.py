"""Reminders before shifts: the right moments, the right people, once each, even across a
crash in the middle of the fan-out; and what volunteers answer to them."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.sender import Sender, SendLimits
from handlers.context import Ctx
from handlers.texts import t
from storage.tables import Outbox, ShiftSignup, SignupStatus, Timer, Volunteer, VolunteerStatus
from tests.support.fakes import FakeBotApi
from tests.support.harness import STAFF_CHAT, Harness
from tests.support.volunteering import advance, fire_due, join, new_shift, outbox, signups, timers

# Now: Monday 2026-11-23 10:00 in Shanghai. The shift: Wednesday 11-25 09:00-11:00 (01:00 UTC).
SHIFT = "11-25 09:00-11:00 老年食堂助餐 3"
STARTS = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


async def _signed_up(h: Harness, *names: str) -> tuple[list, int]:  # type: ignore[type-arg]
    people = [h.resident(501 + i, name) for i, name in enumerate(names)]
    for person in people:
        await join(h, person)
    shift = await new_shift(h, SHIFT)
    for person in people:
        await h.press(person, f"vo:sign:{shift.id}")
    await h.flush()
    return people, shift.id


def _reminders(sent: list, shift_id: int) -> list:  # type: ignore[type-arg]
    return [d for d in sent if d.chat_id > 0 and ("vm:no:" + str(shift_id)) in [data for _, data in d.buttons]]


async def test_reminders_come_24_h_and_1_h_before_with_buttons(h: Harness) -> None:
    (wang, zhang), shift_id = await _signed_up(h, "王芳", "张伟")
    h.clock.jump_to(STARTS - timedelta(hours=24, minutes=1))
    await fire_due(h)
    assert _reminders(await h.flush(), shift_id) == []  # a minute early: nothing

    await advance(h, timedelta(minutes=1))
    day_before = _reminders(await h.flush(), shift_id)
    assert sorted(d.chat_id for d in day_before) == [wang.id, zhang.id]
    first = day_before[0]
    assert first.text.startswith(t("vol.remind.title", soon=t("vol.remind.in_hours", n=24)))
    assert "老年食堂助餐" in first.text and "11月25日（周三）09:00-11:00" in first.text
    assert first.buttons == [(t("vol.button.will_come"), f"vm:yes:{shift_id}"), (t("vol.button.cannot_come"), f"vm:no:{shift_id}")]

    h.clock.jump_to(STARTS - timedelta(hours=1))
    await fire_due(h)
    hour_before = _reminders(await h.flush(), shift_id)
    assert sorted(d.chat_id for d in hour_before) == [wang.id, zhang.id]
    assert hour_before[0].text.startswith(t("vol.remind.title", soon=t("vol.remind.in_minutes", n=60)))
    assert (t("vol.button.checkin"), f"vc:in:{shift_id}") in hour_before[0].buttons  # check-in is open from now

    await advance(h, timedelta(days=1))
    assert _reminders(await h.flush(), shift_id) == []  # and never again


async def test_reminder_offsets_are_configurable(db) -> None:  # type: ignore[no-untyped-def]
    from handlers.rules import Rules

    h = Harness(db, rules=Rules(staff_chat_id=STAFF_CHAT, shift_reminders="2h,30m"))
    _people, shift_id = await _signed_up(h, "王芳")
    keys = sorted(k for k in await timers(h) if ":remind:" in k)
    assert keys == [f"vol:{shift_id}:remind:120", f"vol:{shift_id}:remind:30"]


async def test_only_people_still_signed_up_and_approved_are_reminded(h: Harness) -> None:
    (wang, zhang, zhao), shift_id = await _signed_up(h, "王芳", "张伟", "赵敏")
    await h.press(zhang, f"vo:wd:{shift_id}")
    async with h.db.transaction() as session:  # zhao suspended by hand, bypassing the freeing
        volunteer = (await session.exec(select(Volunteer).where(Volunteer.person_id == zhao.id))).one()
        volunteer.status = VolunteerStatus.SUSPENDED
    await h.flush()
    h.clock.jump_to(STARTS - timedelta(hours=24))
    await fire_due(h)
    assert [d.chat_id for d in _reminders(await h.flush(), shift_id)] == [wang.id]


async def test_a_reminder_queued_but_not_sent_is_dropped_when_the_volunteer_withdraws(h: Harness) -> None:
    (wang, zhang), shift_id = await _signed_up(h, "王芳", "张伟")
    h.clock.jump_to(STARTS - timedelta(hours=24))
    await fire_due(h)  # both reminders are in the outbox now
    await h.press(wang, f"vo:wd:{shift_id}")
    sent = await h.flush()
    assert [d.chat_id for d in _reminders(sent, shift_id)] == [zhang.id]
    assert [d.text for d in sent if d.chat_id == wang.id] == [t("vol.withdraw.done", id=shift_id, title="老年食堂助餐")]
    statuses = {row.chat_id: row.status for row in await outbox(h) if row.supersede_key}
    assert statuses == {wang.id: "superseded", zhang.id: "sent"}


async def test_after_downtime_only_the_nearest_reminder_goes_and_none_once_started(h: Harness) -> None:
    (wang,), shift_id = await _signed_up(h, "王芳")
    h.clock.jump_to(STARTS - timedelta(minutes=30))  # the bot was down through the day-before reminder
    await fire_due(h)
    assert [row.chat_id for row in await outbox(h) if row.supersede_key] == [wang.id]  # one written, not two
    [only] = _reminders(await h.flush(), shift_id)
    assert only.text.startswith(t("vol.remind.title", soon=t("vol.remind.in_minutes", n=30)))
    assert {k: v.status for k, v in (await timers(h, f"vol:{shift_id}:remind")).items()} == {
        f"vol:{shift_id}:remind:1440": "done",
        f"vol:{shift_id}:remind:60": "done",
    }

    (zhang,), other = await _signed_up_again(h, "张伟")
    h.clock.jump_to(datetime(2026, 11, 26, 1, 5, tzinfo=UTC))  # down until 5 minutes after it began
    await fire_due(h)
    assert _reminders(await h.flush(), other) == []


async def test_after_a_short_downtime_an_older_reminder_gives_way_to_the_nearer_one(db) -> None:  # type: ignore[no-untyped-def]
    from handlers.rules import Rules

    h = Harness(db, rules=Rules(staff_chat_id=STAFF_CHAT, shift_reminders="3h,1h"))
    (wang,), shift_id = await _signed_up(h, "王芳")
    h.clock.jump_to(STARTS - timedelta(minutes=30))  # both are due, the 3 h one well within its grace
    await fire_due(h)
    assert [row.chat_id for row in await outbox(h) if row.supersede_key] == [wang.id]
    [only] = _reminders(await h.flush(), shift_id)
    assert only.text.startswith(t("vol.remind.title", soon=t("vol.remind.in_minutes", n=30)))


async def _signed_up_again(h: Harness, name: str):  # type: ignore[no-untyped-def]
    person = h.resident(601, name)
    await join(h, person)
    shift = await new_shift(h, "11-26 09:00-11:00 读报 3")
    await h.press(person, f"vo:sign:{shift.id}")
    await h.flush()
    return (person,), shift.id


async def test_i_will_be_there_is_recorded_and_staff_see_it(h: Harness) -> None:
    (wang,), shift_id = await _signed_up(h, "王芳")
    h.clock.jump_to(STARTS - timedelta(hours=24))
    await fire_due(h)
    await h.flush()
    [answer] = await h.press(wang, f"vm:yes:{shift_id}")
    assert answer.text == t("vol.remind.thanks")
    [signup] = await signups(h, shift_id)
    assert signup.confirmed_at == h.clock.now() and signup.status == SignupStatus.SIGNED
    await h.send(h.staff(), f"/roster {shift_id}", chat=h.staff_chat)
    [roster] = await h.flush()
    assert "王芳" in roster.text and t("vol.roster.confirmed") in roster.text


async def test_i_cannot_come_frees_the_place_and_flags_the_short_shift(h: Harness) -> None:
    (wang, zhang), shift_id = await _signed_up(h, "王芳", "张伟")
    h.clock.jump_to(STARTS - timedelta(hours=24))
    await fire_due(h)
    await h.flush()
    [answer] = await h.press(wang, f"vm:no:{shift_id}")
    assert answer.text == t("vol.withdraw.done_short", id=shift_id)
    assert [s.status for s in await signups(h, shift_id)] == [SignupStatus.WITHDRAWN, SignupStatus.SIGNED]
    sent = await h.flush()
    assert [d.text for d in sent if d.chat_id == wang.id] == [t("vol.remind.freed", id=shift_id, title="老年食堂助餐")]
    [staff] = [d for d in sent if d.chat_id == STAFF_CHAT]
    assert staff.text.startswith(t("vol.staff.cannot_come", name="王芳", phone="13800000501"))
    assert f"#{shift_id} 老年食堂助餐" in staff.text and t("vol.staff.short", missing=2, taken=1, capacity=3) in staff.text
    # the 1 h reminder is not for her any more
    h.clock.jump_to(STARTS - timedelta(hours=1))
    await fire_due(h)
    assert [d.chat_id for d in _reminders(await h.flush(), shift_id)] == [zhang.id]
    [again] = await h.press(wang, f"vm:no:{shift_id}")
    assert again.alert and again.text == t("vol.withdraw.not_signed", id=shift_id)


async def test_cannot_come_far_ahead_tells_staff_without_a_short_flag(h: Harness) -> None:
    (wang,), shift_id = await _signed_up(h, "王芳")
    await h.press(wang, f"vm:no:{shift_id}")  # from an edit notice, two days ahead
    [staff] = [d for d in await h.flush() if d.chat_id == STAFF_CHAT]
    assert "王芳" in staff.text and "还差" not in staff.text


async def test_staff_hear_a_day_ahead_when_a_shift_is_short(h: Harness) -> None:
    (_wang,), shift_id = await _signed_up(h, "王芳")
    full = await new_shift(h, "11-25 14:00-15:00 读报 1")
    await h.press(_wang, f"vo:sign:{full.id}")
    await h.flush()
    h.clock.jump_to(STARTS - timedelta(hours=24))
    await fire_due(h)
    [flag] = [d for d in await h.flush() if d.chat_id == STAFF_CHAT]
    assert flag.text.startswith(t("vol.staff.short_ahead")) and f"#{shift_id}" in flag.text
    assert t("vol.staff.short", missing=2, taken=1, capacity=3) in flag.text
    h.clock.jump_to(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))  # the full one's check: nothing to say
    await fire_due(h)
    assert [d for d in await h.flush() if d.chat_id == STAFF_CHAT] == []


async def test_reminder_buttons_check_the_presser(h: Harness) -> None:
    (wang,), shift_id = await _signed_up(h, "王芳")
    stranger = h.resident(666, "陌生人")
    [refused] = await h.press(stranger, f"vm:no:{shift_id}")
    assert refused.alert and refused.text == t("vol.refuse.none")
    zhang = h.resident(502, "张伟")
    await join(h, zhang)
    [refused] = await h.press(zhang, f"vm:no:{shift_id}")  # a volunteer, but not on this shift
    assert refused.alert and refused.text == t("vol.withdraw.not_signed", id=shift_id)
    for data in (f"vm:maybe:{shift_id}", "vm:no:999", "vm:no:x", "vm"):
        [answer] = await h.press(wang, data)
        assert answer.alert, data
    assert [s.status for s in await signups(h, shift_id)] == [SignupStatus.SIGNED]


# the fan-out ---------------------------------------------------------------------------------------
async def _many_signed_up(h: Harness, n: int) -> int:
    """n approved volunteers on one shift, written straight to the database (fast)."""
    from storage.people import upsert_person

    shift = await new_shift(h, f"11-25 09:00-11:00 大型义诊 {n}")
    await h.flush()
    async with h.db.transaction() as session:
        for i in range(n):
            person_id = 10_000 + i
            await upsert_person(session=session, person_id=person_id, first_name=f"志愿者{i}", last_name=None, username=None, language=None, now=h.clock.now())
            volunteer = Volunteer(person_id=person_id, name=f"志愿者{i}", phone=f"139{i:08d}", status=VolunteerStatus.APPROVED, applied_at=h.clock.now())
            session.add(volunteer)
            await session.flush()
            session.add(ShiftSignup(shift_id=shift.id, volunteer_id=volunteer.id, signed_at=h.clock.now()))
    return shift.id


async def _reminder_rows(h: Harness, shift_id: int) -> list[Outbox]:
    async with h.db.session() as session:
        query = select(Outbox).where(col(Outbox.supersede_key).startswith(f"vrem:{shift_id}:"))
        return list((await session.exec(query)).all())


async def test_a_crash_in_the_middle_of_writing_the_fan_out_loses_nothing_and_doubles_nothing(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    shift_id = await _many_signed_up(h, 200)
    h.clock.jump_to(STARTS - timedelta(hours=24))
    real_send = Ctx.send
    written = 0

    def dies_halfway(self, action, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal written
        written += 1
        if written == 120:
            raise RuntimeError("killed")  # the transaction never commits, as with a kill
        return real_send(self, action, **kwargs)

    monkeypatch.setattr(Ctx, "send", dies_halfway)
    async with h.db.session() as session:
        [timer] = (await session.exec(select(Timer).where(Timer.key == f"vol:{shift_id}:remind:1440"))).all()
    with pytest.raises(RuntimeError):
        await h.dispatcher.fire_timer(timer.id, timer.kind)
    assert await _reminder_rows(h, shift_id) == []  # nothing half-written
    assert (await timers(h, f"vol:{shift_id}:remind:1440"))[f"vol:{shift_id}:remind:1440"].status == "pending"

    monkeypatch.setattr(Ctx, "send", real_send)  # "restarted"
    assert await fire_due(h) >= 1
    assert await fire_due(h) == 0  # done: it cannot fire again
    rows = await _reminder_rows(h, shift_id)
    assert len(rows) == 200 and len({row.chat_id for row in rows}) == 200
    sent = await h.flush()
    per_chat = Counter(d.chat_id for d in _reminders(sent, shift_id))
    assert len(per_chat) == 200 and set(per_chat.values()) == {1}


class _SlowApi(FakeBotApi):
    """Takes a little time per message, like Telegram, so a stop lands mid fan-out."""

    async def deliver(self, action, resolved):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.005)
        return await super().deliver(action, resolved)


class _AcceptedThenDied(FakeBotApi):
    """After `accept` messages, the next `in_flight` are accepted by "Telegram" but the
    answer never arrives (the process died waiting); the rest never reach it."""

    def __init__(self, accept: int, in_flight: int) -> None:
        super().__init__()
        self.accept, self.in_flight = accept, in_flight

    async def deliver(self, action, resolved):  # type: ignore[no-untyped-def]
        if self.accept > 0:
            self.accept -= 1
            return await super().deliver(action, resolved)
        if self.in_flight > 0:
            self.in_flight -= 1
            await super().deliver(action, resolved)
        await asyncio.Event().wait()  # hangs until the sender is torn down


async def _deliver_with(h: Harness, api: FakeBotApi, *, until, grace: float, per_second: float = 0) -> None:  # type: ignore[no-untyped-def]
    """Run a sender until `until(sender, api)`, then stop it with `grace` seconds for the
    sends under way (0: they are cut off, as by SIGKILL)."""
    sender = Sender(h.db, api, SendLimits(global_per_second=per_second, private_per_second=0))  # type: ignore[arg-type]
    sender.start()
    async with asyncio.timeout(10):
        while not until(sender, api):  # noqa: ASYNC110 (the sender's counters signal nothing)
            await asyncio.sleep(0.001)
    await sender.stop(grace=grace)


async def test_a_graceful_stop_mid_delivery_sends_each_reminder_exactly_once(h: Harness) -> None:
    await _many_signed_up(h, 300)
    h.clock.jump_to(STARTS - timedelta(hours=24))
    await fire_due(h)
    first = _SlowApi()
    # SIGTERM: the sends under way finish, no new one starts
    await _deliver_with(h, first, until=lambda _s, api: len(api.deliveries) >= 50, grace=10, per_second=100)
    second = FakeBotApi()
    await _drain(h, second)  # restarted
    per_chat = Counter(d.chat_id for d in (*first.deliveries, *second.deliveries) if d.chat_id >= 10_000)
    assert len(first.deliveries) < 300  # it really stopped in the middle
    assert len(per_chat) == 300 and set(per_chat.values()) == {1}


async def test_a_hard_kill_mid_delivery_repeats_at_most_the_messages_in_flight(h: Harness) -> None:
    shift_id = await _many_signed_up(h, 300)
    h.clock.jump_to(STARTS - timedelta(hours=24))
    await fire_due(h)
    dying = _AcceptedThenDied(accept=100, in_flight=7)
    # killed when 100 are sent and marked, and 7 more were accepted but not yet answered
    await _deliver_with(h, dying, until=lambda sender, api: sender.stats["sent"] >= 100 and len(api.deliveries) >= 107, grace=0)
    after = FakeBotApi()
    await _drain(h, after)
    per_chat = Counter(d.chat_id for d in (*dying.deliveries, *after.deliveries) if d.chat_id >= 10_000)
    assert len(per_chat) == 300  # none lost
    assert sorted(Counter(per_chat.values()).items()) == [(1, 293), (2, 7)]  # the 7 in flight, twice
    assert shift_id


async def _drain(h: Harness, api: FakeBotApi) -> None:
    sender = Sender(h.db, api, SendLimits.off())  # type: ignore[arg-type]
    sender.start()
    try:
        await sender.drain(timeout=20)
    finally:
        await sender.stop()
