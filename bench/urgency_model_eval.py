"""What the learned second opinion on danger adds on messages it has never seen.

    .venv/bin/python bench/urgency_model_eval.py [--thresholds 0.5,0.6,0.7,0.8,0.9] [--taxonomy FILE]

For each blind set with a kept first run (tests/nlp/data/holdoutN-first-run.txt, N >= 10),
trains the model only on the sets that existed before that set was written (every set
except holdoutM for M >= N), then counts, on that set:
- the emergencies the rules missed on their first run that the model would have flagged;
- the ordinary messages (urgent = 0) the rules left alone that the model would flag.
So the figures are what the model would have added on the day, not on seen messages.
"raw" counts every score; "in the product" only messages where the rules (of --taxonomy,
default today's) saw no danger word and no look-alike, as the classifier consults it.
Also prints the training time and the scoring speed. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp import Classifier, load_classifier
from nlp.evaluate import read_labelled_csv
from nlp.urgency_model import DEFAULT_PATH, UrgencyModel, train

DATA = Path(__file__).resolve().parents[1] / "tests" / "nlp" / "data"
SHIPPED = UrgencyModel.load(DEFAULT_PATH).threshold
MISS = re.compile(r"^\s+\[(?P<tags>.*?)\] (?P<text>.*?)   why:")


def first_run(name: str) -> tuple[set[str], set[str]]:
    """The texts the rules missed as emergencies, and their false alarms, on the first run."""
    missed, alarms = set(), set()
    for line in (DATA / f"{name}-first-run.txt").read_text(encoding="utf-8").splitlines():
        m = MISS.match(line)
        if m and "urgent missed" in m["tags"]:
            missed.add(m["text"])
        elif m and "false urgent" in m["tags"]:
            alarms.add(m["text"])
    return missed, alarms


def holdout_number(name: str) -> int | None:
    m = re.fullmatch(r"holdout(\d+)", name)
    return int(m[1]) if m else None


def consulted(clf: Classifier, text: str) -> bool:
    """Whether the classifier would ask the model: a classifier whose model says 1.0 to
    everything tells it by marking the message urgent although the rules did not."""
    return clf.classify(text).urgent and not Classifier(clf.taxonomy).classify(text).urgent


def main(thresholds: list[float], taxonomy: str | None) -> None:
    clf = load_classifier(urgency_model="off")
    probe = Classifier(load_classifier(taxonomy).taxonomy, urgency_model=UrgencyModel({}, {}, 60.0, 0.5))
    sets = {p.stem: [(t, bool(u)) for t, _, u in read_labelled_csv(p)] for p in sorted(DATA.glob("*.csv"))}
    targets = sorted((n for n in sets if (holdout_number(n) or 0) >= 10 and (DATA / f"{n}-first-run.txt").exists()), key=holdout_number)
    caught = {(t, g): 0 for t in thresholds for g in (False, True)}
    added = {(t, g): 0 for t in thresholds for g in (False, True)}
    missed_total = ordinary = 0
    train_s = []
    per_set = []  # at the shipped threshold: missed, flagged raw, flagged in the product, false alarms
    for target in targets:
        k = holdout_number(target)
        rows = [r for n, rs in sets.items() if (holdout_number(n) or 0) < k for r in rs]
        started = time.perf_counter()
        model = train(rows, clf.normalise)
        train_s.append(time.perf_counter() - started)
        missed, alarms = first_run(target)
        row = [target, len(missed), 0, 0, 0]
        for text, urgent in sets[target]:
            p = model.score(clf.normalise(text))
            asked = consulted(probe, text)
            if text in missed:
                missed_total += 1
                for t in thresholds:
                    caught[t, False] += p >= t
                    caught[t, True] += asked and p >= t
                row[2] += p >= SHIPPED
                row[3] += asked and p >= SHIPPED
            elif not urgent:
                ordinary += 1
                for t in thresholds:
                    added[t, False] += text not in alarms and p >= t
                    added[t, True] += text not in alarms and asked and p >= t
                row[4] += text not in alarms and asked and p >= SHIPPED
        per_set.append(row)
    print(f"{len(targets)} blind sets ({', '.join(targets)}); training {min(train_s):.1f}-{max(train_s):.1f} s each")
    print(f"per set at the shipped threshold {SHIPPED}: missed on first run / flagged raw / in the product / false alarms in the product")
    for name, *figures in per_set:
        print(f"  {name:10s} " + " / ".join(str(int(f)) for f in figures))
    print(f"of {missed_total} emergencies the rules missed on first runs, and {ordinary} ordinary messages:")
    for t in thresholds:
        print(f"threshold {t:.2f}: raw: flags {caught[t, False]}, {added[t, False]} false alarms; "
              f"in the product: flags {caught[t, True]}, {added[t, True]} false alarms")

    model = train([r for rs in sets.values() for r in rs], clf.normalise)
    texts = [t for t, _ in sets["requests-dev"]]
    norms = [clf.normalise(t) for t in texts]
    started = time.perf_counter()
    for _ in range(5):
        for norm in norms:
            model.score(norm)
    per = (time.perf_counter() - started) / (5 * len(norms))
    long = clf.normalise("3幢电梯又坏了，楼道里黑漆漆的。" * 256)[:4096]
    started = time.perf_counter()
    for _ in range(20):
        model.score(long)
    print(f"scoring: {per * 1e6:.0f} µs per dev-set message, {(time.perf_counter() - started) / 20 * 1e3:.1f} ms per 4,096 characters; "
          f"{len(model.idf)} grams, {len(model.weights)} weights")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--thresholds", default="0.5,0.6,0.7,0.8,0.9")
    parser.add_argument("--taxonomy", default=None, help="the rules that decide when the model is asked")
    args = parser.parse_args()
    main([float(x) for x in args.thresholds.split(",")], args.taxonomy)
