"""``minhu sandbox``: the whole service in a browser, with no Telegram account and no token.

``bot/cli.py`` builds the ``minhu`` parser and calls :func:`register`.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import time
from typing import TYPE_CHECKING

from bot.settings import SettingsError

if TYPE_CHECKING:
    from aiohttp import web

    from bot.sandbox import Sandbox

__all__ = ["register"]

DEFAULT_PORT = 8080


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "sandbox",
        help="try the whole service in a browser: no Telegram account, no token, no internet",
        description=(
            "Runs a fake Telegram, the real bot against it and a web page on this computer: "
            "a resident's chat, the staff group and a volunteer's chat side by side."
        ),
    )
    p.add_argument("--framework", choices=["ptb", "aiogram"], help="overrides FRAMEWORK (default ptb)")
    p.add_argument(
        "--database",
        metavar="FILE_OR_URL",
        help="keep the data in this SQLite file (or database URL); default: a temporary file",
    )
    p.add_argument("--seed", action="store_true", help="start with a realistic week of tickets")
    p.add_argument("--host", default="127.0.0.1", help="address of the page (default 127.0.0.1: this computer only)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port of the page (default {DEFAULT_PORT}; 0: any)")
    p.add_argument("-v", "--verbose", action="store_true", help="log what the bot does")
    p.set_defaults(func=run_sandbox)


def run_sandbox(args: argparse.Namespace) -> int:
    from bot.logs import setup_logging

    setup_logging("INFO" if args.verbose else "WARNING", [])
    asyncio.run(_serve(args))
    return 0


async def _serve(args: argparse.Namespace) -> None:
    from bot.cli import _until_signalled
    from bot.sandbox import Sandbox, SandboxError
    from bot.sandbox.seed import seed_week
    from storage.db import safe_url

    sandbox = Sandbox(framework=args.framework, database=args.database, seeding=args.seed)
    print("Minhu sandbox: starting the fake Telegram and the bot…", flush=True)
    try:
        await sandbox.start()
    except SandboxError as exc:
        await sandbox.stop()
        raise SettingsError(str(exc)) from None
    runner = None
    try:
        if args.seed:
            began = time.monotonic()
            print("filling a week of tickets (this takes a few seconds)…", flush=True)
            week = await seed_week(sandbox)
            print(f"seeded {week.summary()} in {time.monotonic() - began:.1f} s", flush=True)
        runner, url = await _open_page(sandbox, args.host, args.port)
        where = "a temporary file, deleted on exit" if sandbox.temporary else "kept after exit"
        print(f"framework {sandbox.settings.framework}; database {safe_url(sandbox.database_url)} ({where})")
        print(f"\n  Open {url} in your browser.  Ctrl+C stops the sandbox.\n", flush=True)
        await _until_signalled()
        print("stopping…", flush=True)
    finally:
        if runner is not None:
            await runner.cleanup()
        await sandbox.stop()


async def _open_page(sandbox: Sandbox, host: str, port: int) -> tuple[web.AppRunner, str]:
    from bot.sandbox.server import serve

    try:
        return await serve(sandbox, host, port)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE or port == 0:
            raise
        print(f"port {port} is taken; using a free one", flush=True)
        return await serve(sandbox, host, 0)
