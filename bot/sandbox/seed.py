"""`minhu sandbox --seed`: a realistic week in the neighbourhood, played through the bot.

Residents report needs and answer the satisfaction polls; staff claim, reply, recategorise,
close and resolve; two neighbours apply to volunteer and are approved, staff put up shifts
(one weekly), the volunteers sign up and check in. Nothing is written to the database
directly. The clock starts a week back; for each step
of the script it jumps to the step's time (timers that fell due on the way fire, as they
would have), and a resident writes to the bot or a staff member presses a card's button or
replies to it, through the fake Telegram, exactly as on the page. So the staff group shows
the week's cards, the residents' chats show their tickets, and /open and /my have
something to show, and a volunteer's /shifts and /points too. The clock ends at the real
time now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import col, func, select

from bot.fake_telegram import FakeUser
from bot.fake_telegram.files import tiny_png
from bot.sandbox import cast
from bot.sandbox.world import Sandbox
from handlers.texts import t
from handlers.tickets import CARD
from storage.tables import (
    ACTIVE_STATUSES,
    Shift,
    ShiftStatus,
    Ticket,
    Timer,
    TimerStatus,
    Volunteer,
    VolunteerStatus,
)
from storage.tickets import find_message, resident_tickets

DAYS = 7
WEEK_BEGINS = time(8, 0)  # the first morning of the seeded week, local time


class Do(StrEnum):
    REPORT = "report"  # a resident writes; `words` is the text
    PHOTO = "photo"  # the resident adds a photo to the ticket
    LOCATION = "location"  # the resident adds where it is
    CLAIM = "claim"
    REPLY = "reply"  # staff reply to the card; `words` go to the resident
    RESOLVE = "resolve"
    CLOSE = "close"  # `words`: the reason (duplicate, spam, out_of_scope)
    CATEGORY = "category"  # `words`: the new category id
    VERDICT = "verdict"  # the resident answers the satisfaction poll; `words`: the option
    APPLY = "apply"  # someone applies to volunteer; `words`: "area,area|free time choice"
    APPROVE = "approve"  # staff approve the application of `ticket` (the volunteer's name)
    NEW_SHIFT = "new_shift"  # staff: /newshift `words` ({dayN}: that day's date); `ticket`: its title
    SIGN = "sign"  # a volunteer signs up for the next shift titled `ticket`
    CHECK_IN = "check_in"  # a volunteer checks in to the shift titled `ticket` starting about now


@dataclass(frozen=True)
class Step:
    day: int  # 0 = a week ago
    at: str  # "HH:MM" local time
    who: str  # a name from bot.sandbox.cast
    do: Do
    ticket: str  # a name for the ticket within this script (for volunteering: see Do)
    words: str = ""


# fmt: off
WEEK: tuple[Step, ...] = (
    Step(0, "08:40", "王秀英", Do.REPORT, "lift", "3幢2单元电梯又坏了，我腿脚不好下不了楼"),
    Step(0, "08:52", "李明", Do.CLAIM, "lift"),
    Step(0, "08:55", "李明", Do.REPLY, "lift", "王阿姨别着急，电梯公司的师傅十点前到。"),
    Step(0, "10:15", "李建国", Do.REPORT, "rubbish", "楼下垃圾好几天没人清理，味道很大"),
    Step(0, "10:40", "赵芳", Do.CLAIM, "rubbish"),
    Step(0, "11:30", "李明", Do.RESOLVE, "lift"),
    Step(0, "12:10", "王秀英", Do.VERDICT, "lift", "非常满意"),
    Step(0, "14:20", "周桂兰", Do.REPORT, "lamp", "我家门口的路灯不亮了，晚上出门看不清"),
    Step(0, "14:21", "周桂兰", Do.PHOTO, "lamp"),
    Step(0, "16:45", "赵芳", Do.RESOLVE, "rubbish"),
    Step(0, "18:30", "李建国", Do.VERDICT, "rubbish", "满意"),

    Step(1, "07:50", "孙志强", Do.REPORT, "parking", "小区东门有人乱停车，堵住了消防通道"),
    Step(1, "07:51", "孙志强", Do.LOCATION, "parking"),
    Step(1, "08:45", "李明", Do.CLAIM, "parking"),
    Step(1, "09:00", "李明", Do.REPLY, "parking", "已经联系物业和车主，半小时内挪走。"),
    Step(1, "09:30", "陈静", Do.REPORT, "insurance", "想问一下孩子的医保怎么办理"),
    Step(1, "09:50", "赵芳", Do.REPLY, "insurance", "带户口本和孩子的出生证明，到中心一楼窗口就能办，工作日都可以。"),
    Step(1, "10:00", "赵芳", Do.RESOLVE, "insurance"),
    Step(1, "10:05", "李明", Do.RESOLVE, "parking"),
    Step(1, "10:30", "李明", Do.CLAIM, "lamp"),
    Step(1, "16:05", "王秀英", Do.REPORT, "gas", "楼道里有很重的煤气味，我有点头晕"),
    Step(1, "16:07", "赵芳", Do.CLAIM, "gas"),
    Step(1, "16:08", "赵芳", Do.REPLY, "gas", "王阿姨，请先开窗，别开灯，马上下楼。燃气公司和我们都在路上。"),
    Step(1, "17:20", "赵芳", Do.RESOLVE, "gas"),
    Step(1, "19:00", "陈静", Do.VERDICT, "insurance", "满意"),

    Step(2, "09:10", "吴海燕", Do.REPORT, "leak", "楼上漏水，我家卫生间天花板一直在滴水"),
    Step(2, "09:11", "吴海燕", Do.PHOTO, "leak"),
    Step(2, "09:30", "李明", Do.CLAIM, "leak"),
    Step(2, "11:00", "李建国", Do.REPORT, "rubbish again", "垃圾又没人收了，跟前天一样"),
    Step(2, "11:20", "赵芳", Do.CLOSE, "rubbish again", "duplicate"),
    Step(2, "14:00", "李明", Do.RESOLVE, "lamp"),
    Step(2, "15:30", "周桂兰", Do.VERDICT, "lamp", "一般"),
    Step(2, "16:00", "王秀英", Do.REPORT, "home care", "我一个人住，想申请居家养老服务，每天有人来看看"),
    Step(2, "16:30", "赵芳", Do.CLAIM, "home care"),

    Step(3, "10:00", "孙志强", Do.REPORT, "noise", "楼上装修噪音太大，中午也不停"),
    Step(3, "10:20", "李明", Do.CLAIM, "noise"),
    Step(3, "10:25", "李明", Do.REPLY, "noise", "我们去和装修的住户说，中午十二点到两点不施工。"),
    Step(3, "14:00", "李明", Do.RESOLVE, "leak"),
    Step(3, "16:00", "吴海燕", Do.VERDICT, "leak", "没解决"),
    Step(3, "20:30", "陈静", Do.REPORT, "dancing", "晚上广场舞音乐太吵了，孩子没法写作业"),

    Step(4, "08:35", "周桂兰", Do.REPORT, "neighbour", "对门独居的张大爷两天没出门了，敲门也没人应"),
    Step(4, "08:40", "赵芳", Do.CLAIM, "neighbour"),
    Step(4, "08:42", "赵芳", Do.REPLY, "neighbour", "我们和民警马上上门看看，有消息告诉您。"),
    Step(4, "10:10", "赵芳", Do.RESOLVE, "neighbour"),
    Step(4, "11:00", "李明", Do.RESOLVE, "noise"),
    Step(4, "11:30", "李建国", Do.REPORT, "calligraphy", "想报名社区老年大学的书法班"),
    Step(4, "14:00", "李明", Do.CLAIM, "dancing"),
    Step(4, "15:00", "赵芳", Do.RESOLVE, "home care"),
    Step(4, "17:00", "孙志强", Do.VERDICT, "noise", "满意"),

    Step(5, "07:20", "吴海燕", Do.REPORT, "pipe", "厨房水管爆了，水流了一地"),
    Step(5, "07:30", "李明", Do.CLAIM, "pipe"),
    Step(5, "09:00", "李明", Do.RESOLVE, "pipe"),
    Step(5, "10:30", "孙志强", Do.REPORT, "clutter", "楼道里堆了很多杂物，走路都不方便"),
    Step(5, "11:00", "赵芳", Do.CATEGORY, "clutter", "safety"),
    Step(5, "11:05", "赵芳", Do.CLAIM, "clutter"),

    Step(6, "09:30", "李建国", Do.REPORT, "gym", "小区健身器材坏了一个，小孩玩的时候很危险"),
    Step(6, "15:00", "陈静", Do.REPORT, "dog", "隔壁的狗天天晚上叫，吵得睡不着"),
    Step(6, "20:00", "王秀英", Do.REPORT, "allowance", "低保年审需要带什么材料"),
)

VOLUNTEERING: tuple[Step, ...] = (
    Step(0, "09:30", "张伟", Do.APPLY, "张伟", "elderly,culture|weekend"),
    Step(0, "10:05", "赵芳", Do.APPROVE, "张伟"),
    Step(1, "14:00", "刘洋", Do.APPLY, "刘洋", "elderly,education|weekday_day"),
    Step(1, "14:20", "李明", Do.APPROVE, "刘洋"),
    Step(1, "15:00", "赵芳", Do.NEW_SHIFT, "陪独居老人聊天", "{day3} 14:00-16:00 陪独居老人聊天 2人 @3幢 养老助老"),
    Step(1, "15:05", "赵芳", Do.NEW_SHIFT, "老年食堂助餐", "{day5} 11:00-13:00 老年食堂助餐 3人 @二楼活动室 养老助老 每周"),
    Step(1, "18:00", "张伟", Do.SIGN, "陪独居老人聊天"),
    Step(1, "18:05", "张伟", Do.SIGN, "老年食堂助餐"),
    Step(2, "09:00", "刘洋", Do.SIGN, "陪独居老人聊天"),
    Step(2, "09:05", "刘洋", Do.SIGN, "老年食堂助餐"),
    Step(3, "13:55", "张伟", Do.CHECK_IN, "陪独居老人聊天"),  # 刘洋 does not come: absent
    Step(5, "10:50", "张伟", Do.CHECK_IN, "老年食堂助餐"),
    Step(5, "10:58", "刘洋", Do.CHECK_IN, "老年食堂助餐"),
    Step(6, "10:00", "张伟", Do.SIGN, "老年食堂助餐"),  # next week's, still ahead
)
# fmt: on
PHONES = {"张伟": "+8613900000001", "刘洋": "+8613900000002"}


@dataclass
class Week:
    tickets: int = 0
    still_open: int = 0
    timers_fired: int = 0
    verdicts: int = 0
    volunteers: int = 0
    shifts: int = 0
    check_ins: int = 0
    skipped: list[str] | None = None

    def summary(self) -> str:
        text = (
            f"{self.tickets} tickets ({self.still_open} still open), {self.volunteers} volunteers, "
            f"{self.shifts} shifts, {self.timers_fired} timers fired"
        )
        if self.skipped:
            text += f"; skipped (not in this version of the bot): {', '.join(sorted(set(self.skipped)))}"
        return text


def week_start(now: datetime, tz: ZoneInfo) -> datetime:
    """A week before today's date, in the morning, local time."""
    day = now.astimezone(tz).date() - timedelta(days=DAYS)
    return datetime.combine(day, WEEK_BEGINS, tzinfo=tz).astimezone(UTC)


