"""Joining as a volunteer and the staff's vetting, through the handlers alone."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from handlers.events import Kind
from handlers.texts import t
from storage.tables import Dialog, Person, SignupStatus, VolunteerStatus
from tests.support.harness import STAFF_CHAT, Harness
from tests.support.volunteering import (
    advance,
    apply,
    join,
    new_shift,
    outbox,
    phone_of,
    signups,
    volunteer_row,
)


async def test_a_resident_applies_step_by_step_and_staff_get_the_application(h: Harness) -> None:
    wang = h.resident(501, "王芳")
    await h.send(wang, t("menu.volunteer"))  # the big menu button
    intro, ask_name = await h.flush()
    assert "4 步" in intro.text and ask_name.text == t("vol.apply.ask_name")
    assert [b.text for row in ask_name.action.keyboard.rows for b in row] == [t("vol.apply.cancel_button")]

    await h.send(wang, "王芳")
    name_ok, ask_phone = await h.flush()
    assert "王芳" in name_ok.text
    contact_button = ask_phone.action.keyboard.rows[0][0]
    assert contact_button.request_contact and contact_button.text == t("vol.apply.phone_button")

    await h.send(wang, "", kind=Kind.CONTACT, contact_phone="13812345678", contact_user_id=wang.id)
    phone_ok, picker = await h.flush()
    assert phone_ok.text == t("vol.apply.phone_ok")
    assert ("养老助老", "va:a:elderly") in picker.buttons and ("其他", "va:a:other") not in picker.buttons

    await h.press(wang, "va:a:elderly", message_id=picker.message_id)
    await h.press(wang, "va:a:culture", message_id=picker.message_id)
    *_, edit = await h.flush()
    assert edit.action.kind == "edit_text" and edit.target == picker.message_id
    assert ("✅ 养老助老", "va:a:elderly") in edit.buttons and ("✅ 文体活动", "va:a:culture") in edit.buttons
    await h.press(wang, "va:a:culture")  # changed her mind
    await h.press(wang, "va:done")
    [ask_free] = [d for d in await h.flush() if d.action.kind == "send_text"]
    assert ask_free.text == t("vol.apply.ask_free")

    await h.send(wang, "周二、周四上午")
    sent = await h.flush()
    told = next(d for d in sent if d.chat_id == wang.id)
    assert told.text == t("vol.apply.submitted") and told.action.keyboard.rows[0][0].text == t("menu.report")
    card = next(d for d in sent if d.chat_id == STAFF_CHAT)
    for part in ("王芳", "13812345678", "养老助老", "周二、周四上午", "待审核"):
        assert part in card.text
    assert "文体活动" not in card.text
    volunteer = await volunteer_row(h, wang.id)
    assert volunteer is not None
    assert card.buttons == [(t("vol.button.approve"), f"vr:ok:{volunteer.id}"), (t("vol.button.reject"), f"vr:no:{volunteer.id}")]
    assert (volunteer.status, volunteer.name, volunteer.phone, volunteer.areas) == (
        VolunteerStatus.APPLIED,
        "王芳",
        "13812345678",
        '["elderly"]',
    )
    async with h.db.session() as session:
        assert (await session.get(Person, wang.id)).phone == "13812345678"  # type: ignore[union-attr]
        assert await session.get(Dialog, wang.id) is None


async def test_only_the_applicants_own_contact_is_accepted(h: Harness) -> None:
    wang = h.resident()
    await h.send(wang, "/volunteer")
    await h.send(wang, "王芳")
    await h.flush()
    await h.send(wang, "13812345678")  # typed, not shared
    [again] = await h.flush()
    assert again.text == t("vol.apply.ask_phone_again") and again.action.keyboard.rows[0][0].request_contact
    await h.send(wang, "", kind=Kind.CONTACT, contact_phone="13900000000", contact_user_id=777)  # her son's card
    [refused] = await h.flush()
    assert refused.text == t("vol.apply.not_own_phone")
    await h.send(wang, "", kind=Kind.CONTACT, contact_phone="13900000001")  # a contact with no Telegram account
    [refused] = await h.flush()
    assert refused.text == t("vol.apply.not_own_phone")
    async with h.db.session() as session:
        assert (await session.get(Dialog, wang.id)).step == "phone"  # type: ignore[union-attr]


async def test_bad_answers_are_asked_again_and_nothing_is_lost(h: Harness) -> None:
    wang = h.resident()
    await h.send(wang, "/volunteer")
    await h.flush()
    await h.send(wang, "我叫王芳，住在3幢2单元，退休前是小学老师，很想参加")
    [bad] = await h.flush()
    assert bad.text == t("vol.apply.bad_name", max=20)
    await h.send(wang, "", kind=Kind.STICKER, file_id="st")
    assert (await h.flush())[0].text == t("vol.apply.bad_name", max=20)
    await h.send(wang, "王芳")
    await h.send(wang, "", kind=Kind.CONTACT, contact_phone="13812345678", contact_user_id=wang.id)
    await h.flush()
    [answer] = await h.press(wang, "va:done")  # nothing chosen yet
    assert answer.alert and answer.text == t("vol.apply.no_areas")
    await h.send(wang, "养老")  # typed instead of pressed
    [again] = await h.flush()
    assert again.text == t("vol.apply.ask_areas_again") and again.buttons
    assert await h.tickets() == []  # none of it became a request


async def test_cancel_button_ends_the_application(h: Harness) -> None:
    wang = h.resident()
    await h.send(wang, "/volunteer")
    await h.send(wang, "王芳")
    await h.send(wang, t("vol.apply.cancel_button"))
    *_, cancelled = await h.flush()
    assert cancelled.text == t("vol.apply.cancelled")
    assert cancelled.action.keyboard.rows[0][0].text == t("menu.report")
    assert await volunteer_row(h, wang.id) is None
    await h.send(wang, "3幢电梯又坏了")  # back to being a resident: this is a request
    assert len(await h.tickets()) == 1


async def test_a_forgotten_application_does_not_swallow_a_request(h: Harness) -> None:
    wang = h.resident()
    await h.send(wang, "/volunteer")
    await h.flush()
    h.clock.advance(timedelta(minutes=31))
    await h.send(wang, "3幢电梯又坏了")
    [ticket] = await h.tickets()
    assert ticket.text == "3幢电梯又坏了"
    async with h.db.session() as session:
        assert await session.get(Dialog, wang.id) is None


async def test_approval_tells_the_applicant_and_updates_the_card(h: Harness) -> None:
    wang = h.resident()
    volunteer = await apply(h, wang)
    card = next(d for d in await h.flush() if d.chat_id == STAFF_CHAT)
    li = h.staff()
    [answer] = await h.press(li, f"vr:ok:{volunteer.id}", chat=h.staff_chat, message_id=card.message_id)
    assert answer.text == t("vol.staff.done_ok", name="王阿姨") and not answer.alert
    sent = await h.flush()
    told = next(d for d in sent if d.chat_id == wang.id)
    assert "恭喜" in told.text and ("📅 看班次", "vo:list") in told.buttons
    edit = next(d for d in sent if d.chat_id == STAFF_CHAT)
    assert edit.target == card.message_id and "已通过（李明）" in edit.text
    assert edit.buttons == [(t("vol.button.suspend"), f"vr:sus:{volunteer.id}")]
    # a second press (or a colleague's) changes nothing and says why
    [again] = await h.press(h.staff(802, "赵芳"), f"vr:ok:{volunteer.id}", chat=h.staff_chat, message_id=card.message_id)
    assert again.alert and "已通过" in again.text
    assert not any(d.chat_id == wang.id for d in await h.flush())
    # the volunteer's features open
    await h.send(wang, "/volunteer")
    [home] = await h.flush()
    assert home.text == t("vol.home")


async def test_rejection_tells_the_applicant_who_may_apply_again(h: Harness) -> None:
    wang = h.resident()
    volunteer = await apply(h, wang)
    await h.flush()
    await h.press(h.staff(), f"vr:no:{volunteer.id}", chat=h.staff_chat)
    told = next(d for d in await h.flush() if d.chat_id == wang.id)
    assert told.text == t("vol.told.rejected")
    assert (await volunteer_row(h, wang.id)).status == VolunteerStatus.REJECTED  # type: ignore[union-attr]
    await h.send(wang, "/shifts")
    assert (await h.flush())[0].text == t("vol.refuse.rejected")
    again = await apply(h, wang, areas=("environment",))
    assert (again.id, again.status, again.areas) == (volunteer.id, VolunteerStatus.APPLIED, '["environment"]')


async def test_only_approved_volunteers_see_volunteer_features(h: Harness) -> None:
    wang = h.resident()
    await h.send(wang, "/shifts")
    await h.send(wang, "/points")
    assert [d.text for d in await h.flush()] == [t("vol.refuse.none")] * 2
    await apply(h, wang)
    await h.flush()
    await h.send(wang, "/shifts")
    await h.send(wang, "/volunteer")
    assert [d.text for d in await h.flush()] == [t("vol.refuse.applied")] * 2
    [answer] = await h.press(wang, "vo:list")
    assert answer.alert and answer.text == t("vol.refuse.applied")


async def test_staff_buttons_check_who_presses_and_what_they_name(h: Harness) -> None:
    wang = h.resident()
    volunteer = await apply(h, wang)
    await h.flush()
    stranger = h.resident(666, "陌生人")
    [refused] = await h.press(stranger, f"vr:ok:{volunteer.id}", chat=h.staff_chat)
    assert refused.text == t("refuse.staff_only")
    [refused] = await h.press(wang, f"vr:ok:{volunteer.id}")  # from her own chat
    assert refused.text == t("refuse.staff_chat_only")
    li = h.staff()
    for data in ("vr:ok:9999", "vr:ok:abc", "vr:zap:1", "vr:ok:-1", "vr:susok:1", "vr"):
        [answer] = await h.press(li, data, chat=h.staff_chat)
        assert answer.alert, data
    assert (await volunteer_row(h, wang.id)).status == VolunteerStatus.APPLIED  # type: ignore[union-attr]
    assert not any(d.chat_id == wang.id for d in await h.flush())


async def test_suspension_cuts_access_at_once_and_frees_future_places(h: Harness) -> None:
    wang, zhang = h.resident(501, "王芳"), h.resident(502, "张伟")
    volunteer = await join(h, wang)
    await join(h, zhang)
    soon = await new_shift(h, "后天 09:00-11:00 老年食堂助餐 2")
    later = await new_shift(h, "12-20 09:00-11:00 读报 2")
    for shift in (soon, later):
        await h.press(wang, f"vo:sign:{shift.id}")
    await h.press(zhang, f"vo:sign:{soon.id}")
    await h.flush()
    await advance(h, timedelta(hours=23))  # soon's 24 h reminder: queued, not yet sent
    assert any(row.chat_id == wang.id and row.status == "pending" for row in await outbox(h))

    li = h.staff()
    await h.send(li, f"/volunteers {volunteer.id}", chat=h.staff_chat)
    card = [d for d in await h.flush() if d.chat_id == STAFF_CHAT][-1]
    assert (t("vol.button.suspend"), f"vr:sus:{volunteer.id}") in card.buttons
    [ask] = await h.press(li, f"vr:sus:{volunteer.id}", chat=h.staff_chat, message_id=card.message_id)
    assert ask.text == t("vol.staff.confirm_suspend")
    assert (await volunteer_row(h, wang.id)).status == VolunteerStatus.APPROVED  # type: ignore[union-attr]
    await h.press(li, f"vr:susok:{volunteer.id}", chat=h.staff_chat, message_id=card.message_id)
    assert (await volunteer_row(h, wang.id)).status == VolunteerStatus.SUSPENDED  # type: ignore[union-attr]
    assert [s.status for s in await signups(h, soon.id)] == [SignupStatus.FREED, SignupStatus.SIGNED]
    assert [s.status for s in await signups(h, later.id)] == [SignupStatus.FREED]

    sent = await h.flush()
    to_wang = [d.text for d in sent if d.chat_id == wang.id]
    assert to_wang == [t("vol.told.suspended_freed", n=2)]  # the queued reminder was dropped, not sent
    flag = next(d for d in sent if d.chat_id == STAFF_CHAT and "王芳" in d.text and "暂停" in d.text)
    assert f"#{soon.id}" in flag.text and "还差 1 人" in flag.text
    # access is gone at once, for commands and for buttons alike
    await h.send(wang, "/shifts")
    assert (await h.flush())[0].text == t("vol.refuse.suspended")
    [answer] = await h.press(wang, f"vo:sign:{later.id}")
    assert answer.alert and answer.text == t("vol.refuse.suspended")

    # restored: told, and free to sign up again (the freed places are not given back)
    await h.press(li, f"vr:res:{volunteer.id}", chat=h.staff_chat)
    assert any(d.chat_id == wang.id and d.text == t("vol.told.restored") for d in await h.flush())
    [answer] = await h.press(wang, f"vo:sign:{later.id}")
    assert not answer.alert
    assert [s.status for s in await signups(h, later.id)] == [SignupStatus.SIGNED]


async def test_staff_list_volunteers(h: Harness) -> None:
    wang, zhang = h.resident(501, "王芳"), h.resident(502, "张伟")
    await join(h, wang)
    await apply(h, zhang)
    await h.flush()
    li = h.staff()
    await h.send(li, "/volunteers", chat=h.staff_chat)
    [listing] = await h.flush()
    lines = listing.text.splitlines()[1:]
    assert lines[0].startswith("#2 张伟") and "待审核" in lines[0]  # waiting ones first
    assert lines[1].startswith("#1 王芳") and phone_of(wang) in lines[1] and "已通过" in lines[1]
    await h.send(li, "/volunteers 99", chat=h.staff_chat)
    assert (await h.flush())[0].text == t("vol.staff.no_volunteer", id="99")


async def test_an_application_survives_in_the_database_between_steps(h: Harness) -> None:
    """The dialog is a row: a restart between two answers loses nothing."""
    wang = h.resident()
    await h.send(wang, "/volunteer")
    await h.send(wang, "王芳")
    h2 = Harness(h.db)
    h2.clock = h.clock
    h2.services.clock = h.clock
    await h2.send(wang, "", kind=Kind.CONTACT, contact_phone="13812345678", contact_user_id=wang.id, update_id=1000)
    async with h.db.session() as session:
        dialog = (await session.exec(select(Dialog))).one()
    assert dialog.step == "areas" and '"name": "王芳"' in dialog.data
