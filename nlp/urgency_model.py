"""A second opinion on danger, learned from the labelled messages.

The taxonomy's danger phrases catch the emergencies someone wrote down; every fresh set
of messages still brings new ones (a car rolling down a slope without its handbrake, a
lock being picked next door). This model reads character 1-3-grams (tf-idf, like the
supervised baseline the issue names) with a logistic regression trained on every
labelled message, and marks a message urgent when the rules did not and it is confident.
It only ever adds urgency: the rules' look-alikes (past, drills, jokes) still stand,
because the model learned from the same labels.

Pure Python, no new dependency: a few thousand short messages train in seconds and a
message is scored in microseconds. The weights live in a JSON file next to the taxonomy;
`minhu urgency train` rebuilds it from CSV files (`text,category,urgent`).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PATH = Path(__file__).parent / "data" / "urgency_model.json"
# Chosen on the first runs of fourteen blind sets, training only on what existed before
# each (bench/urgency_model_eval.py): 0.7 caught most of the rules' misses for a handful of
# false alarms in 1,759 ordinary messages.
DEFAULT_THRESHOLD = 0.7
# From this score the model overrules the rules' judgement that a danger word was past,
# feared, a joke or a look-alike. Measured as it would have been on fourteen blind sets
# (bench/urgency_sure_eval.py), 0.8 caught 6 more of 451 emergencies and 0.95
# caught 5, neither raising a false alarm among 1,789 ordinary messages; but the
# hand-written look-alikes in the tests (a burst pipe already shut off, 0.91) need 0.95.
DEFAULT_SURE = 0.95
NGRAMS = (1, 2, 3)
_SPACES = re.compile(r"\s+")


def grams(norm: str) -> Counter[str]:
    """Character 1-3-grams of the normalised text, spaces folded to one."""
    text = _SPACES.sub(" ", norm.strip())
    counts: Counter[str] = Counter()
    for n in NGRAMS:
        for i in range(len(text) - n + 1):
            counts[text[i : i + n]] += 1
    return counts


@dataclass
class UrgencyModel:
    idf: dict[str, float]
    weights: dict[str, float]
    bias: float
    threshold: float = DEFAULT_THRESHOLD
    trained_on: str = ""  # a digest of the training rows, to tell a stale file
    sure: float = DEFAULT_SURE

    def vector(self, counts: Counter[str]) -> dict[str, float]:
        """tf-idf with sublinear tf, L2-normalised; unknown grams dropped."""
        vec = {g: (1.0 + math.log(c)) * self.idf[g] for g, c in counts.items() if g in self.idf}
        size = math.sqrt(sum(v * v for v in vec.values()))
        return {g: v / size for g, v in vec.items()} if size else {}

    def score(self, norm: str) -> float:
        """How likely the message is an emergency now, 0..1 (`norm`: the classifier's
        normalised text)."""
        z = self.bias + sum(self.weights.get(g, 0.0) * v for g, v in self.vector(grams(norm)).items())
        return _sigmoid(z)

    # files -------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        data = {
            "about": "minhu urgency model: char 1-3-gram tf-idf + logistic regression; rebuild with `minhu urgency train`",
            "threshold": self.threshold,
            "sure": self.sure,
            "trained_on": self.trained_on,
            "bias": round(self.bias, 6),
            "grams": {g: [round(self.idf[g], 4), round(self.weights.get(g, 0.0), 5)] for g in sorted(self.idf)},
        }
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> UrgencyModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        table = data["grams"]
        return cls(
            idf={g: v[0] for g, v in table.items()},
            weights={g: v[1] for g, v in table.items() if v[1]},
            bias=float(data["bias"]),
            threshold=float(data.get("threshold", DEFAULT_THRESHOLD)),
            trained_on=str(data.get("trained_on", "")),
            sure=float(data.get("sure", DEFAULT_SURE)),
        )


def model_file(spec: str | Path | None, shipped: Path) -> Path | None:
    """The file a model setting names: nothing or "" for the one shipped in nlp/data (none
    if it is missing), "off" for none, else the file given."""
    name = "" if spec is None else str(spec).strip()
    if name.lower() == "off":
        return None
    if not name:
        return shipped if shipped.exists() else None
    return Path(name)


def load_urgency_model(spec: str | Path | None = None) -> UrgencyModel | None:
    """The model a setting names (see `model_file`; files come from `minhu urgency train`)."""
    path = model_file(spec, DEFAULT_PATH)
    return UrgencyModel.load(path) if path else None


def digest(rows: Iterable[tuple[str, bool]]) -> str:
    h = hashlib.sha256()
    for text, urgent in sorted(rows):
        h.update(f"{int(urgent)}\t{text}\n".encode())
    return h.hexdigest()[:16]


def train(
    rows: Sequence[tuple[str, bool]],
    normalise: Callable[[str], str],
    *,
    c: float = 4.0,
    epochs: int = 40,
    min_df: int = 2,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = 7,
) -> UrgencyModel:
    """Logistic regression with L2 (strength 1/c per row, as in scikit-learn's C), both
    classes weighted to count equally, fitted by AdaGrad over shuffled rows. Grams seen in
    fewer than `min_df` messages are dropped: they are names and typos, not evidence."""
    docs = [grams(normalise(text)) for text, _ in rows]
    labels = [1.0 if urgent else 0.0 for _, urgent in rows]
    n = len(docs)
    df: Counter[str] = Counter(g for d in docs for g in d)
    idf = {g: math.log((1 + n) / (1 + k)) + 1.0 for g, k in df.items() if k >= min_df}
    model = UrgencyModel(idf=idf, weights={}, bias=0.0, threshold=threshold, trained_on=digest(rows))
    vectors = [model.vector(d) for d in docs]
    positives = sum(labels) or 1.0
    class_weight = {1.0: n / (2 * positives), 0.0: n / (2 * max(n - positives, 1.0))}
    w: dict[str, float] = {}
    g2: dict[str, float] = {}
    b, b2 = 0.0, 0.0
    rate, l2 = 0.5, 1.0 / (c * n)  # C * sum(loss) + |w|^2 / 2, spread over the rows
    order = list(range(n))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            x, y = vectors[i], labels[i]
            z = b + sum(w.get(f, 0.0) * v for f, v in x.items())
            err = (_sigmoid(z) - y) * class_weight[y]
            for f, v in x.items():
                grad = err * v + l2 * w.get(f, 0.0)
                g2[f] = g2.get(f, 0.0) + grad * grad
                w[f] = w.get(f, 0.0) - rate * grad / math.sqrt(g2[f] + 1e-8)
            b2 += err * err
            b -= rate * err / math.sqrt(b2 + 1e-8)
    model.weights = {f: v for f, v in w.items() if abs(v) >= 1e-5}
    model.bias = b
    return model


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))