def script() -> list[Step]:
    """The week's steps in time order (requests and volunteering interleaved)."""
    return sorted((*WEEK, *VOLUNTEERING), key=lambda step: (step.day, step.at))


async def seed_week(sandbox: Sandbox, steps: list[Step] | None = None) -> Week:
    """Play the script through the bot; the sandbox must have started with seeding=True."""
    assert sandbox.bot is not None
    first_day = sandbox.clock.now().astimezone(sandbox.settings.tz).date()
    week = Week(skipped=[])
    tickets: dict[str, int] = {}
    for step in script() if steps is None else steps:
        when = datetime.combine(first_day + timedelta(days=step.day), time.fromisoformat(step.at), tzinfo=sandbox.settings.tz)
        await sandbox.run_until(when)  # timers due on the way fire at their time
        if step.do in (Do.APPLY, Do.APPROVE, Do.NEW_SHIFT, Do.SIGN, Do.CHECK_IN):
            await _volunteering(sandbox, step, first_day, week)
        else:
            await _play(sandbox, step, tickets, week)
        await sandbox.settle()
    await sandbox.run_until(datetime.now(UTC))
    async with sandbox.bot.db.session() as session:
        week.tickets = (await session.exec(select(func.count()).select_from(Ticket))).one()
        active = col(Ticket.status).in_(ACTIVE_STATUSES)
        week.still_open = (await session.exec(select(func.count()).select_from(Ticket).where(active))).one()
        approved = Volunteer.status == VolunteerStatus.APPROVED
        week.volunteers = (await session.exec(select(func.count()).select_from(Volunteer).where(approved))).one()
        week.shifts = (await session.exec(select(func.count()).select_from(Shift))).one()
        done = Timer.status == TimerStatus.DONE
        week.timers_fired = (await session.exec(select(func.count()).select_from(Timer).where(done))).one()
    return week


