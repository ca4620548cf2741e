"""Measure a classifier on labelled messages: accuracy, macro-F1, per category
precision/recall, confusions, urgent recall/precision and the misclassified rows."""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nlp.classifier import Classifier

__all__ = ["CategoryScore", "EvalReport", "Miss", "evaluate", "read_labelled_csv"]


@dataclass(frozen=True)
class CategoryScore:
    category: str
    precision: float
    recall: float
    f1: float
    support: int
    """Gold rows of this category."""
    predicted: int
    """Rows predicted as this category."""


@dataclass(frozen=True)
class Miss:
    """A row where the category or the urgent flag is wrong."""

    text: str
    gold: str
    predicted: str
    confidence: float
    gold_urgent: bool | None
    urgent: bool
    keywords: tuple[str, ...]
    urgent_keywords: tuple[str, ...]

    @property
    def category_wrong(self) -> bool:
        return self.gold != self.predicted

    @property
    def urgent_wrong(self) -> bool:
        return self.gold_urgent is not None and self.gold_urgent != self.urgent


@dataclass(frozen=True)
class EvalReport:
    total: int
    correct: int
    accuracy: float
    macro_f1: float
    per_category: tuple[CategoryScore, ...]
    confusions: tuple[tuple[str, str, int], ...]
    """(gold, predicted, count), most common first."""
    urgent_support: int
    """Rows labelled urgent (0 when the data has no urgent column)."""
    urgent_recall: float | None
    urgent_precision: float | None
    urgent_tp: int = 0
    urgent_fp: int = 0
    urgent_fn: int = 0
    misclassified: tuple[Miss, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready figures (the shape ``minhu eval --json`` prints)."""
        d = asdict(self)
        d["per_category"] = {c.category: _strip(asdict(c), "category") for c in self.per_category}
        d["confusions"] = [{"gold": g, "predicted": p, "count": n} for g, p, n in self.confusions]
        d["misclassified"] = [
            {
                **asdict(m),
                "keywords": list(m.keywords),
                "urgent_keywords": list(m.urgent_keywords),
            }
            for m in self.misclassified
        ]
        return d

    def format_text(self, *, max_rows: int = 50) -> str:
        """A readable report for a terminal."""
        lines = [
            f"rows: {self.total}   accuracy: {self.accuracy:.3f} ({self.correct}/{self.total})"
            f"   macro-F1: {self.macro_f1:.3f}",
        ]
        if self.urgent_recall is not None or self.urgent_precision is not None:
            lines.append(
                f"urgent: recall {_fmt(self.urgent_recall)} ({self.urgent_tp}/{self.urgent_support})"
                f"   precision {_fmt(self.urgent_precision)}"
                f" ({self.urgent_tp}/{self.urgent_tp + self.urgent_fp})"
                f"   missed {self.urgent_fn}, false alarms {self.urgent_fp}"
            )
        lines.append("")
        lines.append(f"{'category':<12} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
        for c in self.per_category:
            lines.append(
                f"{c.category:<12} {c.precision:>9.3f} {c.recall:>7.3f} {c.f1:>6.3f} {c.support:>8}"
            )
        if self.confusions:
            lines.append("")
            lines.append("most common confusions (gold -> predicted):")
            for g, p, n in self.confusions:
                lines.append(f"  {g} -> {p}: {n}")
        if self.misclassified:
            lines.append("")
            lines.append(f"misclassified rows ({len(self.misclassified)}):")
            for m in self.misclassified[:max_rows]:
                what = []
                if m.category_wrong:
                    what.append(f"{m.gold} -> {m.predicted} ({m.confidence:.2f})")
                if m.urgent_wrong:
                    what.append("urgent missed" if m.gold_urgent else "false urgent")
                why = ",".join(m.keywords) or "-"
                lines.append(f"  [{'; '.join(what)}] {m.text}   why: {why}")
                if m.urgent_keywords:
                    lines[-1] += f"   danger: {','.join(m.urgent_keywords)}"
            if len(self.misclassified) > max_rows:
                lines.append(f"  ... and {len(self.misclassified) - max_rows} more")
        return "\n".join(lines)


def _strip(d: dict[str, Any], key: str) -> dict[str, Any]:
    d.pop(key, None)
    return d


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def evaluate(
    classifier: Classifier,
    rows: Iterable[tuple[str, str, bool | None]],
    *,
    top_confusions: int = 10,
) -> EvalReport:
    """Classify every ``(text, gold category, gold urgent or None)`` and score it."""
    gold_cats: list[str] = []
    pred_cats: list[str] = []
    misses: list[Miss] = []
    tp = fp = fn = 0
    urgent_known = False
    for text, gold, gold_urgent in rows:
        result = classifier.classify(text)
        gold_cats.append(gold)
        pred_cats.append(result.category)
        if gold_urgent is not None:
            urgent_known = True
            if gold_urgent and result.urgent:
                tp += 1
            elif gold_urgent:
                fn += 1
            elif result.urgent:
                fp += 1
        wrong_urgent = gold_urgent is not None and bool(gold_urgent) != result.urgent
        if gold != result.category or wrong_urgent:
            misses.append(
                Miss(
                    text=text,
                    gold=gold,
                    predicted=result.category,
                    confidence=result.confidence,
                    gold_urgent=None if gold_urgent is None else bool(gold_urgent),
                    urgent=result.urgent,
                    keywords=result.keywords,
                    urgent_keywords=result.urgent_keywords,
                )
            )

    total = len(gold_cats)
    correct = sum(g == p for g, p in zip(gold_cats, pred_cats, strict=True))
    order = list(classifier.taxonomy.ids)
    labels = [c for c in order if c in set(gold_cats) | set(pred_cats)]
    labels += sorted((set(gold_cats) | set(pred_cats)) - set(labels))
    gold_count = Counter(gold_cats)
    pred_count = Counter(pred_cats)
    hit_count = Counter(g for g, p in zip(gold_cats, pred_cats, strict=True) if g == p)
    per: list[CategoryScore] = []
    for label in labels:
        p = _ratio(hit_count[label], pred_count[label])
        r = _ratio(hit_count[label], gold_count[label])
        f = 2 * p * r / (p + r) if p + r else 0.0
        per.append(CategoryScore(label, p, r, f, gold_count[label], pred_count[label]))
    macro = sum(c.f1 for c in per) / len(per) if per else 0.0
    confusions = Counter(
        (g, p) for g, p in zip(gold_cats, pred_cats, strict=True) if g != p
    ).most_common(top_confusions)

    return EvalReport(
        total=total,
        correct=correct,
        accuracy=_ratio(correct, total),
        macro_f1=macro,
        per_category=tuple(per),
        confusions=tuple((g, p, n) for (g, p), n in confusions),
        urgent_support=tp + fn,
        urgent_recall=(_ratio(tp, tp + fn) if tp + fn else None) if urgent_known else None,
        urgent_precision=(_ratio(tp, tp + fp) if tp + fp else None) if urgent_known else None,
        urgent_tp=tp,
        urgent_fp=fp,
        urgent_fn=fn,
        misclassified=tuple(misses),
    )


_TRUE = {"1", "true", "yes", "y", "t", "是"}
_FALSE = {"0", "false", "no", "n", "f", "否", ""}


def read_labelled_csv(path: str | os.PathLike[str]) -> list[tuple[str, str, bool | None]]:
    """Rows of a ``text,category[,urgent]`` CSV (UTF-8, header row), ready for :func:`evaluate`.

    Raises ``ValueError`` with the file, line and problem when a row cannot be read."""
    p = Path(path)
    rows: list[tuple[str, str, bool | None]] = []
    with p.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if "text" not in fields or "category" not in fields:
            raise ValueError(
                f"{p}: the header must have 'text' and 'category' columns, not {fields}."
            )
        reader.fieldnames = fields
        has_urgent = "urgent" in fields
        for row in reader:
            text = row.get("text") or ""
            cat = (row.get("category") or "").strip()
            if not cat:
                raise ValueError(f"{p}: line {reader.line_num} has no category.")
            urgent: bool | None = None
            if has_urgent:
                raw = (row.get("urgent") or "").strip().lower()
                if raw in _TRUE:
                    urgent = True
                elif raw in _FALSE:
                    urgent = False
                else:
                    raise ValueError(f"{p}: line {reader.line_num} has urgent={raw!r}; use 0 or 1.")
            rows.append((text, cat, urgent))
    return rows
