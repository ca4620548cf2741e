"""Throughput and latency of the whole pipeline, beside a bare echo bot.

2,000 resident messages from 200 simulated users go through the fake Bot API server (limits
off), the real framework, the dispatcher (inbox, classifier, ticket, card, outbox in one
transaction) and the outbox sender. Latency runs from the moment an update is available in
the fake server to the moment the bot's answer to it arrives there. A bare echo bot on the
same framework and the same fake server, in the same run, gives the baseline.

    python bench/pipeline.py --framework ptb
    python bench/pipeline.py --framework aiogram --database-url postgresql://postgres@127.0.0.1/test
    python bench/pipeline.py --rate 20     # latency at a steady 20 messages a second
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.fake_telegram import FakeTelegram, FakeUser

TOKEN = "7012345678:BENCH-token-abcdefghijk"
TEXTS = [
    "3幢电梯又坏了",
    "楼下垃圾三天没人收了",
    "小区门口乱停车把消防通道堵了",
    "楼上装修太吵了每天早上七点就开始",
    "想给我妈申请老年食堂助餐",
    "社区卫生服务中心周六开门吗",
    "孩子两岁半有没有托育班",
    "太极拳班还有名额吗",
    "居住证怎么办理",
    "家里困难想问低保怎么申请",
]


class Run:
    """Timestamps of updates queued and answers received, per user, in order."""

    def __init__(self, tg: FakeTelegram, users: list[FakeUser]) -> None:
        self.tg = tg
        self.user_ids = {u.id for u in users}
        self.queued: dict[int, list[float]] = defaultdict(list)
        self.answered: dict[int, list[float]] = defaultdict(list)
        self.expected = 0
        self.done = asyncio.Event()
        tg.subscribe(self._on_event)

    def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("type") == "message" and event.get("from_bot") and event["chat_id"] in self.user_ids:
            self.answered[event["chat_id"]].append(time.perf_counter())
            if sum(len(v) for v in self.answered.values()) >= self.expected:
                self.done.set()

    async def push(self, users: list[FakeUser], per_user: int, rate: float = 0) -> float:
        """Queue every message at once (rate 0: throughput), or `rate` a second (latency)."""
        self.expected = len(users) * per_user
        start = time.perf_counter()
        sent = 0
        for i in range(per_user):
            for n, user in enumerate(users):
                if rate:
                    await asyncio.sleep(max(0.0, start + sent / rate - time.perf_counter()))
                self.tg.send_text(user, f"{TEXTS[(i + n) % len(TEXTS)]} {n}-{i}")
                self.queued[user.id].append(time.perf_counter())
                sent += 1
        await asyncio.wait_for(self.done.wait(), timeout=600)
        return time.perf_counter() - start

    def latencies(self) -> list[float]:
        out = []
        for uid, queued in self.queued.items():
            out.extend(a - q for q, a in zip(queued, self.answered[uid], strict=False))
        return out


def summary(name: str, seconds: float, run: Run) -> dict[str, float]:
    lat = sorted(run.latencies())
    return {
        "name": name,  # type: ignore[dict-item]
        "messages": run.expected,
        "seconds": seconds,
        "per_second": run.expected / seconds,
        "p50_ms": statistics.median(lat) * 1000,
        "p95_ms": lat[int(len(lat) * 0.95) - 1] * 1000,
    }


async def bench_minhu(framework: str, db_url: str, users: int, per_user: int, rate: float = 0) -> dict[str, float]:
    from bot.app import Minhu
    from bot.sender import SendLimits
    from bot.settings import Settings

    async with FakeTelegram(token=TOKEN, bot_username="minhu_bench_bot", record_calls=False) as tg:
        staff = tg.add_user("李明")
        group = tg.add_group("社区工作群", members=[staff])
        people = [tg.add_user(f"居民{i}") for i in range(users)]
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            bot_token=TOKEN,
            staff_chat_id=group.id,
            database_url=db_url,
            telegram_api_url=tg.api_url,
            framework=framework,
            flood_max_tickets=per_user + 1,  # every message is a request here, not a flood
            flood_max_messages=per_user + 1,
            log_level="WARNING",
        )
        bot = Minhu(settings, limits=SendLimits.off())
        await bot.start()
        await tg.wait_until_polling()
        run = Run(tg, people)
        seconds = await run.push(people, per_user, rate)
        await bot.stop()
        return summary(f"minhu/{framework}", seconds, run)


async def bench_echo(framework: str, users: int, per_user: int, rate: float = 0) -> dict[str, float]:
    async with FakeTelegram(token=TOKEN, bot_username="echo_bench_bot", record_calls=False) as tg:
        people = [tg.add_user(f"居民{i}") for i in range(users)]
        start, stop = await (_ptb_echo if framework == "ptb" else _aiogram_echo)(tg)
        await start()
        await tg.wait_until_polling()
        run = Run(tg, people)
        seconds = await run.push(people, per_user, rate)
        await stop()
        return summary(f"echo/{framework}", seconds, run)


async def _ptb_echo(tg: FakeTelegram) -> tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]:
    from telegram import Update
    from telegram.ext import Application, MessageHandler, filters

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{tg.api_url}/bot")
        .concurrent_updates(64)
        .job_queue(None)
        .connection_pool_size(64)
        .build()
    )

    async def echo(update: Update, _context: object) -> None:
        await update.message.reply_text(update.message.text)  # type: ignore[union-attr]

    app.add_handler(MessageHandler(filters.TEXT, echo))

    async def start() -> None:
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0)  # type: ignore[union-attr]

    async def stop() -> None:
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        await app.shutdown()

    return start, stop


async def _aiogram_echo(tg: FakeTelegram) -> tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]:
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.api_url)))
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    task: list[asyncio.Task[None]] = []

    async def start() -> None:
        task.append(asyncio.create_task(dp.start_polling(bot, handle_signals=False, close_bot_session=False)))

    async def stop() -> None:
        await dp.stop_polling()
        await asyncio.gather(*task, return_exceptions=True)
        await bot.session.close()

    return start, stop


async def fresh_database(url: str | None, workdir: Path) -> tuple[str, Callable[[], Awaitable[None]]]:
    from tests.support.databases import PostgresFactory, SqliteFactory

    factory = PostgresFactory(url) if url else SqliteFactory(workdir)
    await factory.prepare()
    return await factory.fresh(), factory.cleanup


def show(row: dict[str, float]) -> str:
    return (
        f"{row['name']:<16} {row['messages']:>6} msgs in {row['seconds']:6.2f} s = {row['per_second']:7.1f} msg/s"
        f"   p50 {row['p50_ms']:8.1f} ms   p95 {row['p95_ms']:8.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--framework", choices=["ptb", "aiogram"], default="ptb")
    parser.add_argument("--database-url", help="PostgreSQL server to create a fresh database on (default: SQLite)")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--per-user", type=int, default=10)
    parser.add_argument("--rate", type=float, default=0, help="messages a second (default: all at once)")
    args = parser.parse_args()

    import logging

    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        db_url, cleanup = await fresh_database(args.database_url, Path(tmp))
        echo = await bench_echo(args.framework, args.users, args.per_user, args.rate)
        minhu = await bench_minhu(args.framework, db_url, args.users, args.per_user, args.rate)
        await cleanup()
    backend = "postgresql" if args.database_url else "sqlite"
    pace = f"{args.rate:g} msg/s arriving" if args.rate else "all queued at once"
    print(f"pipeline benchmark: {args.users} users x {args.per_user} messages ({pace}), {args.framework}, {backend}, limits off")
    print(show(echo))
    print(show(minhu))
    print(
        f"ratio minhu/echo: throughput {minhu['per_second'] / echo['per_second']:.2f}x, "
        f"p50 latency {minhu['p50_ms'] / echo['p50_ms']:.1f}x, p95 latency {minhu['p95_ms'] / echo['p95_ms']:.1f}x"
    )


if __name__ == "__main__":
    asyncio.run(main())
