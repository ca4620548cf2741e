"""Volunteers end to end: the real bot through the real framework (PTB and aiogram) over
real HTTP against the fake Bot API, on SQLite or PostgreSQL, with a frozen clock moved by
hand so reminders come when the test says."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from bot.fake_telegram import FakeUser, Limits
from bot.sender import SendLimits
from handlers.texts import t
from storage.people import upsert_person
from storage.tables import Shift, ShiftSignup, SignupStatus, Volunteer, VolunteerStatus
from tests.e2e.world import World

STARTS = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # Wednesday 11-25 09:00 in Shanghai


async def _join(world: World, user: FakeUser, *, approve: bool = True) -> int:
    """Apply the way a resident does; staff approve. Returns the volunteer's number."""
    tg = world.tg
    mark = len(tg.sent)
    tg.send_text(user, "/volunteer")
    await world.reply_to(user, t("vol.apply.ask_name"), after=mark)
    tg.send_text(user, user.first_name)
    await world.reply_to(user, "第 2 步", after=mark)
    tg.tap_keyboard(user, t("vol.apply.phone_button"), phone_number=f"+86138{user.id % 10**8:08d}")
    picker = await world.reply_to(user, "第 3 步", after=mark)
    tg.press(user, picker.message, "va:a:elderly")
    await tg.wait_for(lambda: "✅ 养老助老" in str(tg.message(user.id, picker.message_id).get("reply_markup")))
    tg.press(user, picker.message, "va:done")
    ask_free = await world.reply_to(user, "第 4 步", after=mark)
    tg.press(user, ask_free.message, "va:f:weekend")
    await world.reply_to(user, t("vol.apply.submitted"), after=mark)
    card = await tg.wait_for_sent(chat_id=world.staff_group.id, text_contains=f"姓名：{user.first_name}", after=mark)
    async with world.db.session() as session:
        volunteer = (await session.exec(select(Volunteer).where(Volunteer.person_id == user.id))).one()
    assert volunteer.phone == f"+86138{user.id % 10**8:08d}"
    if approve:
        tg.press(world.li, card.message, f"vr:ok:{volunteer.id}")
        await world.reply_to(user, "恭喜", after=mark)
    return volunteer.id  # type: ignore[return-value]


async def _press_and_answer(world: World, user: FakeUser, message: object, data: str) -> dict:  # type: ignore[type-arg]
    tg = world.tg
    cq = tg.press(user, message, data)  # type: ignore[arg-type]
    await tg.wait_for(lambda: cq in tg.callback_answers)
    return tg.callback_answers[cq]


async def _shifts(world: World) -> list[Shift]:
    async with world.db.session() as session:
        return list((await session.exec(select(Shift).order_by(col(Shift.id)))).all())


async def test_apply_approve_reject_and_suspend(world: World) -> None:
    tg, li = world.tg, world.li
    wang, zhang = tg.add_user("王芳"), tg.add_user("张伟")
    wang_id = await _join(world, wang)
    tg.send_text(wang, t("menu.volunteer"))  # the menu button now opens the volunteer's home
    await world.reply_to(wang, t("vol.home"))

    zhang_id = await _join(world, zhang, approve=False)
    card = await tg.wait_for_sent(chat_id=world.staff_group.id, text_contains="姓名：张伟")
    tg.press(li, card.message, f"vr:no:{zhang_id}")
    await world.reply_to(zhang, t("vol.told.rejected"))
    await tg.wait_for(lambda: "未通过（李明）" in world.current(card))
    stranger = tg.add_user("陌生人")
    tg.send_text(stranger, "/shifts")
    await world.reply_to(stranger, t("vol.refuse.none"))

    mark = len(tg.sent)
    tg.send_text(li, f"/volunteers {wang_id}", chat=world.staff_group)
    vcard = await tg.wait_for_sent(chat_id=world.staff_group.id, text_contains="志愿者 #", after=mark)
    answer = await _press_and_answer(world, li, vcard.message, f"vr:sus:{wang_id}")
    assert answer["text"] == t("vol.staff.confirm_suspend")
    await tg.wait_for(lambda: ("确定暂停", f"vr:susok:{wang_id}") in world.buttons(tg.message(vcard.chat_id, vcard.message_id)))
    tg.press(li, tg.message(vcard.chat_id, vcard.message_id), f"vr:susok:{wang_id}")
    await world.reply_to(wang, "已暂停", after=mark)
    tg.send_text(wang, "/shifts")
    await world.reply_to(wang, t("vol.refuse.suspended"), after=mark)


