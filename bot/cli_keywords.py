"""`minhu keywords suggest`: new keywords proposed from what staff corrected;
`minhu keywords export`: the tickets staff settled, as a labelled CSV to train and
measure the classifier on (`minhu categories train`, `minhu eval`)."""

from __future__ import annotations

import argparse
import asyncio
import csv
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from bot.settings import load_settings

Row = TypeVar("Row")


def register(subparsers: argparse._SubParsersAction) -> None:
    keywords = subparsers.add_parser("keywords", help="learn keywords from staff corrections")
    actions = keywords.add_subparsers(metavar="ACTION")
    suggest = actions.add_parser(
        "suggest",
        help="propose new keywords per category, with counts, to copy into the taxonomy file",
    )
    suggest.add_argument("--top", type=int, default=10, help="at most this many per category")
    suggest.add_argument("--min-count", type=int, default=2, help="in at least this many tickets")
    suggest.add_argument("--method", choices=["tfidf", "textrank"], default="tfidf")
    suggest.set_defaults(func=run_suggest)
    export = actions.add_parser(
        "export",
        help="write the tickets staff settled as a labelled CSV (text,category,urgent) for training",
        description=(
            "Tickets whose category staff corrected or that they resolved, in the category and "
            "urgency they ended in, and tickets closed as spam or out of scope as 'other'. Train "
            "on them with the shipped sets: minhu categories train tests/nlp/data/*.csv FILE.csv "
            "(and minhu urgency train the same way)"
        ),
    )
    export.add_argument("file", metavar="FILE.csv", type=Path)
    export.set_defaults(func=run_export)


def _read(query: Callable[..., Awaitable[list[Row]]]) -> list[Row]:
    """Run one read against the configured database, from a shell (its own event loop)."""
    from storage.db import Database

    settings = load_settings()

    async def samples() -> list[Row]:
        db = Database(settings.database_url.get_secret_value())
        try:
            async with db.session() as session:
                return await query(session=session)
        finally:
            await db.dispose()

    return asyncio.run(samples())


def run_suggest(args: argparse.Namespace) -> int:
    from bot.app import load_classifier
    from nlp.suggest import suggest_keywords
    from storage.corrections import learning_samples

    settings = load_settings()
    found = _read(learning_samples)
    classifier = load_classifier(settings)
    proposals = suggest_keywords(found, classifier, top=args.top, min_count=args.min_count, method=args.method)
    print(f"{len(found)} corrected or unclassified tickets read")
    if not any(proposals.values()):
        print("no new keywords to propose yet (each must appear in at least --min-count tickets)")
        return 0
    for category, words in proposals.items():
        if words:
            name = classifier.taxonomy.name(category)
            print(f"\n{name} ({category}):")
            for word, count in words:
                print(f"  {word}  ×{count}")
    print("\nCopy the good ones into the taxonomy file (TAXONOMY_FILE) under the category's keywords.")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from storage.corrections import settled_samples

    rows = _read(settled_samples)
    with args.file.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "category", "urgent"])
        writer.writerows((text, category, int(urgent)) for text, category, urgent in rows)
    print(f"{len(rows)} tickets settled by staff written to {args.file}")
    return 0
