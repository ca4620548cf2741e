"""`minhu keywords suggest`: new keywords proposed from what staff corrected."""

from __future__ import annotations

import argparse
import asyncio

from bot.settings import load_settings


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


def run_suggest(args: argparse.Namespace) -> int:
    from bot.app import load_classifier
    from nlp.suggest import suggest_keywords
    from storage.corrections import learning_samples
    from storage.db import Database

    settings = load_settings()

    async def samples() -> list[tuple[str, str]]:
        db = Database(settings.database_url.get_secret_value())
        try:
            async with db.session() as session:
                return await learning_samples(session=session)
        finally:
            await db.dispose()

    found = asyncio.run(samples())
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