async def test_shifts_created_signed_up_full_overlap_edited_cancelled_and_repeated(world: World) -> None:
    tg, li, staff = world.tg, world.li, world.staff_group
    wang, zhang = tg.add_user("王芳"), tg.add_user("张伟")
    await _join(world, wang)
    await _join(world, zhang)

    tg.send_text(li, "/newshift 12-02 09:00-11:00 老年食堂助餐 1", chat=staff)
    card = await tg.wait_for_sent(chat_id=staff.id, text_contains="老年食堂助餐")
    [dinner] = await _shifts(world)
    assert dinner.starts_at == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    assert world.buttons(card) == [(t("vol.button.roster"), f"vs:roster:{dinner.id}"), (t("vol.button.cancel_shift"), f"vs:cancel:{dinner.id}")]
    tg.send_text(li, "/newshift 12-02 10:00-12:00 读报 3", chat=staff)
    await tg.wait_for_sent(chat_id=staff.id, text_contains="读报")
    reading = (await _shifts(world))[-1]

    tg.send_text(wang, "/shifts")
    listing = await world.reply_to(wang, "可以报名的班次")
    assert (f"报名 #{dinner.id}", f"vo:sign:{dinner.id}") in world.buttons(listing)
    answer = await _press_and_answer(world, wang, listing.message, f"vo:sign:{dinner.id}")
    assert not answer.get("show_alert")
    await world.reply_to(wang, "报名成功")
    full = await _press_and_answer(world, zhang, (await _list_for(world, zhang)).message, f"vo:sign:{dinner.id}")
    assert full["show_alert"] and full["text"] == t("vol.sign.full", id=dinner.id)
    overlap = await _press_and_answer(world, wang, listing.message, f"vo:sign:{reading.id}")
    assert overlap["show_alert"] and f"#{dinner.id}" in overlap["text"] and "冲突" in overlap["text"]

    mark = len(tg.sent)
    tg.send_text(li, f"/editshift {dinner.id} 12-03 14:00-16:00", chat=staff)
    changed = await world.reply_to(wang, "有变动", after=mark)
    assert "12月3日（周四）14:00-16:00" in changed.text
    tg.send_text(li, f"/cancelshift {dinner.id}", chat=staff)
    await world.reply_to(wang, "取消了", after=mark)
    await world.settle()
    async with world.db.session() as session:
        signup = (await session.exec(select(ShiftSignup).where(ShiftSignup.shift_id == dinner.id))).one()
    assert signup.status == SignupStatus.CANCELLED

    tg.send_text(li, "/newshift 周二 09:00-11:00 量血压 2 每周", chat=staff)
    weekly = await tg.wait_for_sent(chat_id=staff.id, text_contains="每周重复")
    made = [s for s in await _shifts(world) if s.series_id is not None]
    assert [s.starts_at.date().isoformat() for s in made] == ["2026-11-24", "2026-12-01", "2026-12-08", "2026-12-15"]
    assert world.buttons(weekly) == [(t("vol.button.stop_series"), f"vs:stop:{made[0].series_id}")]


async def _list_for(world: World, user: FakeUser):  # type: ignore[no-untyped-def]
    mark = len(world.tg.sent)
    world.tg.send_text(user, "/shifts")
    return await world.reply_to(user, "班次", after=mark)


