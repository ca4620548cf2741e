"""Reminder fan-out: 3,000 volunteers on shifts that start at the same moment.

The real bot (bot.app.Minhu, in a subprocess, through the real framework) sends the 24 h
reminders to the fake Bot API server (bot.fake_telegram, in this process) enforcing
Telegram's limits: 30 messages/s in all, 1/s per private chat. Printed per run: messages per
second next to the 30/s limit, 429 answers, and volunteers who got no reminder (lost) or
more than one (duplicated). Runs:

  plain          the fan-out, undisturbed
  SIGTERM mid    the bot stopped (SIGTERM) a third of the way through, then started again
  SIGKILL mid    the bot killed (SIGKILL) a third of the way through, then started again
  SIGKILL write  the bot killed as the first reminders go out, while it is still writing
                 the fan-out of the other shifts, then started again

    .venv/bin/python bench/reminder_fanout.py                      # SQLite, PTB, 3,000
    .venv/bin/python bench/reminder_fanout.py --framework aiogram --volunteers 600
    .venv/bin/python bench/reminder_fanout.py --postgres postgresql://postgres@127.0.0.1/test

The shifts, volunteers, sign-ups and reminder timers are written straight to the database
before each run (fast), with the timers due a few seconds after the bot starts; from there on
it is the bot's own scheduler, fan-out handler, outbox and sender at work, on the real clock.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN = "7012345678:BENCH-token-abcdefghijk"
STAFF_CHAT_TITLE = "社区工作群"
REMINDER_MARK = "志愿服务提醒"
LEAD = timedelta(seconds=4)  # the reminders fall due this long after the bot is started


# the bot, in its own process --------------------------------------------------------------------
def run_child(args: argparse.Namespace) -> int:
    import logging

    from bot.app import Minhu
    from bot.cli import _until_signalled
    from bot.settings import Settings
    from tests.support.fakes import FakeClassifier

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=TOKEN,
        staff_chat_id=args.staff_chat,
        database_url=args.database_url,
        telegram_api_url=args.api_url,
        framework=args.framework,
    )

    async def serve() -> None:
        bot = Minhu(settings, classifier=FakeClassifier())  # type: ignore[arg-type]
        await bot.start(receive=False)  # no updates needed: the scheduler and the sender do the work
        print("started", flush=True)
        await _until_signalled()
        await bot.stop()

    asyncio.run(serve())
    return 0


# the world the bot works in ------------------------------------------------------------------------
async def prepare(db_url: str, person_ids: list[int], shifts: int, starts_at: datetime) -> None:
    """Shifts starting together, each with its share of approved, signed-up volunteers and
    its 24 h reminder timer, as the handlers would have left them."""
    from storage.db import Database
    from storage.tables import Person, Shift, ShiftSignup, Timer, Volunteer, VolunteerStatus

    now = datetime.now(UTC)
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            rows = []
            for i in range(shifts):
                shift = Shift(
                    title=f"社区义诊 第{i + 1}组",
                    place="社区广场",
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=2),
                    capacity=len(person_ids),
                    created_at=now,
                    updated_at=now,
                )
                session.add(shift)
                rows.append(shift)
            await session.flush()
            for shift in rows:
                session.add(
                    Timer(
                        key=f"vol:{shift.id}:remind:1440",
                        kind="vol_remind",
                        subject_id=shift.id,
                        due_at=starts_at - timedelta(hours=24),
                        created_at=now,
                    )
                )
            volunteers = []
            for n, person_id in enumerate(person_ids):
                session.add(Person(id=person_id, first_name=f"志愿者{n}", created_at=now, last_seen_at=now))
                volunteer = Volunteer(
                    person_id=person_id,
                    name=f"志愿者{n}",
                    phone=f"139{n:08d}",
                    status=VolunteerStatus.APPROVED,
                    applied_at=now,
                )
                session.add(volunteer)
                volunteers.append(volunteer)
            await session.flush()
            for n, volunteer in enumerate(volunteers):
                session.add(ShiftSignup(shift_id=rows[n % shifts].id, volunteer_id=volunteer.id, signed_at=now))
    finally:
        await db.dispose()


async def database_state(db_url: str) -> tuple[int, int, int]:
    """(reminder rows written, of them still pending, fan-out timers done)."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from storage.db import Database
    from storage.tables import Outbox, Timer

    db = Database(db_url)
    try:
        async with db.session() as session:
            keyed = col(Outbox.supersede_key).startswith("vrem:")
            written = (await session.exec(select(func.count()).select_from(Outbox).where(keyed))).one()
            pending = (
                await session.exec(select(func.count()).select_from(Outbox).where(keyed, Outbox.status == "pending"))
            ).one()
            done = (await session.exec(select(func.count()).select_from(Timer).where(Timer.kind == "vol_remind", Timer.status == "done"))).one()
        return written, pending, done
    finally:
        await db.dispose()


