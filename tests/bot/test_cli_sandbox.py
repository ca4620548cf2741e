"""`minhu sandbox` as a person runs it: a separate process that prints the page's address,
serves it, needs no .env or secret, and stops cleanly on Ctrl+C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_minhu_sandbox_prints_the_url_serves_the_page_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    # A developer's .env and environment point at the real Telegram and another database:
    # the sandbox must use neither.
    (tmp_path / ".env").write_text(
        "BOT_TOKEN=7012345678:AAHrealLookingTokenForTests0000\n"
        "TELEGRAM_API_URL=http://10.255.255.1:9\n"
        "DATABASE_URL=postgresql://nobody:secret@10.255.255.1/minhu\n"
        "STAFF_CHAT_ID=-1009999999999\n",
        encoding="utf-8",
    )
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody@10.255.255.1/minhu", "PYTHONPATH": str(ROOT)}
    env.pop("FRAMEWORK", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "sandbox", "--port", "0", "--framework", "aiogram"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    try:
        url = None
        deadline = time.monotonic() + 90
        assert process.stdout is not None
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            found = re.search(r"Open (http://127\.0\.0\.1:\d+/) in your browser", line)
            url = found.group(1) if found else None
        assert url, "".join(output)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert b"/static/sandbox.js" in response.read()
        with urllib.request.urlopen(url + "api/state", timeout=10) as response:
            state = json.load(response)
        assert state["framework"] == "aiogram" and state["database"].startswith("sqlite+aiosqlite:///")
        database = Path(re.search(r"database sqlite\+aiosqlite:///(\S+)", "".join(output)).group(1))  # type: ignore[union-attr]
        assert database.exists()
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=30)
        output.append(rest)
        assert process.returncode == 0, "".join(output)
        assert not database.exists()  # the temporary database goes with the sandbox
        assert "Traceback" not in "".join(output)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("argv", [["sandbox", "--help"]])
def test_minhu_sandbox_is_a_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "--seed" in out and "--framework" in out and "--database" in out
