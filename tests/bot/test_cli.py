"""The `minhu` command: settings errors in one sentence, db upgrade, keyword suggestions,
the tickets staff settled exported for training."""

from __future__ import annotations

import asyncio

import pytest

from bot.cli import main
from handlers.events import Person
from nlp.evaluate import read_labelled_csv
from tests.support.harness import Harness


def test_bad_setting_stops_with_one_sentence_naming_it(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("STAFF_CHAT_ID", "not-a-number")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("minhu: STAFF_CHAT_ID is invalid") and err.count("\n") == 0


def test_run_without_token_names_bot_token(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    assert "BOT_TOKEN is not set" in capsys.readouterr().err


async def test_db_upgrade_brings_a_database_up_to_date(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert await asyncio.to_thread(main, ["db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert "is up to date" in out


async def test_keywords_suggest_learns_from_corrections(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], h: Harness, db_url: str
) -> None:
    staff = h.staff()
    for n in range(3):
        await h.send(Person(id=600 + n, first_name="居民"), f"{n}号楼的沉淀池又满溢出来了")
    for ticket in await h.tickets():
        await h.press(staff, f"t:setcat:{ticket.id}:environment", chat=h.staff_chat)
    monkeypatch.setenv("DATABASE_URL", db_url)
    # the command runs its own event loop, as from a shell
    assert await asyncio.to_thread(main, ["keywords", "suggest", "--min-count", "2"]) == 0
    out = capsys.readouterr().out
    assert "3 corrected or unclassified tickets read" in out
    assert "环境卫生 (environment)" in out and "沉淀池" in out and "×3" in out


async def test_keywords_export_writes_what_staff_settled_as_a_training_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], h: Harness, db_url: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    staff = h.staff()
    texts = ["1号楼的沉淀池又满溢出来了", "3幢电梯又坏了 有股焦味", "低价代办各种证件 加微信", "楼下垃圾没人收", "3幢电梯还是坏的"]
    for n, text in enumerate(texts):
        await h.send(Person(id=600 + n, first_name="居民"), text)
    corrected, resolved, spam, untouched, duplicate = await h.tickets()
    await h.press(staff, f"t:setcat:{corrected.id}:environment", chat=h.staff_chat)
    await h.press(staff, f"t:claim:{resolved.id}", chat=h.staff_chat)
    await h.press(staff, f"t:urg:{resolved.id}:1", chat=h.staff_chat)  # staff know a burning smell
    await h.press(staff, f"t:resolve:{resolved.id}", chat=h.staff_chat)
    await h.press(staff, f"t:why:{spam.id}:spam", chat=h.staff_chat)
    await h.press(staff, f"t:why:{duplicate.id}:duplicate", chat=h.staff_chat)
    monkeypatch.setenv("DATABASE_URL", db_url)
    out = tmp_path / "settled.csv"
    assert await asyncio.to_thread(main, ["keywords", "export", str(out)]) == 0
    assert "3 tickets settled by staff" in capsys.readouterr().out
    assert read_labelled_csv(out) == [
        ("1号楼的沉淀池又满溢出来了", "environment", False),
        ("3幢电梯又坏了 有股焦味", "repair", True),
        ("低价代办各种证件 加微信", "other", False),
    ]