async def _play(sandbox: Sandbox, step: Step, tickets: dict[str, int], week: Week) -> None:
    person = sandbox.person(step.who)
    tg, group = sandbox.tg, sandbox.group
    if step.do is Do.REPORT:
        sandbox.send_text(person.id, person.id, step.words)
        await sandbox.settle()
        tickets[step.ticket] = await _newest_ticket(sandbox, person.id)
    elif step.do is Do.PHOTO:
        sandbox.send_photo(person.id, person.id, tiny_png(320, 240, (150, 160, 170)))
    elif step.do is Do.LOCATION:
        sandbox.send_location(person.id, person.id, *cast.HERE)
    elif step.do is Do.VERDICT:
        if not _answer_poll(sandbox, person.id, step.words):
            week.skipped.append("satisfaction polls")  # type: ignore[union-attr]
        else:
            week.verdicts += 1
    else:
        card = await _card(sandbox, tickets[step.ticket])
        if step.do is Do.REPLY:
            tg.send_text(person, step.words, chat=group, reply_to=card)
        elif step.do is Do.CLAIM:
            tg.press_button(person, tg.message(group.id, card), t("button.claim"))
        elif step.do is Do.RESOLVE:
            tg.press_button(person, tg.message(group.id, card), t("button.resolve"))
        elif step.do is Do.CLOSE:
            tg.press_button(person, tg.message(group.id, card), t("button.close"))
            await sandbox.settle()
            tg.press_button(person, tg.message(group.id, card), t(f"button.close_{step.words}"))
        elif step.do is Do.CATEGORY:
            tg.press_button(person, tg.message(group.id, card), t("button.recategorise"))
            await sandbox.settle()
            name = sandbox.bot.classifier.taxonomy.name(step.words)  # type: ignore[union-attr]
            tg.press_button(person, tg.message(group.id, card), name)


