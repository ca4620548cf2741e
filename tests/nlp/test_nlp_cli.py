"""bot/cli_nlp.py: `minhu classify` and `minhu eval`, registered on a throwaway parser."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from bot import cli_nlp


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="minhu")
    cli_nlp.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture(autouse=True)
def no_taxonomy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAXONOMY_FILE", raising=False)


def test_classify_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["classify", "3幢电梯又坏了"]) == 0
    out = capsys.readouterr().out
    assert "物业维修 (repair)" in out
    assert "置信度 confidence: 0." in out
    assert "紧急 urgent:      否 no" in out
    assert "电梯" in out


def test_classify_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["classify", "楼道里煤气味很重 快来人", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["category"] == "safety"
    assert data["name_zh"] == "治安消防"
    assert data["urgent"] is True
    assert "煤气味" in data["urgent_keywords"]
    assert 0 <= data["confidence"] <= 1


SMALL_CSV = "text,category,urgent\n3幢电梯又坏了,repair,0\n楼道里煤气味很重,safety,1\n你好,other,0\n低保怎么申请,repair,0\n"


def test_eval_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "rows.csv"
    f.write_text(SMALL_CSV, encoding="utf-8")
    assert run(["eval", str(f)]) == 0
    out = capsys.readouterr().out
    assert "accuracy: 0.750 (3/4)" in out
    assert "urgent: recall 1.000 (1/1)" in out
    assert "repair -> assistance: 1" in out
    assert "低保怎么申请" in out


def test_eval_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "rows.csv"
    f.write_text(SMALL_CSV, encoding="utf-8")
    assert run(["eval", str(f), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)  # one JSON object, nothing else on stdout
    assert data["accuracy"] == 0.75
    assert data["urgent_recall"] == 1.0
    assert data["misclassified"][0]["text"] == "低保怎么申请"
    assert set(data["per_category"]) >= {"repair", "safety", "other", "assistance"}


CUSTOM = """
categories:
  - id: pets
    zh: 宠物
    en: Pets
    keywords: {3: [电梯]}
  - id: other
    zh: 其他
    en: Other
urgency:
  danger:
    fire: {terms: [着火]}
"""


def test_taxonomy_from_env_and_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    custom = tmp_path / "custom.yaml"
    custom.write_text(CUSTOM, encoding="utf-8")
    monkeypatch.setenv("TAXONOMY_FILE", str(custom))
    assert run(["classify", "电梯坏了", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["category"] == "pets"
    # --taxonomy wins over the environment
    default = Path(__file__).parents[2] / "nlp" / "data" / "taxonomy.yaml"
    assert run(["classify", "电梯坏了", "--json", "--taxonomy", str(default)]) == 0
    assert json.loads(capsys.readouterr().out)["category"] == "repair"


def test_min_confidence_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["classify", "3幢电梯又坏了", "--json", "--min-confidence", "0.99"]) == 0
    assert json.loads(capsys.readouterr().out)["category"] == "other"


def test_bad_taxonomy_is_exit_2_with_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CUSTOM.replace("id: other", "id: pets"), encoding="utf-8")
    assert run(["classify", "x", "--taxonomy", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("minhu: ") and "duplicate" in err and str(bad) in err


def test_eval_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["eval", "/nonexistent/rows.csv"]) == 2
    assert "file not found" in capsys.readouterr().err


def test_stand_alone_main(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_nlp.main(["classify", "电梯坏了", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["category"] == "repair"
