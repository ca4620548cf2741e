"""A learned second opinion on the category, blended with the rules' scores.

Every blind set told the same story: the keyword rules catch what someone wrote down and
miss the next author's way of saying it, while a supervised model trained on the few
thousand labelled messages we have generalises better on its own, and best together
with the rules (bench/category_model_eval.py measures this, training each time only on
the sets older than the one scored). So the classifier blends them: the rules' share of
the evidence for each category (their positive scores, summed to 1) and this model's
probability, `rules_share` of the one and the rest of the other.

Character 1-3-gram tf-idf (as in `nlp.urgency_model`) and a multinomial logistic
regression with L2, fitted full-batch by Adam in numpy (about 20 s for 6,400 rows).
The weights live in a JSON file next to the taxonomy; `minhu categories train` rebuilds
it from CSV files (`text,category[,urgent]`).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.urgency_model import digest, grams, model_file

DEFAULT_PATH = Path(__file__).parent / "data" / "category_model.json"
# The rules' part in the blend, and the blend's score below which the answer is `other`,
# both chosen on blind sets with bench/category_model_eval.py: close to the best accuracy,
# with half as many confident wrong answers as the rules alone.
DEFAULT_RULES_SHARE = 0.3
DEFAULT_MIN_CONFIDENCE = 0.35


@dataclass
class CategoryModel:
    classes: tuple[str, ...]
    index: dict[str, int]  # gram -> row of `idf` and `weights`
    idf: np.ndarray
    weights: np.ndarray  # grams x classes
    bias: np.ndarray
    rules_share: float = DEFAULT_RULES_SHARE
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    trained_on: str = ""

    def probabilities(self, norm: str) -> dict[str, float]:
        """P(category | text) for the classifier's normalised text."""
        rows, values = _tfidf(grams(norm), self.index, self.idf)
        z = self.bias + (values @ self.weights[rows] if len(rows) else 0.0)
        p = _softmax(z[None, :])[0]
        return {c: float(v) for c, v in zip(self.classes, p, strict=True)}

    def blend(self, rules_scores: dict[str, float], norm: str) -> tuple[dict[str, float], dict[str, float]]:
        """The rules' share of their positive evidence and the model's probability, mixed
        (where the rules saw nothing the model speaks alone); and the model's alone."""
        positive = {c: max(s, 0.0) for c, s in rules_scores.items()}
        total = sum(positive.values())
        p = self.probabilities(norm)
        if total <= 0.0:
            return p, p
        a = self.rules_share
        return {c: a * positive.get(c, 0.0) / total + (1 - a) * p.get(c, 0.0) for c in p}, p

    # files -------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        data = {
            "about": "minhu category model: char 1-3-gram tf-idf + multinomial logistic regression; "
            "rebuild with `minhu categories train`",
            "rules_share": self.rules_share,
            "min_confidence": self.min_confidence,
            "trained_on": self.trained_on,
            "classes": list(self.classes),
            "bias": [round(float(b), 4) for b in self.bias],
            "grams": {
                g: [round(float(self.idf[i]), 3), *(round(float(w), 3) for w in self.weights[i])]
                for g, i in sorted(self.index.items(), key=lambda gi: gi[1])
            },
        }
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CategoryModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        table = data["grams"]
        matrix = np.array(list(table.values()), dtype=np.float64).reshape(len(table), len(data["classes"]) + 1)
        return cls(
            classes=tuple(data["classes"]),
            index={g: i for i, g in enumerate(table)},
            idf=matrix[:, 0].copy(),
            weights=matrix[:, 1:].copy(),
            bias=np.array(data["bias"], dtype=np.float64),
            rules_share=float(data.get("rules_share", DEFAULT_RULES_SHARE)),
            min_confidence=float(data.get("min_confidence", DEFAULT_MIN_CONFIDENCE)),
            trained_on=str(data.get("trained_on", "")),
        )


def load_category_model(spec: str | Path | None = None) -> CategoryModel | None:
    """The model a setting names (see `model_file`; files come from `minhu categories train`)."""
    path = model_file(spec, DEFAULT_PATH)
    return CategoryModel.load(path) if path else None


def category_digest(rows: Sequence[tuple[str, str]]) -> str:
    return digest((f"{category}\t{text}", False) for text, category in rows)


def train(
    rows: Sequence[tuple[str, str]],
    normalise: Callable[[str], str],
    *,
    c: float = 10.0,
    steps: int = 200,
    min_df: int = 2,
    rules_share: float = DEFAULT_RULES_SHARE,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> CategoryModel:
    """Multinomial logistic regression, loss C * sum(cross-entropy) + |W|^2 / 2 (as
    scikit-learn's C), minimised full-batch by Adam. Grams in fewer than `min_df`
    messages are dropped: they are names and typos, not evidence."""
    docs = [grams(normalise(text)) for text, _ in rows]
    classes = tuple(sorted({category for _, category in rows}))
    df: Counter[str] = Counter(g for d in docs for g in d)
    n = len(docs)
    vocab = sorted(g for g, k in df.items() if k >= min_df)
    index = {g: i for i, g in enumerate(vocab)}
    idf = np.array([math.log((1 + n) / (1 + df[g])) + 1.0 for g in vocab])

    # the rows as one sparse matrix (row, column, value), rows with no known gram left out
    row_of, col_of, val_of, labels = [], [], [], []
    for d, (_, category) in zip(docs, rows, strict=True):
        cols, values = _tfidf(d, index, idf)
        if len(cols):
            row_of.append(np.full(len(cols), len(labels)))
            col_of.append(cols)
            val_of.append(values)
            labels.append(classes.index(category))
    r, col, val = np.concatenate(row_of), np.concatenate(col_of), np.concatenate(val_of)
    m, k = len(labels), len(classes)
    y = np.zeros((m, k))
    y[np.arange(m), labels] = 1.0
    row_starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    by_col = np.argsort(col, kind="stable")
    col_sorted = col[by_col]
    col_starts = np.flatnonzero(np.r_[True, col_sorted[1:] != col_sorted[:-1]])
    cols_present = col_sorted[col_starts]

    w, b = np.zeros((len(vocab), k)), np.zeros(k)
    state = [np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)]
    rate, beta1, beta2 = 0.05, 0.9, 0.999
    for step in range(1, steps + 1):
        z = np.add.reduceat(val[:, None] * w[col], row_starts, axis=0) + b
        err = (_softmax(z) - y) * c  # d loss / d z
        grad_w = w.copy()
        grad_w[cols_present] += np.add.reduceat((val[:, None] * err[r])[by_col], col_starts, axis=0)
        grad_b = err.sum(axis=0)
        for param, grad, first, second in ((w, grad_w, state[0], state[1]), (b, grad_b, state[2], state[3])):
            first *= beta1
            first += (1 - beta1) * grad
            second *= beta2
            second += (1 - beta2) * grad * grad
            param -= rate * (first / (1 - beta1**step)) / (np.sqrt(second / (1 - beta2**step)) + 1e-8)
    return CategoryModel(
        classes=classes,
        index=index,
        idf=idf,
        weights=w,
        bias=b,
        rules_share=rules_share,
        min_confidence=min_confidence,
        trained_on=category_digest(rows),
    )


def _tfidf(counts: Counter[str], index: dict[str, int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sublinear tf x idf of the known grams, L2-normalised: (rows, values)."""
    known = [(index[g], c) for g, c in counts.items() if g in index]
    if not known:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    rows = np.array([i for i, _ in known], dtype=np.int64)
    values = (1.0 + np.log(np.array([c for _, c in known], dtype=np.float64))) * idf[rows]
    return rows, values / np.linalg.norm(values)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
