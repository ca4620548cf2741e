"""``minhu classify``, ``minhu eval``, ``minhu urgency train`` and ``minhu categories
train``: the classifier from the command line.

``bot/cli.py`` builds the ``minhu`` parser and calls :func:`register`. The taxonomy is
``--taxonomy FILE``, else the ``TAXONOMY_FILE`` environment variable, else the default
shipped in ``nlp/``; the learned second opinions are ``URGENCY_MODEL_FILE`` and
``CATEGORY_MODEL_FILE`` (a file, or ``off``), else the ones shipped in ``nlp/data``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from nlp import Classifier, TaxonomyError, category_model, urgency_model
from nlp.evaluate import evaluate, read_labelled_csv

__all__ = ["main", "register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``classify`` and ``eval`` subcommands."""
    p = subparsers.add_parser(
        "classify",
        help="classify one message: category, confidence, urgent and why",
        description="Classify one resident message with the keyword classifier.",
    )
    p.add_argument("text", help='the message, e.g. "3幢电梯又坏了"')
    _common(p)
    p.set_defaults(func=run_classify)

    e = subparsers.add_parser(
        "eval",
        help="measure the classifier on a labelled CSV (text,category[,urgent])",
        description=(
            "Accuracy, macro-F1, per-category precision and recall, the most common "
            "confusions, urgent recall and precision, and the misclassified rows."
        ),
    )
    e.add_argument("file", metavar="FILE.csv", help="UTF-8 CSV with columns text,category[,urgent]")
    e.add_argument(
        "--max-rows", type=int, default=100, help="misclassified rows to print (text report)"
    )
    _common(e)
    e.set_defaults(func=run_eval)

    u = subparsers.add_parser("urgency", help="the learned second opinion on danger")
    uc = u.add_subparsers(required=True, metavar="train")
    t = uc.add_parser(
        "train",
        help="train it on labelled CSVs (text,category,urgent) and write the model file",
        description="Train the urgency model on every row of the given CSVs and write it as JSON.",
    )
    t.add_argument("files", nargs="+", metavar="FILE.csv")
    default = urgency_model.DEFAULT_PATH
    t.add_argument("--out", type=Path, default=default, help=f"where to write it (default: {default})")
    t.add_argument(
        "--threshold", type=float, default=urgency_model.DEFAULT_THRESHOLD, help="score from which a message is urgent"
    )
    t.add_argument(
        "--sure",
        type=float,
        default=urgency_model.DEFAULT_SURE,
        help="score from which it overrules the rules' judgement that a danger was past, feared or a look-alike",
    )
    t.add_argument("--taxonomy", metavar="FILE", default=None, help="taxonomy whose spelling table normalises the text")
    t.set_defaults(func=run_train)

    c = subparsers.add_parser("categories", help="the learned second opinion on the category")
    cc = c.add_subparsers(required=True, metavar="train")
    t = cc.add_parser(
        "train",
        help="train it on labelled CSVs (text,category[,urgent]) and write the model file",
        description=(
            "Train the category model on every row of the given CSVs (their categories must be "
            "the taxonomy's) and write it as JSON."
        ),
    )
    t.add_argument("files", nargs="+", metavar="FILE.csv")
    default = category_model.DEFAULT_PATH
    t.add_argument("--out", type=Path, default=default, help=f"where to write it (default: {default})")
    t.add_argument(
        "--min-confidence",
        type=float,
        default=category_model.DEFAULT_MIN_CONFIDENCE,
        help="blended score below which the category is 'other'",
    )
    t.add_argument(
        "--rules-share",
        type=float,
        default=category_model.DEFAULT_RULES_SHARE,
        help="the rules' part in the blend with the model, 0..1",
    )
    t.add_argument("--taxonomy", metavar="FILE", default=None, help="taxonomy whose categories and spelling it uses")
    t.set_defaults(func=run_train_categories)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--taxonomy",
        metavar="FILE",
        default=None,
        help="taxonomy YAML/TOML file (default: $TAXONOMY_FILE, else the one shipped in nlp/)",
    )
    p.add_argument(
        "--min-confidence",
        type=float,
        default=None,
        help="below this confidence the category is 'other' (default: the category model's, "
        "or the taxonomy's when the model is off)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def _classifier(args: argparse.Namespace) -> Classifier:
    path = args.taxonomy or os.environ.get("TAXONOMY_FILE") or None
    return Classifier.from_file(
        path,
        min_confidence=args.min_confidence,
        urgency_model=os.environ.get("URGENCY_MODEL_FILE"),
        category_model=os.environ.get("CATEGORY_MODEL_FILE"),
    )


def _fail(message: str, err: TextIO | None = None) -> int:
    print(f"minhu: {message}", file=err or sys.stderr)
    return 2


def run_classify(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        clf = _classifier(args)
    except (TaxonomyError, ValueError) as exc:
        return _fail(str(exc))
    result = clf.classify(args.text)
    tax = clf.taxonomy
    if args.json:
        payload = {
            "category": result.category,
            "name_zh": tax.name(result.category, "zh"),
            "name_en": tax.name(result.category, "en"),
            "confidence": result.confidence,
            "urgent": result.urgent,
            "keywords": list(result.keywords),
            "urgent_keywords": list(result.urgent_keywords),
        }
        print(json.dumps(payload, ensure_ascii=False), file=out)
        return 0
    why = "、".join(result.keywords) or "—"
    urgent = f"是 YES（{'、'.join(result.urgent_keywords)}）" if result.urgent else "否 no"
    print(f"类别 category:    {tax.name(result.category, 'zh')} ({result.category})", file=out)
    print(f"置信度 confidence: {result.confidence:.2f}", file=out)
    print(f"紧急 urgent:      {urgent}", file=out)
    print(f"依据 why:         {why}", file=out)
    return 0


def run_eval(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        clf = _classifier(args)
    except (TaxonomyError, ValueError) as exc:
        return _fail(str(exc))
    try:
        rows = read_labelled_csv(args.file)
    except FileNotFoundError:
        return _fail(f"{args.file}: file not found.")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return _fail(str(exc))
    unknown = sorted({gold for _, gold, _ in rows} - set(clf.taxonomy.ids))
    if unknown:
        print(
            f"minhu: warning: {args.file} uses categories not in the taxonomy: {', '.join(unknown)}",
            file=sys.stderr,
        )
    clf.warm_up()
    report = evaluate(clf, rows)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False), file=out)
    else:
        print(report.format_text(max_rows=args.max_rows), file=out)
    return 0


def run_train(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if not 0.0 < args.threshold <= args.sure <= 1.0:
        return _fail("--threshold and --sure must be between 0 and 1, --sure at least --threshold.")
    try:
        clf = _bare_classifier(args)
        rows = [(text, bool(urgent)) for f in args.files for text, _, urgent in read_labelled_csv(f)]
    except FileNotFoundError as exc:
        return _fail(f"{exc.filename}: file not found.")
    except (TaxonomyError, OSError, UnicodeDecodeError, ValueError) as exc:
        return _fail(str(exc))
    urgent = sum(u for _, u in rows)
    if not urgent or urgent == len(rows):
        return _fail("the files need both urgent and ordinary rows (an urgent column of 0 and 1).")
    model = urgency_model.train(rows, clf.normalise, threshold=args.threshold)
    model.sure = args.sure
    model.save(args.out)
    print(
        f"trained on {len(rows)} rows ({urgent} urgent): {len(model.idf)} grams; "
        f"threshold {args.threshold}, sure {args.sure}",
        file=out,
    )
    print(f"written: {args.out}", file=out)
    return 0


def run_train_categories(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if not 0.0 <= args.min_confidence < 1.0 or not 0.0 <= args.rules_share <= 1.0:
        return _fail("--min-confidence and --rules-share must be between 0 and 1.")
    try:
        clf = _bare_classifier(args)
        rows = [(text, category) for f in args.files for text, category, _ in read_labelled_csv(f)]
    except FileNotFoundError as exc:
        return _fail(f"{exc.filename}: file not found.")
    except (TaxonomyError, OSError, UnicodeDecodeError, ValueError) as exc:
        return _fail(str(exc))
    seen = {category for _, category in rows}
    if seen != set(clf.taxonomy.ids):
        unknown, absent = sorted(seen - set(clf.taxonomy.ids)), sorted(set(clf.taxonomy.ids) - seen)
        return _fail(f"every category needs examples, and only the taxonomy's: unknown {unknown}, without rows {absent}.")
    model = category_model.train(
        rows, clf.normalise, min_confidence=args.min_confidence, rules_share=args.rules_share
    )
    model.save(args.out)
    print(f"trained on {len(rows)} rows in {len(seen)} categories: {len(model.index)} grams", file=out)
    print(f"written: {args.out}", file=out)
    return 0


def _bare_classifier(args: argparse.Namespace) -> Classifier:
    """The rules alone, for their normalisation and categories."""
    path = args.taxonomy or os.environ.get("TAXONOMY_FILE") or None
    return Classifier.from_file(path, urgency_model="off", category_model="off")


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point until ``bot/cli.py`` exists: ``python -m bot.cli_nlp eval FILE``."""
    parser = argparse.ArgumentParser(prog="minhu")
    register(parser.add_subparsers(required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
