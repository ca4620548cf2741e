"""Check-in, the staff's attendance sheet, service points and the month's leaderboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from handlers.texts import t
from storage.tables import Attendance
from tests.support.harness import STAFF_CHAT, Harness
from tests.support.volunteering import fire_due, join, new_shift, signups

# Now: Monday 2026-11-23 10:00 in Shanghai. The shift: Wednesday 11-25 09:00-11:00 (01:00 UTC).
STARTS = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


async def _on_shift(h: Harness, *names: str, words: str = "11-25 09:00-11:00 老年食堂助餐 3"):  # type: ignore[no-untyped-def]
    people = [h.resident(501 + i, name) for i, name in enumerate(names)]
    for person in people:
        await join(h, person)
    shift = await new_shift(h, words)
    for person in people:
        await h.press(person, f"vo:sign:{shift.id}")
    await h.flush()
    return people, shift.id


async def test_check_in_inside_the_window_earns_points_by_the_hour(h: Harness) -> None:
    (wang,), shift_id = await _on_shift(h, "王芳")
    h.clock.jump_to(STARTS - timedelta(minutes=61))
    [closed] = await h.press(wang, f"vc:in:{shift_id}")
    assert closed.alert and closed.text == t("vol.checkin.closed", start="11-25 08:00", end="10:00")

    h.clock.jump_to(STARTS - timedelta(minutes=5))
    await h.send(wang, "/shifts")
    [listing] = await h.flush()
    assert (t("vol.button.checkin_n", id=shift_id), f"vc:in:{shift_id}") in listing.buttons
    [done] = await h.press(wang, f"vc:in:{shift_id}")
    assert done.text == t("vol.checkin.done_short")
    [told] = await h.flush()
    assert told.text == t("vol.checkin.done", id=shift_id, title="老年食堂助餐", hours="2", points="2")
    [signup] = await signups(h, shift_id)
    assert (signup.attendance, signup.attendance_by, signup.points) == (Attendance.ATTENDED, "checkin", 2.0)
    assert signup.checked_in_at == h.clock.now()
    [twice] = await h.press(wang, f"vc:in:{shift_id}")
    assert twice.alert and twice.text == t("vol.checkin.already", time="08:55")
    assert (await signups(h, shift_id))[0].points == 2.0

    h.clock.jump_to(STARTS + timedelta(minutes=61))
    zhang = h.resident(502, "张伟")
    await join(h, zhang)
    [not_on_it] = await h.press(zhang, f"vc:in:{shift_id}")
    assert not_on_it.alert and not_on_it.text == t("vol.withdraw.not_signed", id=shift_id)


async def test_points_follow_the_configured_rate(db) -> None:  # type: ignore[no-untyped-def]
    from handlers.rules import Rules

    h = Harness(db, rules=Rules(staff_chat_id=STAFF_CHAT, points_per_hour=1.5, checkin_window_minutes=15))
    (wang,), shift_id = await _on_shift(h, "王芳", words="11-25 09:00-10:30 读报 2")
    h.clock.jump_to(STARTS - timedelta(minutes=20))
    [early] = await h.press(wang, f"vc:in:{shift_id}")
    assert early.alert
    h.clock.jump_to(STARTS + timedelta(minutes=10))
    await h.press(wang, f"vc:in:{shift_id}")
    assert (await signups(h, shift_id))[0].points == 2.2  # 1.5 hours at 1.5 an hour, to one decimal


async def test_the_sheet_at_the_end_counts_no_shows_and_staff_correct_it(h: Harness) -> None:
    (wang, zhang, zhao), shift_id = await _on_shift(h, "王芳", "张伟", "赵敏")
    h.clock.jump_to(STARTS)
    await h.press(wang, f"vc:in:{shift_id}")
    await h.flush()
    h.clock.jump_to(STARTS + timedelta(hours=2))  # the shift ends
    await fire_due(h)
    [sheet] = [d for d in await h.flush() if d.chat_id == STAFF_CHAT]
    assert sheet.text.startswith(t("vol.sheet.title"))
    assert "1. 王芳 ✅ 出勤（09:00 签到）" in sheet.text
    assert "2. 张伟 ❌ 缺席" in sheet.text and "3. 赵敏 ❌ 缺席" in sheet.text
    statuses = [(s.attendance, s.points) for s in await signups(h, shift_id)]
    assert statuses == [(Attendance.ATTENDED, 2.0), (Attendance.ABSENT, 0.0), (Attendance.ABSENT, 0.0)]

    zhang_signup = (await signups(h, shift_id))[1]
    assert sheet.buttons[1] == ("2. 张伟 ❌ 缺席", f"vt:{zhang_signup.id}")
    li = h.staff()
    [answer] = await h.press(li, f"vt:{zhang_signup.id}", chat=h.staff_chat, message_id=sheet.message_id)
    assert answer.text == t("vol.sheet.changed", name="张伟", mark=t("vol.sheet.mark_attended"))
    [edit] = await h.flush()
    assert edit.target == sheet.message_id and "2. 张伟 ✅ 出勤" in edit.text
    corrected = (await signups(h, shift_id))[1]
    assert (corrected.attendance, corrected.points, corrected.attendance_by) == (Attendance.ATTENDED, 2.0, "李明")

    # a volunteer who checked in but was sent home sick: staff take it back
    wang_signup = (await signups(h, shift_id))[0]
    await h.press(li, f"vt:{wang_signup.id}", chat=h.staff_chat, message_id=sheet.message_id)
    assert (await signups(h, shift_id))[0].attendance == Attendance.ABSENT

    stranger = h.resident(666, "陌生人")
    [refused] = await h.press(stranger, f"vt:{zhang_signup.id}", chat=h.staff_chat)
    assert refused.text == t("refuse.staff_only")
    for data in ("vt:99999", "vt:abc", "vt"):
        [answer] = await h.press(li, data, chat=h.staff_chat)
        assert answer.alert, data


async def test_attendance_command_before_the_shift(h: Harness) -> None:
    (wang,), shift_id = await _on_shift(h, "王芳")
    li = h.staff()
    await h.send(li, f"/attendance {shift_id}", chat=h.staff_chat)
    [sheet] = await h.flush()
    assert "1. 王芳 ⬜ 未签到" in sheet.text
    signup = (await signups(h, shift_id))[0]
    [early] = await h.press(li, f"vt:{signup.id}", chat=h.staff_chat)
    assert early.alert and early.text == t("vol.sheet.too_early", id=shift_id)
    assert (await signups(h, shift_id))[0].attendance is None
    h.clock.jump_to(STARTS + timedelta(minutes=30))
    await h.press(li, f"vt:{signup.id}", chat=h.staff_chat)  # she came without checking in
    assert (await signups(h, shift_id))[0].attendance == Attendance.ATTENDED
    # the end-of-shift sheet does not overrule staff
    h.clock.jump_to(STARTS + timedelta(hours=2))
    await fire_due(h)
    assert (await signups(h, shift_id))[0].attendance == Attendance.ATTENDED


async def test_points_show_totals_history_and_no_shows(h: Harness) -> None:
    (wang,), first = await _on_shift(h, "王芳")
    second = await new_shift(h, "11-26 14:00-17:00 读报 2")
    await h.press(wang, f"vo:sign:{second.id}")
    await h.send(wang, "/points")
    sent = await h.flush()
    assert sent[-1].text == t("vol.points.total", points="0", attended=0, absent=0) + "\n" + t("vol.points.none_yet")
    h.clock.jump_to(STARTS)
    await h.press(wang, f"vc:in:{first}")
    h.clock.jump_to(datetime(2026, 11, 26, 9, 30, tzinfo=UTC))  # after the second, which she missed
    await fire_due(h)
    await h.flush()
    await h.press(wang, "vp:me")
    [points] = await h.flush()
    lines = points.text.splitlines()
    assert lines[:2] == ["⭐ <b>您的志愿服务积分：2</b>", "参加 1 次，缺席 1 次。"]
    assert lines[3] == "❌ 11月26日（周四）14:00-17:00 读报 缺席"
    assert lines[4] == "✅ 11月25日（周三）09:00-11:00 老年食堂助餐 +2"


async def test_leaderboard_shows_the_months_most_active(h: Harness) -> None:
    (wang, zhang, zhao), shift_id = await _on_shift(h, "王芳", "张伟", "赵敏")
    other = await new_shift(h, "11-27 09:00-12:00 清扫 2")
    await h.press(zhang, f"vo:sign:{other.id}")
    december = await new_shift(h, "12-02 09:00-11:00 助餐 2")
    await h.press(wang, f"vo:sign:{december.id}")
    h.clock.jump_to(STARTS)
    for person in (wang, zhang):
        await h.press(person, f"vc:in:{shift_id}")
    h.clock.jump_to(datetime(2026, 11, 27, 1, 0, tzinfo=UTC))
    await h.press(zhang, f"vc:in:{other.id}")
    h.clock.jump_to(datetime(2026, 11, 28, 1, 0, tzinfo=UTC))
    await fire_due(h)
    await h.flush()
    await h.send(h.staff(), "/leaderboard", chat=h.staff_chat)
    [board] = await h.flush()
    assert board.text.splitlines() == [
        t("vol.leaderboard.header", month=11),
        "1. 张伟 5 分（2 次）",
        "2. 王芳 2 分（1 次）",
    ]
    await h.send(wang, "/leaderboard")
    assert (await h.flush())[0].text == t("refuse.staff_chat_only")
