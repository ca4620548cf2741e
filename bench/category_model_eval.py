"""What the learned category model adds on messages it has never seen.

    git show 4082a0f:nlp/data/taxonomy.yaml > /tmp/taxonomy-4082a0f.yaml
    .venv/bin/python bench/category_model_eval.py --taxonomy /tmp/taxonomy-4082a0f.yaml --first 16 --last 23

For each blind set holdoutN (--first <= N <= --last), trains the model only on the sets
that existed before that set was written (every labelled set except holdoutM, M >= N)
and classifies the set with the rules of --taxonomy (default today's: give the taxonomy
as it was when the sets were first run, or the rules will have seen them), then prints:
- accuracy of the rules alone, the model alone, and the blend the classifier uses;
- "confident wrong": answers that are neither right nor `other` (staff would start on
  the wrong desk), which the issue counts worse than `other`;
- a grid over the rules' share in the blend and the threshold below which it says `other`.
Prints figures; asserts nothing. About 15 s of training per set.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp import Classifier
from nlp.category_model import DEFAULT_MIN_CONFIDENCE, DEFAULT_RULES_SHARE, train
from nlp.evaluate import read_labelled_csv
from nlp.taxonomy import FALLBACK_ID

DATA = Path(__file__).resolve().parents[1] / "tests" / "nlp" / "data"
SHARES = (0.0, 0.2, 0.3, 0.4, 0.5)
THRESHOLDS = (0.0, 0.3, 0.35, 0.4, 0.5)


def holdout_number(name: str) -> int | None:
    m = re.fullmatch(r"holdout(\d+)", name)
    return int(m[1]) if m else None


def main(taxonomy: str | None, first: int, last: int) -> None:
    rules = Classifier.from_file(taxonomy, urgency_model="off", category_model="off")
    today = Classifier.from_file(None, urgency_model="off", category_model="off")  # today's spelling
    sets = {p.stem: read_labelled_csv(p) for p in sorted(DATA.glob("*.csv"))}
    targets = sorted((n for n in sets if first <= (holdout_number(n) or 0) <= last), key=holdout_number)
    totals = {"rules": [0, 0], "model": [0, 0]}
    grid = {(a, th): [0, 0] for a in SHARES for th in THRESHOLDS}  # right, confident wrong
    rows_seen, train_s = 0, []
    print(f"rules: {taxonomy or 'today'}; rules share {DEFAULT_RULES_SHARE}, threshold {DEFAULT_MIN_CONFIDENCE}")
    print("set         rules  model  blend   confident wrong: rules / blend")
    for target in targets:
        k = holdout_number(target)
        older = [(text, cat) for n, rows in sets.items() if (holdout_number(n) or 0) < k for text, cat, _ in rows]
        started = time.perf_counter()
        model = train(older, today.normalise)
        train_s.append(time.perf_counter() - started)
        right = {"rules": 0, "model": 0, "blend": 0}
        wrong = {"rules": 0, "blend": 0}
        for text, gold, _ in sets[target]:
            analysis = rules.analyse(text)
            norm = today.normalise(text)
            by_rules = analysis.classification.category
            learned = model.probabilities(norm)
            right["rules"] += by_rules == gold
            wrong["rules"] += by_rules not in (gold, FALLBACK_ID)
            right["model"] += max(learned, key=learned.__getitem__) == gold
            for a in SHARES:
                model.rules_share = a
                mixed, _ = model.blend(analysis.scores, norm)
                best = max(mixed, key=mixed.__getitem__)
                for th in THRESHOLDS:
                    answer = best if mixed[best] >= th else FALLBACK_ID
                    grid[a, th][0] += answer == gold
                    grid[a, th][1] += answer not in (gold, FALLBACK_ID)
                    if (a, th) == (DEFAULT_RULES_SHARE, DEFAULT_MIN_CONFIDENCE):
                        right["blend"] += answer == gold
                        wrong["blend"] += answer not in (gold, FALLBACK_ID)
        n = len(sets[target])
        rows_seen += n
        for key in totals:
            totals[key][0] += right[key]
        totals["rules"][1] += wrong["rules"]
        print(
            f"{target:10s} {right['rules'] / n:6.3f} {right['model'] / n:6.3f} {right['blend'] / n:6.3f}"
            f"   {wrong['rules']:3d} / {wrong['blend']:3d}"
        )
    r, m = totals["rules"], totals["model"]
    b = grid[DEFAULT_RULES_SHARE, DEFAULT_MIN_CONFIDENCE]
    print(
        f"all {rows_seen} rows: rules {r[0] / rows_seen:.4f} ({r[1]} confident wrong), model alone "
        f"{m[0] / rows_seen:.4f}, blend {b[0] / rows_seen:.4f} ({b[1]} confident wrong); "
        f"training {min(train_s):.1f}-{max(train_s):.1f} s"
    )
    print("grid: accuracy (confident wrong) by rules share (rows) and threshold (columns)")
    print("share  " + "".join(f"{th:>16}" for th in THRESHOLDS))
    for a in SHARES:
        print(f"{a:5.2f}  " + "".join(f"{grid[a, th][0] / rows_seen:9.4f} ({grid[a, th][1]:3d})" for th in THRESHOLDS))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taxonomy", default=None, help="the rules to blend with (default: today's)")
    parser.add_argument("--first", type=int, default=16, help="first blind set scored")
    parser.add_argument("--last", type=int, default=25, help="last blind set scored")
    args = parser.parse_args()
    main(args.taxonomy, args.first, args.last)
