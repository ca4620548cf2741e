"""Shifts: staff create, edit, cancel and repeat them; volunteers sign up and withdraw."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from handlers.texts import t
from storage.tables import ShiftStatus, SignupStatus
from tests.support.harness import STAFF_CHAT, Harness
from tests.support.volunteering import (
    advance,
    all_shifts,
    join,
    new_shift,
    outbox,
    shift_row,
    signups,
    timers,
)

# The harness clock starts on Monday 2026-11-23, 10:00 in Shanghai (02:00 UTC).


async def test_newshift_reads_naturally_and_stores_utc(h: Harness) -> None:
    shift = await new_shift(h, "12-02 09:00-11:00 老年食堂助餐 3")
    assert (shift.title, shift.capacity, shift.place, shift.area, shift.series_id) == ("老年食堂助餐", 3, "", None, None)
    assert shift.starts_at == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    assert shift.ends_at == datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    [card] = await h.flush()
    assert card.chat_id == STAFF_CHAT
    assert "12月2日（周三）09:00-11:00" in card.text and "还有 3 个名额（0/3）" in card.text
    assert card.buttons == [(t("vol.button.roster"), f"vs:roster:{shift.id}"), (t("vol.button.cancel_shift"), f"vs:cancel:{shift.id}")]
    planned = {key: timer.due_at for key, timer in (await timers(h)).items()}
    assert planned == {
        f"vol:{shift.id}:remind:1440": datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
        f"vol:{shift.id}:remind:60": datetime(2026, 12, 2, 0, 0, tzinfo=UTC),
        f"vol:{shift.id}:short": datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
        f"vol:{shift.id}:sheet": datetime(2026, 12, 2, 3, 0, tzinfo=UTC),
    }


async def test_newshift_with_place_and_area(h: Harness) -> None:
    shift = await new_shift(h, "12-02 14:00-16:00 读报 2人 @二楼活动室 养老助老")
    assert (shift.place, shift.area, shift.capacity) == ("二楼活动室", "elderly", 2)
    [card] = await h.flush()
    assert "📍 二楼活动室" in card.text and "🏷 养老助老" in card.text


async def test_newshift_mistakes_get_reasons_and_make_nothing(h: Harness) -> None:
    li = h.staff()
    for words, expected in (
        ("", t("vol.newshift.usage")),
        ("12-02 老年食堂助餐 3", t("vol.newshift.missing", what=t("vol.newshift.need_time"))),
        ("12-02 09:00-11:00 3", t("vol.newshift.missing", what=t("vol.newshift.need_title"))),
        ("12-02 11:00-09:00 助餐 3", t("vol.parse.end_before_start", start="11:00", end="09:00")),
        ("11-20 09:00-11:00 助餐 3", t("vol.newshift.past", when="11-20 09:00")),
        ("今天 09:00-11:00 助餐 3", t("vol.newshift.past", when="11-23 09:00")),  # it is 10:00 already
    ):
        await h.send(li, f"/newshift {words}".strip(), chat=h.staff_chat)
        [answer] = await h.flush()
        assert answer.text.startswith(expected), words
    assert await all_shifts(h) == []


async def test_only_staff_in_the_staff_group_create_shifts(h: Harness) -> None:
    stranger = h.resident(666, "陌生人")
    await h.send(stranger, "/newshift 12-02 09:00-11:00 助餐 3", chat=h.staff_chat)
    await h.send(h.staff(), "/newshift 12-02 09:00-11:00 助餐 3")  # staff, but in private
    assert [d.text for d in await h.flush()] == [t("refuse.staff_only"), t("refuse.staff_chat_only")]
    assert await all_shifts(h) == []


async def test_volunteers_list_sign_up_and_withdraw(h: Harness) -> None:
    wang = h.resident(501, "王芳")
    await join(h, wang, areas=("environment",))
    dinner = await new_shift(h, "12-02 09:00-11:00 老年食堂助餐 3 养老助老")
    sweep = await new_shift(h, "12-03 09:00-11:00 清扫楼道 2 环境卫生")
    await h.flush()
    await h.send(wang, "/shifts")
    [listing] = await h.flush()
    assert listing.text.index(f"#{dinner.id} 老年食堂助餐") < listing.text.index(f"#{sweep.id} 清扫楼道")
    assert "清扫楼道</b>\n🕘 12月3日（周四）09:00-11:00\n🏷 环境卫生 ⭐" in listing.text  # her own area is starred
    assert listing.buttons == [(f"报名 #{dinner.id}", f"vo:sign:{dinner.id}"), (f"报名 #{sweep.id}", f"vo:sign:{sweep.id}")]

    [answer] = await h.press(wang, f"vo:sign:{dinner.id}")
    assert not answer.alert and answer.text == t("vol.sign.done_short", id=dinner.id)
    [told] = await h.flush()
    assert told.text.startswith(t("vol.sign.done")) and "老年食堂助餐" in told.text and "提醒" in told.text
    [signup] = await signups(h, dinner.id)
    assert signup.status == SignupStatus.SIGNED

    await h.send(wang, "/shifts")
    [listing] = await h.flush()
    assert listing.text.startswith(t("vol.list.mine_header"))
    assert (f"退出 #{dinner.id}", f"vo:wd:{dinner.id}") in listing.buttons
    assert (f"报名 #{dinner.id}", f"vo:sign:{dinner.id}") not in listing.buttons

    [again] = await h.press(wang, f"vo:sign:{dinner.id}")
    assert again.alert and again.text == t("vol.sign.already", id=dinner.id)

    [answer] = await h.press(wang, f"vo:wd:{dinner.id}")
    assert answer.text == t("vol.withdraw.done_short", id=dinner.id)
    sent = await h.flush()
    assert [d.chat_id for d in sent] == [wang.id]  # far ahead: staff are not bothered
    assert (await signups(h, dinner.id))[0].status == SignupStatus.WITHDRAWN
    [twice] = await h.press(wang, f"vo:wd:{dinner.id}")
    assert twice.alert and twice.text == t("vol.withdraw.not_signed", id=dinner.id)
    # signing up again re-uses the row
    await h.press(wang, f"vo:sign:{dinner.id}")
    assert [s.status for s in await signups(h, dinner.id)] == [SignupStatus.SIGNED]


async def test_full_overlapping_and_past_shifts_are_refused_with_reasons(h: Harness) -> None:
    wang, zhang, zhao = h.resident(501, "王芳"), h.resident(502, "张伟"), h.resident(503, "赵敏")
    for person in (wang, zhang, zhao):
        await join(h, person)
    small = await new_shift(h, "12-02 09:00-11:00 老年食堂助餐 2")
    clash = await new_shift(h, "12-02 10:30-12:00 读报 5")
    soon = await new_shift(h, "今天 11:00-12:00 量血压 5")
    await h.press(wang, f"vo:sign:{small.id}")
    await h.press(zhang, f"vo:sign:{small.id}")
    [full] = await h.press(zhao, f"vo:sign:{small.id}")
    assert full.alert and full.text == t("vol.sign.full", id=small.id)

    [overlap] = await h.press(wang, f"vo:sign:{clash.id}")
    assert overlap.alert and overlap.text == t(
        "vol.sign.overlap", id=clash.id, other=small.id, title="老年食堂助餐", when="12月2日（周三）09:00-11:00"
    )
    [fine] = await h.press(zhao, f"vo:sign:{clash.id}")  # zhao is not on the first
    assert not fine.alert

    await advance(h, timedelta(hours=1, minutes=5))  # now 11:05: the blood-pressure shift began
    [past] = await h.press(wang, f"vo:sign:{soon.id}")
    assert past.alert and past.text == t("vol.sign.past", id=soon.id)
    assert len(await signups(h, small.id)) == 2 and await signups(h, soon.id) == []

    [forged] = await h.press(wang, "vo:sign:99999")
    assert forged.alert and forged.text == t("bad_input.button_expired")


async def test_staff_see_who_signed_up(h: Harness) -> None:
    wang, zhang = h.resident(501, "王芳"), h.resident(502, "张伟")
    await join(h, wang)
    await join(h, zhang)
    shift = await new_shift(h, "12-02 09:00-11:00 老年食堂助餐 3")
    await h.press(wang, f"vo:sign:{shift.id}")
    await h.press(zhang, f"vo:sign:{shift.id}")
    await h.flush()
    li = h.staff()
    await h.press(li, f"vs:roster:{shift.id}", chat=h.staff_chat)
    await h.send(li, f"/roster {shift.id}", chat=h.staff_chat)
    by_button, by_command = await h.flush()
    assert by_button.text == by_command.text
    assert "报名名单（2 人）" in by_button.text and "（2/3）" in by_button.text
    lines = by_button.text.splitlines()
    assert lines[-2].startswith("1. 王芳 13800000501") and lines[-1].startswith("2. 张伟 13800000502")
    await h.send(li, "/shifts", chat=h.staff_chat)
    [listing] = await h.flush()
    assert f"<b>#{shift.id}</b> 12月2日（周三）09:00-11:00 老年食堂助餐 · 2/3" in listing.text


async def test_edit_tells_everyone_signed_up_and_moves_reminders(h: Harness) -> None:
    wang = h.resident(501, "王芳")
    await join(h, wang)
    shift = await new_shift(h, "12-02 09:00-11:00 老年食堂助餐 3")
    await h.press(wang, f"vo:sign:{shift.id}")
    await h.flush()
    li = h.staff()
    await h.send(li, f"/editshift {shift.id} 12-03 14:00-16:00 @三楼会议室", chat=h.staff_chat)
    edited = await shift_row(h, shift.id)
    assert (edited.starts_at, edited.ends_at, edited.place) == (
        datetime(2026, 12, 3, 6, 0, tzinfo=UTC),
        datetime(2026, 12, 3, 8, 0, tzinfo=UTC),
        "三楼会议室",
    )
    assert (edited.title, edited.capacity) == ("老年食堂助餐", 3)  # what was not named stays
    sent = await h.flush()
    told = next(d for d in sent if d.chat_id == wang.id)
    assert told.text.startswith(t("vol.told.changed")) and "12月3日（周四）14:00-16:00" in told.text and "三楼会议室" in told.text
    assert (t("vol.button.cannot_come"), f"vm:no:{shift.id}") in told.buttons
    staff_answer = next(d for d in sent if d.chat_id == STAFF_CHAT)
    assert staff_answer.text.startswith(t("vol.editshift.done", n=1))
    due = {key: timer.due_at for key, timer in (await timers(h)).items() if timer.status == "pending"}
    assert due[f"vol:{shift.id}:remind:60"] == datetime(2026, 12, 3, 5, 0, tzinfo=UTC)

    await h.send(li, f"/editshift {shift.id} 6人", chat=h.staff_chat)
    assert (await shift_row(h, shift.id)).capacity == 6
    await h.flush()
    for words, expected in (
        (f"{shift.id}", t("vol.editshift.usage")),
        (f"{shift.id} 0", t("vol.parse.bad_capacity", max=500)),
        ("999 6人", t("vol.staff.no_shift", id=999)),
        (f"{shift.id} 6人", t("vol.editshift.nothing")),
        (f"{shift.id} 周二", t("vol.editshift.no_weekly")),
    ):
        await h.send(li, f"/editshift {words}", chat=h.staff_chat)
        [answer] = await h.flush()
        assert answer.text.startswith(expected), words


async def test_capacity_cannot_go_below_who_signed_up(h: Harness) -> None:
    wang, zhang = h.resident(501, "王芳"), h.resident(502, "张伟")
    await join(h, wang)
    await join(h, zhang)
    shift = await new_shift(h, "12-02 09:00-11:00 老年食堂助餐 3")
    await h.press(wang, f"vo:sign:{shift.id}")
    await h.press(zhang, f"vo:sign:{shift.id}")
    await h.flush()
    await h.send(h.staff(), f"/editshift {shift.id} 1人", chat=h.staff_chat)
    [answer] = await h.flush()
    assert answer.text == t("vol.editshift.below_taken", n=2)
    assert (await shift_row(h, shift.id)).capacity == 3


async def test_cancel_tells_everyone_and_nothing_fires_afterwards(h: Harness) -> None:
    wang = h.resident(501, "王芳")
    await join(h, wang)
    shift = await new_shift(h, "12-02 09:00-11:00 老年食堂助餐 3")
    await h.press(wang, f"vo:sign:{shift.id}")
    card = [d for d in await h.flush() if d.chat_id == STAFF_CHAT][-1]
    li = h.staff()
    [ask] = await h.press(li, f"vs:cancel:{shift.id}", chat=h.staff_chat, message_id=card.message_id)
    assert ask.text == t("vol.staff.confirm_cancel")
    [confirm] = await h.flush()
    assert confirm.target == card.message_id
    assert confirm.buttons[0] == (t("vol.button.cancel_confirm"), f"vs:cancelok:{shift.id}")
    assert (await shift_row(h, shift.id)).status == ShiftStatus.ACTIVE
    [done] = await h.press(li, f"vs:cancelok:{shift.id}", chat=h.staff_chat, message_id=card.message_id)
    assert done.text == t("vol.cancelshift.done", id=shift.id, told=1)
    assert (await shift_row(h, shift.id)).status == ShiftStatus.CANCELLED
    assert [s.status for s in await signups(h, shift.id)] == [SignupStatus.CANCELLED]
    sent = await h.flush()
    told = next(d for d in sent if d.chat_id == wang.id)
    assert told.text.startswith(t("vol.told.cancelled")) and "老年食堂助餐" in told.text
    edit = next(d for d in sent if d.chat_id == STAFF_CHAT)
    assert "已取消" in edit.text and edit.buttons == []
    [twice] = await h.press(li, f"vs:cancelok:{shift.id}", chat=h.staff_chat)
    assert twice.alert
    # through the reminder times and the end: nothing more for anyone
    await advance(h, timedelta(days=10))
    assert await h.flush() == []
    assert {timer.status for timer in (await timers(h, f"vol:{shift.id}:")).values()} == {"cancelled"}


async def test_weekly_shifts_are_made_ahead_and_kept_ahead(h: Harness) -> None:
    shift = await new_shift(h, "周二 09:00-11:00 老年食堂助餐 3 每周")
    made = await all_shifts(h)
    # four weeks ahead of Monday 11-23: Tuesdays 11-24, 12-01, 12-08, 12-15
    assert [s.starts_at.date().isoformat() for s in made] == ["2026-11-24", "2026-12-01", "2026-12-08", "2026-12-15"]
    assert all(s.series_id == shift.series_id and s.starts_at.hour == 1 for s in made)
    [card] = await h.flush()
    assert card.buttons == [(t("vol.button.stop_series"), f"vs:stop:{shift.series_id}")]
    assert len(await timers(h, "volseries:")) == 1

    wang = h.resident(501, "王芳")
    await join(h, wang)
    await h.press(wang, f"vo:sign:{made[2].id}")  # sign-ups work on the concrete weeks

    await advance(h, timedelta(days=7))
    assert [s.starts_at.date().isoformat() for s in await all_shifts(h)][-1] == "2026-12-22"
    await advance(h, timedelta(days=7))
    assert [s.starts_at.date().isoformat() for s in await all_shifts(h)][-1] == "2026-12-29"
    assert len(await all_shifts(h)) == 6  # nothing made twice
    await h.flush()

    li = h.staff()
    await h.press(li, f"vs:stop:{shift.series_id}", chat=h.staff_chat)
    [ask] = await h.flush()
    assert ask.buttons == [(t("vol.button.stop_confirm"), f"vs:stopok:{shift.series_id}")]
    await h.press(li, f"vs:stopok:{shift.series_id}", chat=h.staff_chat, message_id=ask.message_id)
    statuses = [s.status for s in await all_shifts(h)]
    assert statuses == [ShiftStatus.ACTIVE] * 2 + [ShiftStatus.CANCELLED] * 4  # the past two stay as they were
    sent = await h.flush()
    [told] = [d for d in sent if d.chat_id == wang.id]  # she was on 12-08, still ahead
    assert told.text.startswith(t("vol.told.cancelled")) and "12月8日" in told.text
    await advance(h, timedelta(days=14))
    assert len(await all_shifts(h)) == 6  # no more weeks


async def test_stopping_a_series_by_command_tells_the_volunteers(h: Harness) -> None:
    shift = await new_shift(h, "12-01 09:00-11:00 老年食堂助餐 3 每周")
    wang = h.resident(501, "王芳")
    await join(h, wang)
    later = (await all_shifts(h))[1]
    await h.press(wang, f"vo:sign:{later.id}")
    await h.flush()
    await h.send(h.staff(), f"/cancelshift {shift.id} 每周", chat=h.staff_chat)
    sent = await h.flush()
    assert any(d.chat_id == wang.id and d.text.startswith(t("vol.told.cancelled")) for d in sent)
    staff_answer = next(d for d in sent if d.chat_id == STAFF_CHAT)
    assert staff_answer.text == t("vol.cancelshift.series_done", series=shift.series_id, n=3, told=1)  # 12-01, 12-08, 12-15
    assert {s.status for s in await all_shifts(h)} == {ShiftStatus.CANCELLED}


async def test_reminders_still_pending_are_not_sent_after_cancellation(h: Harness) -> None:
    wang = h.resident(501, "王芳")
    await join(h, wang)
    shift = await new_shift(h, "11-25 09:00-11:00 老年食堂助餐 3")
    await h.press(wang, f"vo:sign:{shift.id}")
    await h.flush()
    await advance(h, timedelta(hours=23))  # the 24 h reminder is written to the outbox
    waiting = [row.supersede_key for row in await outbox(h) if row.status == "pending" and row.chat_id == wang.id]
    assert waiting == [f"vrem:{shift.id}:{wang.id}"]
    await h.send(h.staff(), f"/cancelshift {shift.id}", chat=h.staff_chat)
    sent = await h.flush()
    to_wang = [d.text for d in sent if d.chat_id == wang.id]
    assert len(to_wang) == 1 and to_wang[0].startswith(t("vol.told.cancelled"))
