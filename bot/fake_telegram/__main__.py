"""Run the fake Telegram server on its own: python -m bot.fake_telegram --port 8081."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from .models import Limits
from .server import FakeTelegram


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.fake_telegram", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-token")
    parser.add_argument("--username", default="minhu_test_bot")
    parser.add_argument("--limits", action="store_true", help="enforce Telegram's flood limits")
    parser.add_argument(
        "--user", action="append", default=[], metavar="NAME",
        help="create a user (repeatable); their ids are printed",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    async def run() -> None:
        tg = FakeTelegram(token=args.token, bot_username=args.username)
        if args.limits:
            tg.limits = Limits(enabled=True)
        await tg.start(host=args.host, port=args.port)
        print(f"fake Telegram Bot API at {tg.api_url}  (bot @{args.username}, token {args.token})", flush=True)
        print(f"  PTB:     Bot(token, base_url='{tg.base_url}', base_file_url='{tg.base_file_url}')")
        print(f"  aiogram: TelegramAPIServer.from_base('{tg.api_url}')", flush=True)
        for name in args.user:
            user = tg.add_user(name)
            print(f"  user {name}: id {user.id}", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await tg.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


if __name__ == "__main__":
    main()
