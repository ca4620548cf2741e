"""How fast is the classifier? Prints figures and ratios; never part of the test verdict.

    python bench/classify_speed.py [--repeat N] [--json]

1. Throughput: messages per second of the whole ``Classifier.classify()`` against bare
   ``jieba.lcut`` on the same messages in the same run (the dev set, then 4,096-character
   messages), and their ratio.
2. Cold start, each in a fresh Python subprocess: ``import nlp``, loading the taxonomy,
   the first answer that needs no jieba, the first answer that needs jieba's dictionary,
   and the rest of ``warm_up()`` (the index of words by sound for pinyin messages);
   once with jieba's dictionary cache in place ("warm cache") and once with an empty
   temp dir ("no cache", as after a reboot that cleared /tmp).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEV = ROOT / "tests" / "nlp" / "data" / "requests-dev.csv"
LONG_CHARS = 4096


def messages() -> tuple[list[str], list[str]]:
    with DEV.open(encoding="utf-8") as fh:
        short = [row["text"] for row in csv.DictReader(fh)]
    blob = " ".join(short)
    longs = []
    for k in range(8):  # eight different 4,096-character messages
        start = (k * 997) % len(blob)
        text = (blob[start:] + " " + blob)[:LONG_CHARS]
        longs.append(text)
    # and one without any spaces or punctuation (one giant clause)
    longs.append("".join(ch for ch in blob if ch.strip() and ch.isalnum())[:LONG_CHARS])
    return short, longs


def rate(fn, items: list[str], repeat: int) -> float:
    """Best-of-``repeat`` messages per second."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for text in items:
            fn(text)
        best = min(best, time.perf_counter() - start)
    return len(items) / best


def throughput(repeat: int) -> dict[str, dict[str, float]]:
    import jieba

    from nlp import load_classifier

    clf = load_classifier()
    clf.warm_up()
    jieba.initialize()
    short, longs = messages()
    for text in short[:20] + longs[:2]:  # warm caches and branch predictors
        clf.classify(text)
        jieba.lcut(text)
    out: dict[str, dict[str, float]] = {}
    for name, items in (("dev set (short)", short), (f"{LONG_CHARS}-char messages", longs)):
        c = rate(clf.classify, items, repeat)
        j = rate(jieba.lcut, items, repeat)
        j_nohmm = rate(lambda t: jieba.lcut(t, HMM=False), items, repeat)
        out[name] = {
            "messages": len(items),
            "classify_per_s": c,
            "jieba_lcut_per_s": j,
            "jieba_lcut_nohmm_per_s": j_nohmm,
            "classify_ms": 1000 / c,
            "jieba_lcut_ms": 1000 / j,
            "ratio_classify_time_over_lcut": j / c,
        }
    return out


COLD = r"""
import json, sys, time
t0 = time.perf_counter()
import nlp
t1 = time.perf_counter()
clf = nlp.load_classifier()
t2 = time.perf_counter()
r1 = clf.classify("3幢电梯又坏了 麻烦尽快来修")   # no single-character keyword: no jieba needed
t3 = time.perf_counter()
needed_jieba_before = clf.ready
r2 = clf.classify("那个灯又不亮了")              # 灯: jieba decides, dictionary loads now
t4 = time.perf_counter()
clf.warm_up()                                   # jieba is loaded: builds the pinyin index
t5 = time.perf_counter()
assert r1.category == "repair" and r2.category == "repair" and not needed_jieba_before
print(json.dumps({
    "import_nlp_s": t1 - t0,
    "load_taxonomy_s": t2 - t1,
    "first_answer_without_jieba_s": t3 - t2,
    "first_answer_needing_jieba_s": t4 - t3,
    "pinyin_index_s": t5 - t4,
    "import_to_first_answer_s": t3 - t0,
    "import_to_jieba_ready_s": t4 - t0,
}))
"""


def cold_start(tmpdir: str | None) -> dict[str, float]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if tmpdir is not None:
        env["TMPDIR"] = tmpdir  # jieba writes and reads its cache in tempfile.gettempdir()
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", COLD], env=env, capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - start
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    data["process_wall_s"] = wall
    return data


def cold_starts(runs: int) -> dict[str, dict[str, float]]:
    results: dict[str, list[dict[str, float]]] = {"warm cache": [], "no cache": []}
    cold_start(None)  # make sure the default cache exists
    for _ in range(runs):
        results["warm cache"].append(cold_start(None))
        with tempfile.TemporaryDirectory() as empty:
            results["no cache"].append(cold_start(empty))
    return {
        name: {k: statistics.median(r[k] for r in rs) for k in rs[0]}
        for name, rs in results.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing repeats (best of)")
    parser.add_argument(
        "--cold-runs", type=int, default=3, help="subprocess runs per case (median)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    tp = throughput(args.repeat)
    cs = cold_starts(args.cold_runs)
    if args.json:
        print(json.dumps({"throughput": tp, "cold_start": cs}, indent=2))
        return 0

    print(f"Python {sys.version.split()[0]} on {sys.platform}")
    print(f"\nThroughput (best of {args.repeat})")
    print(
        f"{'messages':<22} {'classify/s':>11} {'lcut/s':>9} {'lcut(noHMM)/s':>14}"
        f" {'classify ms':>12} {'lcut ms':>8} {'ratio':>6}"
    )
    for name, r in tp.items():
        print(
            f"{name:<22} {r['classify_per_s']:>11.0f} {r['jieba_lcut_per_s']:>9.0f}"
            f" {r['jieba_lcut_nohmm_per_s']:>14.0f} {r['classify_ms']:>12.3f}"
            f" {r['jieba_lcut_ms']:>8.3f} {r['ratio_classify_time_over_lcut']:>6.2f}"
        )
    print("ratio = time of classify() / time of jieba.lcut() on the same messages")

    print(f"\nCold start in a fresh process (median of {args.cold_runs}), seconds")
    keys = [
        "import_nlp_s",
        "load_taxonomy_s",
        "first_answer_without_jieba_s",
        "first_answer_needing_jieba_s",
        "pinyin_index_s",
        "import_to_first_answer_s",
        "import_to_jieba_ready_s",
        "process_wall_s",
    ]
    print(f"{'':<32}" + "".join(f"{name:>14}" for name in cs))
    for k in keys:
        print(f"{k:<32}" + "".join(f"{cs[name][k]:>14.3f}" for name in cs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
