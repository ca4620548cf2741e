"""`minhu stats` and `minhu export` against a database with a known history."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot import cli_stats
from bot.cli import main
from handlers.texts import t
from tests.handlers.test_stats import history, png_size
from tests.support.fakes import NAMES
from tests.support.harness import Harness


@pytest.fixture
def env(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("TIMEZONE", "Asia/Shanghai")
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setattr(cli_stats, "category_names", lambda _settings: NAMES.get)
    return tmp_path


async def run(*argv: str) -> int:
    """The CLI runs its own event loop, as it does from a shell."""
    return await asyncio.to_thread(main, list(argv))


async def test_export_writes_tickets_and_history_staff_can_open(h: Harness, env: Path) -> None:
    await history(h)
    h.clock.advance(timedelta(minutes=5))
    await h.send(h.resident(505, "=坏人"), '=HYPERLINK("http://x.example","点我") 楼道灯\x0b不亮')
    out = env / "tickets.xlsx"
    assert await run("export", "--from", "2026-11-23", "--to", "2026-11-23", "--out", str(out)) == 0
    book = load_workbook(out)
    assert book.sheetnames == [t("export.tickets_sheet"), t("export.history_sheet")]
    tickets = book[t("export.tickets_sheet")]
    header = [c.value for c in tickets[1]]
    assert header == t("export.tickets_header").split("|")
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in tickets.iter_rows(min_row=2, values_only=True)}
    assert sorted(rows) == [1, 2, 3, 4, 5]
    first = rows[1]
    assert first["提交时间"] == datetime(2026, 11, 23, 10, 0)  # local time, a real date cell
    assert (first["类别"], first["状态"], first["评价"], first["处理人"]) == ("物业维修", "已关闭", "非常满意", "李明")
    assert first["解决时间"] == datetime(2026, 11, 23, 12, 0)
    assert (rows[2]["重开次数"], rows[2]["评价"]) == (1, "不满意")
    assert rows[4]["关闭原因"] == t("close_reason.withdrawn")
    # words stay words: no formula, no character Excel cannot hold
    cell = tickets.cell(row=6, column=header.index("内容") + 1)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x.example","点我") 楼道灯不亮'
    assert tickets.cell(row=6, column=header.index("居民") + 1).data_type == "s"
    assert tickets.freeze_panes == "A2" and tickets.cell(row=2, column=2).number_format == "yyyy-mm-dd hh:mm"

    history_sheet = book[t("export.history_sheet")]
    events = list(history_sheet.iter_rows(min_row=2, values_only=True))
    first_history = [e for e in events if e[0] == 1]
    assert [e[4] for e in first_history][:3] == ["提交工单", "认领", "标记已解决"]
    assert first_history[0][5] == "3幢电梯又坏了" and first_history[1][2] == "李明"
    assert any(e[0] == 2 and e[4] == "重新打开" and e[5] == "评价：没解决" for e in events)


async def test_export_counts_only_the_days_asked_for(h: Harness, env: Path) -> None:
    await history(h)  # all on 2026-11-23, Shanghai time
    out = env / "none.xlsx"
    assert await run("export", "--from", "2026-11-24", "--to", "2026-11-30", "--out", str(out)) == 0
    assert load_workbook(out)[t("export.tickets_sheet")].max_row == 1  # the header only
    assert await run("export", "--from", "2026-11-22", "--to", "2026-11-23", "--out", str(out)) == 0
    assert load_workbook(out)[t("export.tickets_sheet")].max_row == 5


async def test_export_refuses_a_range_that_ends_before_it_starts(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert await run("export", "--from", "2026-11-24", "--to", "2026-11-01", "--out", str(env / "x.xlsx")) == 2
    assert "--to is before --from" in capsys.readouterr().err
    assert not (env / "x.xlsx").exists()


async def test_stats_prints_the_report_and_draws_the_chart(h: Harness, env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    await history(h)
    # `minhu stats` reads the real clock: pretend the history happened an hour ago
    from handlers import stats

    real = stats.build_report
    monkeypatch.setattr(stats, "build_report", lambda session, _now, tz: real(session, h.clock.now() + timedelta(hours=1), tz))
    out = env / "chart.png"
    assert await run("stats", "--chart", str(out)) == 0
    printed = capsys.readouterr().out
    assert "近 7 天" in printed and "<b>" not in printed
    assert "重新打开：1/2（50%）" in printed and "评价：非常满意 1 · 不满意 1" in printed
    assert png_size(out.read_bytes())[1] > 600