async def _newest_ticket(sandbox: Sandbox, resident_id: int) -> int:
    assert sandbox.bot is not None
    async with sandbox.bot.db.session() as session:
        [ticket] = await resident_tickets(session=session, resident_id=resident_id, limit=1)
    assert ticket.id is not None
    return ticket.id


async def _card(sandbox: Sandbox, ticket_id: int) -> int:
    assert sandbox.bot is not None
    async with sandbox.bot.db.session() as session:
        link = await find_message(session=session, ticket_id=ticket_id, role=CARD)
    if link is None:
        raise RuntimeError(f"ticket #{ticket_id} has no card in the staff group")
    return link.message_id


def _answer_poll(sandbox: Sandbox, resident_id: int, option: str) -> bool:
    """Vote in the newest open poll in the resident's chat; False if the bot sent none."""
    for message in reversed(sandbox.tg.chat_history(resident_id)):
        poll = message.get("poll")
        if poll and not poll["is_closed"]:
            labels = [o["text"] for o in poll["options"]]
            exact = [i for i, label in enumerate(labels) if label == option]
            choice = (exact or [i for i, label in enumerate(labels) if option in label] or [None])[0]
            if choice is None:
                raise RuntimeError(f"no option {option!r} in the poll {labels}")
            sandbox.answer_poll(resident_id, resident_id, message["message_id"], [choice])
            return True
    return False


