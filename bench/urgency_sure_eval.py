"""When the learned urgency model should overrule the rules' "past / feared / look-alike".

    .venv/bin/python bench/urgency_sure_eval.py [--sure 0.7,0.8,0.9,0.95]

For each blind set from holdout16 on, classifies it with the rules as they were when it
was first run (the taxonomy at the commit of the day, read with `git show`, so run it in a
clone with history) and a model trained only on the sets older than it, as the product
consulted it then (only where the rules saw no danger word and no look-alike, at 0.6);
then counts what a `sure` score would add: messages the rules had judged past, feared or
a look-alike that the model scores at least that high. Prints emergencies caught and
false alarms among ordinary messages, per set and in all. Asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp import Classifier, TaxonomyError
from nlp.evaluate import read_labelled_csv
from nlp.urgency_model import train

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "nlp" / "data"
# the rules each set was first run with
RULES_OF_THE_DAY = {
    **dict.fromkeys(range(16, 24), "4082a0f"),
    24: "2e33915",
    25: "2e33915",
    **dict.fromkeys(range(26, 30), "fca4687"),
    **dict.fromkeys(range(30, 34), "945056b"),
    **dict.fromkeys(range(34, 38), "d491043"),
    **dict.fromkeys(range(38, 42), "845456a"),
    **dict.fromkeys(range(42, 46), "32d6e2e"),
    **dict.fromkeys(range(46, 50), "a51238e"),
    **dict.fromkeys(range(54, 58), "825f749"),
    **dict.fromkeys(range(58, 62), "f0ef8de"),
    **dict.fromkeys(range(62, 66), "e7571ee"),
    **dict.fromkeys(range(66, 70), "78f0fcb"),
    **dict.fromkeys(range(70, 74), "ffaec38"),  # landed as ffaec38 (7435e4e before)
    **dict.fromkeys(range(74, 78), "554a23e"),
    **dict.fromkeys(range(78, 82), "04c0e32"),
    **dict.fromkeys(range(82, 86), "384d64c"),
    **dict.fromkeys(range(86, 90), "c0f6b87"),
    **dict.fromkeys(range(90, 94), "5fb9516"),
}


def holdout_number(name: str) -> int:
    m = re.fullmatch(r"holdout(\d+)", name)
    return int(m[1]) if m else 0


def rules_at(commit: str, folder: Path) -> Classifier:
    text = subprocess.run(
        ["git", "show", f"{commit}:nlp/data/taxonomy.yaml"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    path = folder / f"taxonomy-{commit}.yaml"
    while True:
        path.write_text(text, encoding="utf-8")
        try:
            return Classifier.from_file(path, urgency_model="off", category_model="off")
        except TaxonomyError as e:
            # a foreign word that today's loader rejects because the spelling table reads it
            # first never matched then either: dropping it changes nothing
            dead = re.search(r"foreign '([^']+)'.*could never match", str(e))
            if not dead:
                raise
            text = re.sub(rf"(?m)^  {re.escape(dead[1])}: .*\n", "", text)


def main(sures: list[float]) -> None:
    today = Classifier.from_file(None, urgency_model="off", category_model="off")
    sets = {p.stem: read_labelled_csv(p) for p in sorted(DATA.glob("*.csv"))}
    urgent = ordinary = caught = alarms = 0
    more = dict.fromkeys(sures, 0)
    more_alarms = dict.fromkeys(sures, 0)
    with tempfile.TemporaryDirectory() as folder:
        rules = {c: rules_at(c, Path(folder)) for c in set(RULES_OF_THE_DAY.values())}
        print("set        emergencies  caught then  false alarms then  +caught / +false alarms at " + ", ".join(map(str, sures)))
        for k, commit in sorted(RULES_OF_THE_DAY.items()):
            name = f"holdout{k}"
            if name not in sets:
                continue
            model = train([(t, bool(u)) for n, rows in sets.items() if holdout_number(n) < k for t, _, u in rows], today.normalise, threshold=0.6)
            model.sure = 2.0  # never: the product of the day
            product = Classifier(rules[commit].taxonomy, urgency_model=model)
            row = [0, 0, 0] + [0] * (2 * len(sures))
            for text, _, gold in sets[name]:
                flagged = product.classify(text).urgent
                score = model.score(today.normalise(text))
                row[0] += bool(gold)
                row[1 if gold else 2] += flagged
                for i, s in enumerate(sures):
                    if not flagged and score >= s:
                        row[3 + 2 * i + (0 if gold else 1)] += 1
            urgent += row[0]
            caught += row[1]
            alarms += row[2]
            ordinary += sum(1 for *_, g in sets[name] if not g)
            for i, s in enumerate(sures):
                more[s] += row[3 + 2 * i]
                more_alarms[s] += row[4 + 2 * i]
            extra = "  ".join(f"+{row[3 + 2 * i]} / +{row[4 + 2 * i]}" for i in range(len(sures)))
            print(f"{name:10s} {row[0]:11d} {row[1]:12d} {row[2]:18d}  {extra}", flush=True)
    print(f"all: {caught} of {urgent} emergencies caught by the product of the day ({caught / urgent:.3f}), {alarms} false alarms in {ordinary} ordinary messages")
    for s in sures:
        print(f"sure {s}: {caught + more[s]} of {urgent} ({(caught + more[s]) / urgent:.3f}), {alarms + more_alarms[s]} false alarms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sure", default="0.7,0.8,0.9,0.95")
    main([float(x) for x in parser.parse_args().sure.split(",")])
