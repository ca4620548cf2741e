"""How long /stats, its chart and `minhu export` take on a busy centre's history.

    .venv/bin/python bench/loop_stats.py [--tickets 20000] [--url postgresql://postgres@127.0.0.1/bench]

Fills a fresh database with tickets spread over 60 days (each with 3-6 events: created,
claimed, resolved, rated...), then times the statistics query and the pure computation,
drawing the chart, and writing a 30-day Excel export, and how long a resident's message
waits when it comes while /stats is answered. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text

from bot.export import export_workbook
from handlers import chart
from handlers.clock import SystemClock
from handlers.composition import build_router
from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.events import Chat, ChatType, Kind, Message
from handlers.events import Person as Sender
from handlers.router import Scope
from handlers.rules import Rules
from handlers.stats import build_report
from nlp import load_classifier
from storage.db import Database
from storage.migrate import upgrade
from storage.tables import Person, Ticket, TicketEvent

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
CATEGORIES = ("repair", "environment", "parking", "safety", "dispute", "elderly", "health", "other")
RATINGS = ("very_satisfied", "satisfied", "so_so", "dissatisfied", "not_solved", None)


def history(n: int, seed: int = 7) -> tuple[list[dict], list[dict], list[dict]]:
    rng = random.Random(seed)
    people = [{"id": 10_000 + i, "first_name": f"居民{i}", "created_at": NOW, "last_seen_at": NOW} for i in range(max(1, n // 4))]
    tickets, events = [], []
    for tid in range(1, n + 1):
        created = NOW - timedelta(minutes=rng.randrange(60 * 24 * 60))
        resident = rng.choice(people)["id"]
        fate = rng.random()
        row = {
            "id": tid, "resident_id": resident, "chat_id": resident, "text": "3幢电梯又坏了，请尽快派人来看看" * rng.randint(1, 3),
            "category": rng.choice(CATEGORIES), "confidence": 0.8, "urgent": rng.random() < 0.05, "keywords": "[]",
            "status": "open", "rating": None, "reopened_count": 0, "created_at": created, "updated_at": created,
            "last_resident_at": created, "assignee_id": None, "assignee_name": None, "claimed_at": None,
            "resolved_at": None, "closed_at": None, "close_reason": None, "rating_comment": None,
        }
        events.append({"ticket_id": tid, "at": created, "actor_role": "resident", "kind": "created", "text": row["text"]})
        if fate > 0.1:
            claimed = created + timedelta(minutes=rng.randrange(5, 600))
            row.update(status="claimed", assignee_id=801, assignee_name="李明", claimed_at=claimed)
            events.append({"ticket_id": tid, "at": claimed, "actor_role": "staff", "actor_name": "李明", "kind": "claimed"})
            if fate > 0.3:
                resolved = claimed + timedelta(minutes=rng.randrange(30, 4000))
                rating = rng.choice(RATINGS)
                row.update(status="closed", resolved_at=resolved, closed_at=resolved, rating=rating,
                           close_reason="resolved" if rating else "unrated")
                events.append({"ticket_id": tid, "at": resolved, "actor_role": "staff", "kind": "resolved"})
                events.append({"ticket_id": tid, "at": resolved, "actor_role": "resident", "kind": "rated",
                               "data": json.dumps({"rating": rating})})
        tickets.append(row)
    blank = {"actor_id": None, "actor_name": None, "text": None, "data": None, "media_group_id": None}
    return people, tickets, [{**blank, **event} for event in events]


async def main(n: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(url or f"sqlite+aiosqlite:///{tmp}/bench.db")
        await upgrade(db)
        people, tickets, events = history(n)
        started = time.perf_counter()
        async with db.transaction() as session:
            for table, rows in ((Person, people), (Ticket, tickets), (TicketEvent, events)):
                await (await session.connection()).execute(insert(table), rows)
            if db.url.get_backend_name() == "postgresql":  # the ids were given: move the sequence past them
                await session.execute(text("SELECT setval(pg_get_serial_sequence('ticket', 'id'), max(id)) FROM ticket"))
        print(f"database: {db.url.get_backend_name()}, {n} tickets over 60 days, {len(events)} events "
              f"(filled in {time.perf_counter() - started:.1f} s)")

        timings = []
        for _ in range(5):
            started = time.perf_counter()
            async with db.session() as session:
                report = await build_report(session, NOW, TZ)
            timings.append(time.perf_counter() - started)
        month = report.windows[-1]
        print(f"/stats query + computation: best {min(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms "
              f"({month.total} tickets in 30 days)")

        timings, size = [], 0
        for _ in range(3):
            started = time.perf_counter()
            png = chart.render(report, lambda c: c, when="2026-11-23 10:00")
            timings.append(time.perf_counter() - started)
            size = len(png or b"")
        print(f"chart: best {min(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms (the first includes font "
              f"loading), {size / 1024:.0f} KiB PNG, font {chart.cjk_font() or 'none (Latin labels)'}")

        await held_up(db)

        started = time.perf_counter()
        async with db.session() as session:
            content, n_tickets, n_events = await export_workbook(
                session, since=NOW - timedelta(days=30), until=NOW, tz=TZ, names=lambda c: c
            )
        print(f"export of 30 days: {n_tickets} tickets, {n_events} events in {time.perf_counter() - started:.1f} s, "
              f"{len(content) / 1024 / 1024:.1f} MiB")
        await db.dispose()


class _AllStaff:
    async def is_member(self, chat_id: int, user_id: int) -> bool:
        return True


async def held_up(db: Database) -> None:
    """A resident's message alone, then sent while /stats is answered (through the
    dispatcher: its transaction and the chart), against a baseline that draws the chart
    inside the transaction, as before 2026-12-04."""
    staff_chat = Chat(id=-100, type=ChatType.SUPERGROUP)
    services = Services(Rules(staff_chat_id=staff_chat.id), load_classifier(), SystemClock(), _AllStaff())
    update_ids = iter(range(1, 1_000_000))

    def message(chat: Chat, sender: int, text: str) -> Message:
        n = next(update_ids)
        person = Sender(id=sender, first_name="x", is_bot=False)
        return Message(update_id=n, message_id=n, chat=chat, sender=person, date=datetime.now(UTC), kind=Kind.TEXT, text=text)

    async def resident(dispatcher: Dispatcher) -> float:
        started = time.perf_counter()
        person = 5000 + next(update_ids)
        await dispatcher.handle(message(Chat(id=person, type=ChatType.PRIVATE), person, "3幢电梯又坏了"))
        return time.perf_counter() - started

    async def during_stats(dispatcher: Dispatcher) -> list[float]:
        waits = []
        for _ in range(3):
            stats = asyncio.create_task(dispatcher.handle(message(staff_chat, 1, "/stats")))
            await asyncio.sleep(0.05)  # /stats is under way
            waits.append(await resident(dispatcher))
            await stats
        return waits

    router = build_router()
    now = Dispatcher(services, db, router)
    alone = [await resident(now) for _ in range(5)]
    waits = await during_stats(now)
    stats = router.commands[("stats", Scope.STAFF)]
    router.commands[("stats", Scope.STAFF)] = replace(stats, ahead=None)  # the chart drawn in the transaction
    baseline = await during_stats(Dispatcher(services, db, router))
    print(f"a resident's message: alone {min(alone) * 1000:.0f} ms; sent 50 ms into /stats: "
          f"{min(waits) * 1000:.0f}-{max(waits) * 1000:.0f} ms, with the chart drawn inside the transaction "
          f"{min(baseline) * 1000:.0f}-{max(baseline) * 1000:.0f} ms ({db.url.get_backend_name()})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--url", help="a database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    asyncio.run(main(args.tickets, args.url))
