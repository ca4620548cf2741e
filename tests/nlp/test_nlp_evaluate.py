"""evaluate() and the CSV reader, on small handmade inputs with known figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp import Classification, load_taxonomy
from nlp.evaluate import evaluate, read_labelled_csv


class RecordedClassifier:
    """A hand-written fake: answers from a table, like a recording of the real one."""

    def __init__(self, answers: dict[str, tuple[str, bool]]) -> None:
        self.taxonomy = load_taxonomy()
        self.answers = answers

    def classify(self, text: str) -> Classification:
        category, urgent = self.answers[text]
        return Classification(category, 0.8, urgent, ("kw",), ("danger",) if urgent else ())


ROWS = [
    # text, gold, gold urgent            predicted
    ("a", "repair", False),  # repair, ok
    ("b", "repair", True),  # repair, urgent ok
    ("c", "repair", False),  # dispute   (category wrong)
    ("d", "dispute", False),  # dispute
    ("e", "dispute", True),  # repair, urgent missed
    ("f", "other", False),  # other, false urgent
]
ANSWERS = {
    "a": ("repair", False),
    "b": ("repair", True),
    "c": ("dispute", False),
    "d": ("dispute", False),
    "e": ("repair", False),
    "f": ("other", True),
}


def test_figures() -> None:
    report = evaluate(RecordedClassifier(ANSWERS), ROWS)
    assert report.total == 6
    assert report.correct == 4
    assert report.accuracy == pytest.approx(4 / 6)
    per = {c.category: c for c in report.per_category}
    assert [c.category for c in report.per_category] == ["repair", "dispute", "other"]
    # repair: predicted a,b,e (2 right) of 3 gold (a,b,c)
    assert per["repair"].precision == pytest.approx(2 / 3)
    assert per["repair"].recall == pytest.approx(2 / 3)
    assert per["repair"].support == 3
    # dispute: predicted c,d (1 right) of 2 gold (d,e)
    assert per["dispute"].precision == pytest.approx(1 / 2)
    assert per["dispute"].recall == pytest.approx(1 / 2)
    assert per["other"].f1 == pytest.approx(1.0)
    assert report.macro_f1 == pytest.approx((2 / 3 + 1 / 2 + 1) / 3)
    assert set(report.confusions) == {("repair", "dispute", 1), ("dispute", "repair", 1)}
    # urgent: gold b,e; predicted b,f
    assert report.urgent_support == 2
    assert report.urgent_recall == pytest.approx(1 / 2)
    assert report.urgent_precision == pytest.approx(1 / 2)
    assert (report.urgent_tp, report.urgent_fp, report.urgent_fn) == (1, 1, 1)
    missed = {m.text: m for m in report.misclassified}
    assert set(missed) == {"c", "e", "f"}
    assert missed["c"].category_wrong and not missed["c"].urgent_wrong
    assert missed["e"].category_wrong and missed["e"].urgent_wrong
    assert not missed["f"].category_wrong and missed["f"].urgent_wrong


def test_to_dict_is_json_and_format_text_is_readable() -> None:
    report = evaluate(RecordedClassifier(ANSWERS), ROWS)
    d = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert d["accuracy"] == pytest.approx(4 / 6)
    assert d["per_category"]["repair"]["support"] == 3
    assert d["confusions"][0]["count"] == 1
    assert d["urgent_recall"] == pytest.approx(0.5)
    assert len(d["misclassified"]) == 3
    text = report.format_text()
    assert "accuracy: 0.667 (4/6)" in text
    assert "urgent: recall 0.500 (1/2)" in text
    assert "repair -> dispute: 1" in text
    assert "urgent missed" in text and "false urgent" in text


def test_without_urgent_column_urgent_figures_are_none() -> None:
    rows = [(t, g, None) for t, g, _ in ROWS]
    report = evaluate(RecordedClassifier(ANSWERS), rows)
    assert report.urgent_recall is None and report.urgent_precision is None
    assert {m.text for m in report.misclassified} == {"c", "e"}
    assert "urgent:" not in report.format_text()


def test_perfect_and_empty() -> None:
    clf = RecordedClassifier({"x": ("repair", False)})
    report = evaluate(clf, [("x", "repair", False)])
    assert report.accuracy == 1.0 and report.macro_f1 == 1.0
    assert report.urgent_recall is None  # no urgent rows: recall undefined, not 1.0
    empty = evaluate(clf, [])
    assert empty.total == 0 and empty.accuracy == 0.0


def test_read_labelled_csv(tmp_path: Path) -> None:
    p = tmp_path / "rows.csv"
    p.write_text(
        'text,category,urgent\n"电梯坏了, 快修",repair,0\n煤气味,safety,1\n', encoding="utf-8"
    )
    assert read_labelled_csv(p) == [("电梯坏了, 快修", "repair", False), ("煤气味", "safety", True)]
    q = tmp_path / "no_urgent.csv"
    q.write_text("\ufefftext,category\n你好,other\n", encoding="utf-8")  # with a BOM
    assert read_labelled_csv(q) == [("你好", "other", None)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("words,label\nx,y\n", "must have 'text' and 'category'"),
        ("text,category,urgent\nx,repair,maybe\n", "urgent='maybe'"),
        ("text,category\nx,\n", "has no category"),
    ],
)
def test_read_labelled_csv_errors(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_labelled_csv(p)
