"""`minhu sandbox --seed`: a week played through the real bot, so /open and /my show it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest_asyncio
from sqlmodel import col, select

from bot.sandbox.seed import DAYS, VOLUNTEERING, WEEK, WEEK_BEGINS, Do, seed_week
from handlers.texts import t
from storage.tables import ACTIVE_STATUSES, Shift, ShiftSignup, Ticket, TicketStatus, Volunteer
from tests.e2e.world import shared_classifier
from tests.support.sandbox import running_sandbox


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def classifier() -> object:
    return shared_classifier()


async def test_a_seeded_week_shows_in_the_chats_in_open_and_in_my(db_url: str, classifier: object) -> None:
    async with running_sandbox(framework="ptb", database=db_url, classifier=classifier, seeding=True) as page:
        sandbox = page.sandbox
        assert sandbox.bot is not None
        started = sandbox.clock.now().astimezone(sandbox.settings.tz)
        # the morning of the local date a week back (just after local midnight that is
        # less than seven days of clock time)
        assert started.date() == datetime.now(sandbox.settings.tz).date() - timedelta(days=DAYS)
        morning = datetime.combine(started.date(), WEEK_BEGINS, tzinfo=sandbox.settings.tz)
        assert timedelta(0) <= started - morning < timedelta(minutes=1)  # the clock runs on
        week = await seed_week(sandbox)
        assert abs(sandbox.clock.now() - datetime.now(UTC)) < timedelta(minutes=1)  # back to the real time

        async with sandbox.bot.db.session() as session:
            tickets = list((await session.exec(select(Ticket).order_by(col(Ticket.id)))).all())
        reports = [step for step in WEEK if step.do is Do.REPORT]
        assert [tk.text for tk in tickets] == [step.words for step in reports]
        assert week.tickets == len(reports) and week.still_open == sum(tk.status in ACTIVE_STATUSES for tk in tickets)
        by_name = {step.ticket: tk for step, tk in zip(reports, tickets, strict=True)}

        # each ticket has the life the script gave it
        finished = {step.ticket for step in WEEK if step.do in (Do.RESOLVE, Do.CLOSE)}
        reopened = {step.ticket for step in WEEK if step.do is Do.VERDICT and step.words == "没解决"}
        for name, ticket in by_name.items():
            assert (ticket.status in ACTIVE_STATUSES) == (name not in finished or name in reopened), name
        assert by_name["rubbish again"].close_reason == "duplicate"
        assert by_name["clutter"].category == "safety" and by_name["clutter"].status == TicketStatus.CLAIMED
        assert by_name["gas"].urgent
        lift = by_name["lift"]
        local = lift.created_at.astimezone(sandbox.settings.tz)
        assert local.time().replace(second=0, microsecond=0) == time(8, 40) and local.date() == started.astimezone(sandbox.settings.tz).date()
        assert lift.assignee_name == "李明"

        # every ticket has its card in the staff group; photos and a location were added
        group = sandbox.tg.chat_history(sandbox.group.id)
        for ticket in tickets:
            assert any(f"工单 #{ticket.id} ·" in (m.get("text") or "") for m in group), ticket.id
        copies = [m for m in group if "photo" in m and t("what.photo") in (m.get("caption") or "")]
        assert len(copies) == sum(step.do is Do.PHOTO for step in WEEK)
        assert sum("location" in m for m in group) == sum(step.do is Do.LOCATION for step in WEEK)

        # /open lists what is still open; a resident's /my lists only their own tickets
        li, wang = sandbox.person("李明"), sandbox.person("王秀英")
        mark = len(sandbox.tg.sent)
        sandbox.send_text(li.id, sandbox.group.id, "/open")
        sandbox.send_text(wang.id, wang.id, "/my")
        await sandbox.settle()
        answers = {s.chat_id: s.text or "" for s in sandbox.tg.sent[mark:]}
        listed = {int(n) for n in re.findall(r"#(\d+)", answers[sandbox.group.id])}
        # ...and /stats counts the whole week, with the residents' verdicts when polls exist
        mark = len(sandbox.tg.sent)
        sandbox.send_text(li.id, sandbox.group.id, "/stats")
        await sandbox.settle()
        stats = "\n".join(s.text or s.message.get("caption", "") for s in sandbox.tg.sent[mark:])
        assert f"工单 {len(tickets)} 个" in stats
        assert week.verdicts == sum(step.do is Do.VERDICT for step in WEEK)
        assert t("rating.very_satisfied") in stats and t("rating.not_solved") in stats

        # two volunteers approved; they signed up, were reminded, checked in (刘洋 missed one)
        assert week.volunteers == 2 and week.check_ins == sum(step.do is Do.CHECK_IN for step in VOLUNTEERING)
        async with sandbox.bot.db.session() as session:
            rows = (await session.exec(select(Volunteer.name, ShiftSignup.attendance).join(ShiftSignup))).all()
            ahead = (await session.exec(select(Shift).where(Shift.starts_at > sandbox.clock.now()).order_by(col(Shift.starts_at)))).first()
        attended = {name: sorted(str(a) for n, a in rows if n == name) for name in ("张伟", "刘洋")}
        assert attended == {"张伟": ["None", "attended", "attended"], "刘洋": ["absent", "attended"]}
        zhang = sandbox.person("张伟")
        assert any(t("vol.remind.ask") in (m.get("text") or "") for m in sandbox.tg.chat_history(zhang.id))
        mark = len(sandbox.tg.sent)
        sandbox.send_text(zhang.id, zhang.id, "/shifts")  # next week's shift is still ahead
        await sandbox.settle()
        [listing] = [s for s in sandbox.tg.sent[mark:] if s.chat_id == zhang.id]
        assert t("vol.button.withdraw_n", id=ahead.id) in [b["text"] for row in listing.reply_markup["inline_keyboard"] for b in row]
        assert listed == {tk.id for tk in tickets if tk.status in ACTIVE_STATUSES}
        mine = {int(n) for n in re.findall(r"#(\d+)", answers[wang.id])}
        assert mine == {tk.id for tk in tickets if tk.resident_id == wang.id} and len(mine) == 4
