"""Minhu's message classifier: service category, confidence, urgency and the why.

Pure functions and small classes; no Telegram framework, no database, nothing from
``bot/``, ``handlers/`` or ``storage/``.

    >>> from nlp import load_classifier
    >>> clf = load_classifier()
    >>> clf.classify("3幢电梯又坏了").category
    'repair'
"""

from nlp.classifier import Analysis, Classification, Classifier, load_classifier
from nlp.taxonomy import (
    DEFAULT_TAXONOMY,
    FALLBACK_ID,
    Category,
    Phrase,
    Rule,
    Taxonomy,
    TaxonomyError,
    UrgencyRules,
    load_taxonomy,
)

__all__ = [
    "DEFAULT_TAXONOMY",
    "FALLBACK_ID",
    "Analysis",
    "Category",
    "Classification",
    "Classifier",
    "Phrase",
    "Rule",
    "Taxonomy",
    "TaxonomyError",
    "UrgencyRules",
    "load_classifier",
    "load_taxonomy",
]