async def test_reminders_cannot_come_check_in_and_points(world: World) -> None:
    tg, li, staff = world.tg, world.li, world.staff_group
    wang, zhang = tg.add_user("王芳"), tg.add_user("张伟")
    await _join(world, wang)
    await _join(world, zhang)
    tg.send_text(li, "/newshift 11-25 09:00-11:00 老年食堂助餐 2", chat=staff)
    await tg.wait_for_sent(chat_id=staff.id, text_contains="老年食堂助餐")
    [shift] = await _shifts(world)
    for person in (wang, zhang):
        listing = await _list_for(world, person)
        await _press_and_answer(world, person, listing.message, f"vo:sign:{shift.id}")
    await world.settle()

    mark = len(tg.sent)
    world.clock.jump_to(STARTS - timedelta(hours=24, minutes=1))
    await world.settle()
    assert not [s for s in tg.sent[mark:] if "志愿服务提醒" in (s.text or "")]  # a minute early: nothing
    world.clock.jump_to(STARTS - timedelta(hours=24))
    for person in (wang, zhang):
        reminder = await world.reply_to(person, "志愿服务提醒", after=mark)
        assert "约 24 小时后" in reminder.text
    wang_reminder = await world.reply_to(wang, "志愿服务提醒", after=mark)
    tg.press_button(wang, wang_reminder.message, t("vol.button.cannot_come"))
    flag = await tg.wait_for_sent(chat_id=staff.id, text_contains="来不了", after=mark)
    assert "王芳" in flag.text and "还差 1 人" in flag.text
    await world.reply_to(wang, "已为您取消", after=mark)

    mark = len(tg.sent)
    world.clock.jump_to(STARTS - timedelta(minutes=5))  # the 1 h reminder, a little late
    hour = await world.reply_to(zhang, "志愿服务提醒", after=mark)
    tg.press_button(zhang, hour.message, t("vol.button.checkin"))
    await world.reply_to(zhang, "签到成功", after=mark)
    await world.settle()
    assert not [s for s in tg.sent[mark:] if s.chat_id == wang.id]  # she is off the shift

    world.clock.jump_to(STARTS + timedelta(hours=2))
    sheet = await tg.wait_for_sent(chat_id=staff.id, text_contains="出勤确认", after=mark)
    assert "张伟 ✅ 出勤" in sheet.text and "王芳" not in sheet.text
    tg.send_text(zhang, "/points")
    points = await world.reply_to(zhang, "志愿服务积分", after=mark)
    assert "积分：2" in points.text and "参加 1 次" in points.text
    tg.send_text(li, "/leaderboard", chat=staff)
    board = await tg.wait_for_sent(chat_id=staff.id, text_contains="志愿者排行", after=mark)
    assert "1. 张伟 2 分（1 次）" in board.text


async def _volunteers_on_a_shift(world: World, n: int) -> tuple[list[FakeUser], int]:
    """n approved volunteers signed up for one shift (written straight to the database)."""
    tg = world.tg
    tg.send_text(world.li, f"/newshift 11-25 09:00-11:00 大型义诊 {n}", chat=world.staff_group)
    await tg.wait_for_sent(chat_id=world.staff_group.id, text_contains="大型义诊")
    [shift] = await _shifts(world)
    users = [tg.add_user(f"志愿者{i}") for i in range(n)]
    async with world.db.transaction() as session:
        for user in users:
            await upsert_person(session=session, person_id=user.id, first_name=user.first_name, last_name=None, username=None, language=None, now=world.clock.now())
            volunteer = Volunteer(person_id=user.id, name=user.first_name, phone="138", status=VolunteerStatus.APPROVED, applied_at=world.clock.now())
            session.add(volunteer)
            await session.flush()
            session.add(ShiftSignup(shift_id=shift.id, volunteer_id=volunteer.id, signed_at=world.clock.now()))
    return users, shift.id  # type: ignore[return-value]


async def test_a_restart_in_the_middle_of_the_fan_out_sends_each_reminder_once(world: World) -> None:
    tg = world.tg
    tg.limits = Limits(enabled=True)  # Telegram's limits, enforced with 429s
    await world.restart(limits=SendLimits())  # and the bot keeps to them
    users, _shift_id = await _volunteers_on_a_shift(world, 90)
    ids = {u.id for u in users}
    world.clock.jump_to(STARTS - timedelta(hours=24))
    await tg.wait_for(lambda: sum(s.chat_id in ids for s in tg.sent) >= 30, timeout=20)
    await world.restart(limits=SendLimits())  # stopped in the middle (SIGTERM), started again
    await tg.wait_for(lambda: len({s.chat_id for s in tg.sent if s.chat_id in ids}) == len(ids), timeout=30)
    await world.settle(timeout=20)
    per_user = Counter(s.chat_id for s in tg.sent if s.chat_id in ids and "志愿服务提醒" in (s.text or ""))
    assert len(per_user) == 90 and set(per_user.values()) == {1}
