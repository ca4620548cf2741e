"""How quick the sandbox feels: start-up, the seeded week, the page's first load, and the
time from a person's action on the page to what the bot does about it reaching the page.

Everything runs in one process, as `minhu sandbox` does: the page's requests go over real
HTTP to the sandbox's web server, and its view of the chats comes from the event stream.

    python bench/sandbox.py
    python bench/sandbox.py --framework aiogram --rounds 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp

from bot.sandbox import Sandbox
from bot.sandbox.seed import seed_week
from bot.sandbox.server import serve
from handlers.texts import t


async def main(framework: str, rounds: int) -> None:
    began = time.perf_counter()
    sandbox = Sandbox(framework=framework, seeding=True)
    await sandbox.start()
    started = time.perf_counter() - began
    began = time.perf_counter()
    week = await seed_week(sandbox)
    seeded = time.perf_counter() - began
    runner, url = await serve(sandbox, "127.0.0.1", 0)
    events: list[tuple[float, dict[str, Any]]] = []
    changed = asyncio.Event()
    try:
        async with aiohttp.ClientSession() as http:
            began = time.perf_counter()
            async with http.get(url) as r:
                page = await r.read()
            for name in ("sandbox.js", "sandbox.css"):
                async with http.get(f"{url}static/{name}") as r:
                    page += await r.read()
            async with http.get(url + "api/state") as r:
                state = await r.read()
            first_load = time.perf_counter() - began

            stream = await http.get(url + "api/events")

            async def read() -> None:
                async for raw in stream.content:
                    line = raw.decode()
                    if line.startswith("data: "):
                        events.append((time.perf_counter(), json.loads(line[6:])))
                        changed.set()

            reader = asyncio.create_task(read())

            async def until(match: Any, after: int) -> float:
                while True:
                    for at, event in events[after:]:
                        if match(event):
                            return at
                    changed.clear()
                    await changed.wait()

            resident, staff, group = sandbox.residents[2], sandbox.staff[0], sandbox.group
            report, claim = [], []
            for i in range(rounds):
                await sandbox.advance(timedelta(minutes=15))  # one resident, but not a flood of requests
                mark, sent_at = len(events), time.perf_counter()
                async with http.post(url + "api/text", json={"user": resident.id, "chat": resident.id, "text": f"{i + 1}号楼楼道灯坏了"}) as r:
                    assert r.status == 200
                card_at = await until(lambda e: e["type"] == "message" and e["message"]["chat_id"] == group.id and "工单 #" in (e["message"].get("text") or ""), mark)
                report.append(card_at - sent_at)
                card = next(e for _, e in events[mark:] if e["type"] == "message" and e["message"]["chat_id"] == group.id)["message"]
                button = next(b for row in card["reply_markup"]["inline_keyboard"] for b in row if b["text"] == t("button.claim"))
                mark, sent_at = len(events), time.perf_counter()
                body = {"user": staff.id, "chat": group.id, "message": card["message_id"], "data": button["callback_data"]}
                async with http.post(url + "api/press", json=body) as r:
                    assert r.status == 200
                edited = await until(lambda e, m=card["message_id"]: e["type"] == "message" and e["message"]["message_id"] == m and e["message"].get("edit_date"), mark)
                claim.append(edited - sent_at)
                await sandbox.settle()
            reader.cancel()
            stream.close()
    finally:
        await runner.cleanup()
        await sandbox.stop()

    def ms(values: list[float]) -> str:
        values = sorted(values)
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        return f"median {statistics.median(values) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms   max {values[-1] * 1000:6.1f} ms"

    print(f"framework {framework}, {rounds} rounds")
    print(f"start (migrate, fake Telegram, bot, classifier)  {started:6.2f} s")
    print(f"seed a week ({week.summary()})  {seeded:6.2f} s")
    print(f"first load: page {len(page) / 1024:.0f} KiB + state {len(state) / 1024:.0f} KiB   {first_load * 1000:6.1f} ms")
    print(f"resident writes -> card shows in the staff group   {ms(report)}")
    print(f"staff press 认领 -> card edited in place            {ms(claim)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--framework", choices=["ptb", "aiogram"], default="ptb")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(main(args.framework, args.rounds))