# volunteering ----------------------------------------------------------------------------------
async def _volunteering(sandbox: Sandbox, step: Step, first_day: date, week: Week) -> None:
    """Each step as the person would do it: commands, the contact button, inline buttons."""
    person = sandbox.person(step.who)
    tg, group = sandbox.tg, sandbox.group
    if step.do is Do.APPLY:
        areas, free = step.words.split("|")
        await _say(sandbox, person.id, person.id, "/volunteer")
        await _say(sandbox, person.id, person.id, step.ticket)  # the name
        tg.tap_keyboard(person, t("vol.apply.phone_button"), phone_number=PHONES[step.who])
        await sandbox.settle()
        assert sandbox.bot is not None
        for area in areas.split(","):
            await _press(sandbox, person, person.id, sandbox.bot.classifier.taxonomy.name(area))
        await _press(sandbox, person, person.id, t("vol.button.areas_done"))
        await _press(sandbox, person, person.id, t(f"vol.free.{free}"))
    elif step.do is Do.APPROVE:
        await _press(sandbox, person, group.id, t("vol.button.approve"), about=step.ticket)
    elif step.do is Do.NEW_SHIFT:
        days = {f"day{n}": (first_day + timedelta(days=n)).strftime("%m-%d") for n in range(DAYS)}
        await _say(sandbox, person.id, group.id, "/newshift " + step.words.format(**days))
    elif step.do is Do.SIGN:
        shift = await _shift(sandbox, step.ticket, ahead=True)
        await _say(sandbox, person.id, person.id, "/shifts")
        await _press(sandbox, person, person.id, t("vol.button.sign_n", id=shift.id))
    elif step.do is Do.CHECK_IN:
        shift = await _shift(sandbox, step.ticket, ahead=False)
        await _say(sandbox, person.id, person.id, "/shifts")
        await _press(sandbox, person, person.id, t("vol.button.checkin_n", id=shift.id))
        week.check_ins += 1


async def _say(sandbox: Sandbox, user_id: int, chat_id: int, text: str) -> None:
    sandbox.send_text(user_id, chat_id, text)
    await sandbox.settle()


async def _press(sandbox: Sandbox, person: FakeUser, chat_id: int, label: str, *, about: str = "") -> None:
    """Press the button labelled `label` on the newest bot message in the chat that has it
    (and mentions `about`)."""
    for message in reversed(sandbox.tg.chat_history(chat_id)):
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        labels = [b["text"] for row in rows for b in row]
        if message.get("from", {}).get("is_bot") and about in (message.get("text") or "") and any(label in x for x in labels):
            sandbox.tg.press_button(person, message, label)
            await sandbox.settle()
            return
    raise RuntimeError(f"no button {label!r} in chat {chat_id}")


async def _shift(sandbox: Sandbox, title: str, *, ahead: bool) -> Shift:
    """The next shift with this title (ahead), or the one starting closest to now."""
    assert sandbox.bot is not None
    now = sandbox.clock.now()
    async with sandbox.bot.db.session() as session:
        query = select(Shift).where(Shift.title == title, Shift.status == ShiftStatus.ACTIVE).order_by(col(Shift.starts_at))
        shifts = list((await session.exec(query)).all())
    if ahead:
        shifts = [s for s in shifts if s.starts_at > now]
        if shifts:
            return shifts[0]
    elif shifts:
        return min(shifts, key=lambda s: abs(s.starts_at - now))
    raise RuntimeError(f"no shift {title!r}")
