"""Text normalisation shared by the classifier, the taxonomy loader and suggestions.

Every piece of text (messages and keywords alike) goes through the same steps, so a
keyword written in any form matches a message written in any form:

1. lone surrogates and control/format characters (NUL, zero-width joiners, bidi marks)
   become spaces: they carry no meaning and some C libraries choke on them;
2. Unicode NFKC folds full-width forms (ＡＢＣ１２３！) to ASCII;
3. ``casefold`` folds case (English keywords are lower case);
4. OpenCC ``t2s`` turns traditional characters into simplified ones;
5. a message spelt out one character at a time (``学 校 收 费``: four or more Chinese
   characters each followed by one space) is joined up again (``学校收费``); a space
   between words is a clause boundary, which would cut every word in two.

The taxonomy's ``spelling`` table (common typos and homophones) is applied afterwards by
the classifier, because it belongs to the taxonomy, not to the language.
"""

from __future__ import annotations

import re
import threading
import unicodedata

import opencc

__all__ = ["clauses", "fold", "is_ascii_word", "normalise_text"]

# Characters that carry no meaning and upset C libraries (OpenCC wants valid UTF-8, no
# NUL): C0/C1 controls except tab and newline, zero-width and bidi format characters,
# line/paragraph separators, BOM and specials, private use, and lone surrogates.
_JUNK = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\ufff0-\ufffb\ue000-\uf8ff\ud800-\udfff]"
)

_converter_lock = threading.Lock()
_converter: opencc.OpenCC | None = None


def _t2s() -> opencc.OpenCC:
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                _converter = opencc.OpenCC("t2s")
    return _converter


def _strip_controls(text: str) -> str:
    return _JUNK.sub(" ", text)


_SPACED_OUT = re.compile(r"[\u3400-\u9fff](?: [\u3400-\u9fff]){3,}")


def _join_spaced_out(text: str) -> str:
    if " " not in text:
        return text
    return _SPACED_OUT.sub(lambda m: m.group().replace(" ", ""), text)


def fold(text: str) -> str:
    """Controls out, NFKC, casefold, traditional -> simplified, spaced-out characters
    joined (no typo table)."""
    text = _strip_controls(text)
    text = unicodedata.normalize("NFKC", text).casefold()
    # NFKC/casefold can produce new control characters only in theory; OpenCC needs
    # valid UTF-8 without NUL, which _strip_controls guarantees.
    return _join_spaced_out(_t2s().convert(text))


def normalise_text(text: str) -> str:
    """Alias of :func:`fold`, named for readers who look for "normalise"."""
    return fold(text)


def is_ascii_word(term: str) -> bool:
    """True for keywords written in ASCII (English words, numbers like 120, "hpv")."""
    return term.isascii()


# Clause boundaries: any run of characters that are neither word characters nor spaces
# (punctuation, emoji, symbols), and spaces next to a non-ASCII character. Spaces
# between two ASCII words do not split, so an English sentence stays one clause; nor does
# the no-break space the English glossary puts after a gloss (fold turns a resident's
# own no-break spaces into plain ones).
_CLAUSE_SPLIT = re.compile(
    r"\s*[^\w\s]+\s*|\n+|(?<=[^\x00-\x7f])[^\S\u00a0]+|[^\S\u00a0]+(?=[^\x00-\x7f])|_+"
)


def clauses(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the clauses of a normalised text, in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _CLAUSE_SPLIT.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = max(pos, m.end())
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans
