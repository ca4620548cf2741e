"""The dispatcher's promises: commands are read right, a bug never silences the bot."""

from __future__ import annotations

import pytest

from handlers.dispatch import parse_command
from handlers.texts import t
from tests.support.harness import Harness


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", ("start", "")),
        ("/ticket 12", ("ticket", "12")),
        ("/Ticket@minhu_test_bot  12 ", ("ticket", "12")),
        ("/open@some_other_bot", None),
        ("电梯坏了", None),
        ("/", None),
    ],
)
def test_parse_command(text: str, expected: tuple[str, str] | None) -> None:
    assert parse_command(text, "minhu_test_bot") == expected


async def test_a_failing_handler_apologises_and_is_not_retried_forever(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(ctx, msg):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    monkeypatch.setattr(h.router, "resident_message", broken)
    alice = h.resident()
    await h.send(alice, "电梯坏了", update_id=7)
    await h.send(alice, "电梯坏了", update_id=7)  # redelivered: already answered
    assert [d.text for d in await h.flush()] == [t("error.sorry")]
    assert await h.tickets() == []


async def test_every_catalogue_key_used_in_code_exists() -> None:
    import re
    from pathlib import Path

    from handlers.texts import catalogue

    root = Path(__file__).resolve().parents[2]
    used: set[str] = set()
    for path in [*root.glob("handlers/**/*.py"), *root.glob("bot/**/*.py")]:
        used.update(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    missing = sorted(key for key in used if key not in catalogue())
    assert missing == []
