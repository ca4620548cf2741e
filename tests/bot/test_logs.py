"""The bot token and database passwords never reach the logs."""

from __future__ import annotations

import logging

import pytest

from bot.logs import setup_logging

TOKEN = "7012345678:AAHsecret-token-value-xyz"


@pytest.fixture
def restore_logging():  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_secrets_are_masked_in_messages_and_tracebacks(restore_logging, capfd: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    setup_logging("INFO", [TOKEN, "db-password-123"])
    log = logging.getLogger("minhu.test")
    log.warning("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"connect to postgresql://minhu:db-password-123@db/minhu failed for bot{TOKEN}")
    except RuntimeError:
        log.exception("start-up failed")
    err = capfd.readouterr().err
    assert "getMe" in err and "start-up failed" in err and "RuntimeError" in err
    assert TOKEN not in err and "db-password-123" not in err
    assert "bot***/getMe" in err


def test_request_loggers_that_print_urls_are_quiet(restore_logging, capfd: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    setup_logging("DEBUG", [TOKEN])
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
    assert "getUpdates" not in capfd.readouterr().err
