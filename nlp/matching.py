"""Finding terms in normalised text.

How a term matches (decided once, documented in ``nlp/README.md``):

* a term of two or more characters that is not pure ASCII matches wherever it occurs as
  a substring of the normalised message. jieba knows every such keyword (it is added to
  the tokenizer's dictionary), so a jieba token equal to the keyword is always also a
  substring: substring matching is a superset that does not depend on how jieba
  happens to cut the words around it;
* a single Chinese character (灯, 猫, 修) would match far too much as a substring (修 in
  装修, 猫 in 猫眼), so it counts only where jieba yields it as a token of its own;
* a pure-ASCII term (English words, numbers such as 120) matches whole words only, with
  ``*`` at the end of a word meaning "any ending" (``leak*``: leak, leaks, leaking).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["Occurrence", "TermIndex", "drop_contained"]

_ASCII_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_ASCII_TERM_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z]+)?\*?")


@dataclass(frozen=True, slots=True)
class Occurrence:
    term: str
    start: int
    end: int


class TermIndex:
    """An immutable index of terms; :meth:`find` lists their occurrences in a text."""

    def __init__(self, terms: Iterable[str]) -> None:
        by_bigram: dict[str, list[str]] = {}
        self._ascii_exact: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._ascii_prefix: dict[str, list[tuple[str, tuple[str, ...], str]]] = {}
        singles: set[str] = set()
        for term in dict.fromkeys(terms):
            if not term:
                continue
            if term.isascii():
                words = tuple(_ASCII_TERM_WORDS.findall(term))
                if not words:
                    continue
                first = words[0]
                if first.endswith("*"):
                    stem = first[:-1]
                    self._ascii_prefix.setdefault(stem[:2], []).append((stem, words, term))
                else:
                    self._ascii_exact.setdefault(first, []).append((words, term))
            elif len(term) == 1:
                singles.add(term)
            else:
                by_bigram.setdefault(term[:2], []).append(term)
        # terms by their first two characters, longest first
        self._by_bigram = {
            bg: tuple(sorted(ts, key=len, reverse=True)) for bg, ts in by_bigram.items()
        }
        self.single_chars = frozenset(singles)
        self._has_ascii = bool(self._ascii_exact or self._ascii_prefix)

    def find(self, text: str) -> list[Occurrence]:
        """Every occurrence of every term, ordered by start, longest first at a start."""
        out: list[Occurrence] = []
        append = out.append
        get = self._by_bigram.get
        singles = self.single_chars
        startswith = text.startswith
        for i in range(len(text)):
            terms = get(text[i : i + 2])
            if terms is not None:
                for term in terms:
                    if startswith(term, i):
                        append(Occurrence(term, i, i + len(term)))
            ch = text[i]
            if ch in singles:
                append(Occurrence(ch, i, i + 1))
        if self._has_ascii:
            ascii_hits = self._find_ascii(text)
            if ascii_hits:
                out.extend(ascii_hits)
                out.sort(key=lambda o: (o.start, -(o.end - o.start)))
        return out

    def _find_ascii(self, text: str) -> list[Occurrence]:
        words = [(m.group(), m.start(), m.end()) for m in _ASCII_WORDS.finditer(text)]
        if not words:
            return []
        out: list[Occurrence] = []
        exact = self._ascii_exact
        prefix = self._ascii_prefix
        for i, (w, start, _end) in enumerate(words):
            candidates = list(exact.get(w, ()))
            if w.endswith("'s"):  # possessive: "neighbour's" is also "neighbour"
                candidates.extend(exact.get(w[:-2], ()))
            for key in (w[:2], w[:1]):
                for stem, pattern, term in prefix.get(key, ()):
                    if w.startswith(stem):
                        candidates.append((pattern, term))
            for pattern, term in candidates:
                end = _match_words(pattern, words, i)
                if end is not None:
                    out.append(Occurrence(term, start, end))
        return out


def _match_words(pattern: tuple[str, ...], words: list[tuple[str, int, int]], i: int) -> int | None:
    if i + len(pattern) > len(words):
        return None
    for k, part in enumerate(pattern):
        w = words[i + k][0]
        if w.endswith("'s") and not part.endswith("'s"):
            w = w[:-2]
        if part.endswith("*"):
            if not w.startswith(part[:-1]):
                return None
        elif w != part:
            return None
    return words[i + len(pattern) - 1][2]


def drop_contained(
    occurrences: list[Occurrence], shields: Callable[[Occurrence], bool] | None = None
) -> list[Occurrence]:
    """Drop occurrences that lie strictly inside a longer occurrence.

    ``卫生`` inside ``卫生间``, ``养老`` inside ``养老保险``: the longer term is what the
    resident wrote. ``occurrences`` must be sorted by start, longest first at a start
    (as :meth:`TermIndex.find` returns them). ``shields`` limits which occurrences may
    hide others (default: all)."""
    kept: list[Occurrence] = []
    max_end = -1
    for occ in occurrences:
        if occ.end <= max_end:
            continue
        kept.append(occ)
        if shields is None or shields(occ):
            max_end = max(max_end, occ.end)
    return kept
