"""The `minhu` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable

from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("minhu")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except SettingsError as exc:
        print(f"minhu: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `minhu eval ... | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minhu", description="民呼 Minhu: the community service centre's chat bot")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    run = commands.add_parser("run", help="run the bot against Telegram (long polling, or --webhook)")
    run.add_argument("--framework", choices=["ptb", "aiogram"], help="overrides FRAMEWORK")
    run.add_argument("--webhook", action="store_true", help="serve Telegram's webhook instead of polling")
    run.add_argument("--host", default="0.0.0.0", help="webhook: address to listen on")
    run.add_argument("--port", type=int, default=8443, help="webhook: port to listen on")
    run.add_argument("--path", default="/telegram", help="webhook: URL path to listen on")
    run.add_argument("--url", help="webhook: the public HTTPS URL Telegram calls (default WEBHOOK_URL)")
    run.set_defaults(func=_run)

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(metavar="ACTION")
    upgrade = db_commands.add_parser("upgrade", help="apply the migrations")
    upgrade.set_defaults(func=_db_upgrade)

    for register in _feature_commands():
        register(commands)
    return parser


def _feature_commands() -> list[Callable[[argparse._SubParsersAction], None]]:
    registers = []
    for module in ("bot.cli_nlp", "bot.cli_keywords", "bot.cli_stats", "bot.cli_sandbox"):
        with contextlib.suppress(ImportError):
            registers.append(__import__(module, fromlist=["register"]).register)
    return registers


def settings_for(args: argparse.Namespace) -> Settings:
    overrides = {"framework": args.framework} if getattr(args, "framework", None) else {}
    return load_settings(**overrides)


def _run(args: argparse.Namespace) -> int:
    from bot.app import Minhu, WebhookOptions
    from bot.logs import setup_logging

    settings = settings_for(args)
    settings.require_telegram()
    setup_logging(settings.log_level, [settings.token, _db_password(settings)])
    webhook = None
    if args.webhook:
        url = args.url or settings.webhook_url
        if not url:
            raise SettingsError("WEBHOOK_URL is not set: give the public HTTPS address Telegram should call (or --url).")
        if settings.webhook_secret is None or not settings.webhook_secret.get_secret_value():
            raise SettingsError("WEBHOOK_SECRET is not set: choose a random string of 32 letters and digits.")
        webhook = WebhookOptions(
            url=url, secret=settings.webhook_secret.get_secret_value(), host=args.host, port=args.port, path=args.path
        )

    async def serve() -> None:
        bot = Minhu(settings)
        await bot.start(webhook=webhook)
        log.info("Minhu is running (%s, %s). Ctrl+C stops it.", settings.framework, "webhook" if webhook else "polling")
        await _until_signalled()
        log.info("stopping: finishing messages under way")
        await bot.stop()

    asyncio.run(serve())
    return 0


def _db_upgrade(_args: argparse.Namespace) -> int:
    from storage.db import Database, safe_url
    from storage.migrate import upgrade

    settings = load_settings()

    async def go() -> None:
        db = Database(settings.database_url.get_secret_value())
        await upgrade(db)
        await db.dispose()
        print(f"database {safe_url(db.url)} is up to date")

    asyncio.run(go())
    return 0


def _db_password(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(settings.database_url.get_secret_value()).password or ""
    except Exception:
        return ""


async def _until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


if __name__ == "__main__":
    sys.exit(main())