@dataclass
class Run:
    name: str
    kill: signal.Signals | None = None
    kill_at: int = 0  # reminders delivered when the bot is stopped
    counts: Counter[int] = field(default_factory=Counter)
    times: list[float] = field(default_factory=list)
    due_at: float = 0.0
    killed_at: float | None = None
    resumed_at: float | None = None
    at_kill: tuple[int, int, int] | None = None
    status_429: int = 0
    requests: int = 0


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.logs = Path(tempfile.mkdtemp(prefix="minhu-bench-"))

    async def fresh_database(self) -> str:
        from tests.support.databases import PostgresFactory, SqliteFactory

        if self._factory is None:
            self._factory = PostgresFactory(self.args.postgres) if self.args.postgres else SqliteFactory(self.logs)
            await self._factory.prepare()
        return await self._factory.fresh()

    _factory: object | None = None

    def start_bot(self, api_url: str, db_url: str, staff_chat: int, run: Run, n: int) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{run.name.replace(' ', '_')}-{n}.log").open("wb")
        return subprocess.Popen(
            [sys.executable, __file__, "--child", "--api-url", api_url, "--database-url", db_url,
             "--framework", self.args.framework, "--staff-chat", str(staff_chat)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )

    async def run(self, run: Run) -> Run:
        from bot.fake_telegram import FakeTelegram, Limits

        tg = FakeTelegram(token=TOKEN, bot_username="minhu_bench_bot", record_calls=True)
        await tg.start()
        try:
            tg.limits = Limits(enabled=True)  # Telegram's published limits, answered with 429s
            users = [tg.add_user(f"志愿者{i}") for i in range(self.args.volunteers)]
            staff = tg.add_group(STAFF_CHAT_TITLE, members=[tg.add_user("李明")])
            ids = {u.id for u in users}

            def on_event(event: dict) -> None:  # type: ignore[type-arg]
                if event.get("type") == "message" and event.get("from_bot") and event.get("chat_id") in ids:
                    if REMINDER_MARK in (event.get("message", {}).get("text") or ""):
                        run.counts[event["chat_id"]] += 1
                        run.times.append(time.monotonic())

            tg.subscribe(on_event)
            db_url = await self.fresh_database()
            starts_at = datetime.now(UTC) + timedelta(hours=24) + LEAD
            run.due_at = time.monotonic() + LEAD.total_seconds()  # the reminders' due time
            await prepare(db_url, sorted(ids), self.args.shifts, starts_at)

            bot = self.start_bot(tg.api_url, db_url, staff.id, run, 1)
            if run.kill is not None:
                await self.wait_for(lambda: len(run.times) >= max(1, run.kill_at), timeout=600, bot=bot)
                bot.send_signal(run.kill)
                run.killed_at = time.monotonic()
                await asyncio.to_thread(bot.wait)
                run.at_kill = await database_state(db_url)
                seen = len(run.times)
                bot = self.start_bot(tg.api_url, db_url, staff.id, run, 2)
                await self.wait_for(lambda: len(run.times) > seen or len(run.counts) == len(ids), timeout=600, bot=bot)
                run.resumed_at = time.monotonic()
            await self.wait_for(lambda: len(run.counts) == len(ids), timeout=900, bot=bot)
            # settle: whatever else the bot would still send (duplicates) arrives now
            await self.wait_for_outbox_empty(db_url)
            await tg.wait_idle(quiet=1.0, timeout=60)
            bot.send_signal(signal.SIGTERM)
            await asyncio.to_thread(bot.wait)
            run.status_429 = tg.stats["429"]
            run.requests = tg.stats["requests"]
            return run
        finally:
            await tg.stop()

    async def wait_for(self, condition, *, timeout: float, bot: subprocess.Popen[bytes]) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not condition():
            if bot.poll() is not None:
                raise RuntimeError(f"the bot exited early ({bot.returncode}); see the logs in {self.logs}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout} s; see the logs in {self.logs}")
            await asyncio.sleep(0.02)

    async def wait_for_outbox_empty(self, db_url: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while (await database_state(db_url))[1] > 0:
            if time.monotonic() > deadline:
                raise TimeoutError("reminders still pending in the outbox")
            await asyncio.sleep(0.5)


def report(run: Run, volunteers: int) -> None:
    lost = volunteers - len(run.counts)
    duplicated = sum(1 for n in run.counts.values() if n > 1)
    extra = sum(n - 1 for n in run.counts.values() if n > 1)
    sent = len(run.times)
    span = run.times[-1] - run.times[0] if sent > 1 else 0.0
    rate = (sent - 1) / span if span else 0.0
    print(f"\n== {run.name}")
    print(f"  reminders delivered   {sent:>6}   to {len(run.counts)} of {volunteers} volunteers")
    print(f"  messages per second   {rate:>6.1f}   (Telegram's limit: 30/s; first to last reminder, {span:.1f} s)")
    if run.killed_at is not None and run.resumed_at is not None and span:
        gap = run.resumed_at - run.killed_at
        print(f"    without the restart {(sent - 1) / (span - gap):>6.1f}   (the bot was away {gap:.1f} s)")
    if run.times:
        print(f"  due -> first / last   {run.times[0] - run.due_at:>6.1f} s / {run.times[-1] - run.due_at:.1f} s")
    print(f"  429 answers           {run.status_429:>6}   (of {run.requests} requests)")
    print(f"  lost                  {lost:>6}")
    print(f"  duplicated            {duplicated:>6}   ({extra} extra messages)")
    if run.kill is not None and run.killed_at is not None:
        written, pending, done = run.at_kill or (0, 0, 0)
        print(f"  {run.kill.name} after        {run.kill_at:>6}   reminders; at that moment {written} reminder rows were written "
              f"({pending} pending) and {done} of the fan-out timers done")


async def main_async(args: argparse.Namespace) -> int:
    bench = Bench(args)
    third = max(1, args.volunteers // 3)
    runs = [
        Run("plain"),
        Run("SIGTERM mid", kill=signal.SIGTERM, kill_at=third),
        Run("SIGKILL mid", kill=signal.SIGKILL, kill_at=third),
        Run("SIGKILL write", kill=signal.SIGKILL, kill_at=1),
    ]
    if args.only:
        runs = [r for r in runs if r.name.split()[0].lower() == args.only.lower() or r.name.lower() == args.only.lower()]
    db = "PostgreSQL" if args.postgres else "SQLite"
    print(f"reminder fan-out: {args.volunteers} volunteers on {args.shifts} shifts starting together; "
          f"{args.framework}, {db}; fake Bot API enforcing 30/s in all, 1/s per chat")
    for run in runs:
        report(await bench.run(run), args.volunteers)
    if bench._factory is not None:
        await bench._factory.cleanup()  # type: ignore[attr-defined]
    print(f"\nbot logs: {bench.logs}")
    return 0


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--volunteers", type=int, default=3000)
    parser.add_argument("--shifts", type=int, default=30, help="shifts starting at the same moment")
    parser.add_argument("--framework", choices=["ptb", "aiogram"], default="ptb")
    parser.add_argument("--postgres", help="a PostgreSQL server URL; each run gets a database of its own")
    parser.add_argument("--only", help="one run: plain, sigterm, sigkill or 'sigkill write'")
    # the bot's side
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--staff-chat", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse()
    if arguments.child:
        sys.exit(run_child(arguments))
    sys.exit(asyncio.run(main_async(arguments)))
