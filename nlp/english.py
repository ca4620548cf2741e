"""English read through a glossary into the Chinese words the rules are written in.

The rules (danger combinations, lowering cues, near-neighbour rules) are written in
Chinese; writing each of them again in English would double the taxonomy and still miss
the broken English many residents write ("my son swallow a battery", "he collapse at
gate"). So the taxonomy's ``english`` table glosses English words and phrases: each match
is kept and its gloss is written right after it ("swallow吞了"), so English keywords
still count and every Chinese rule applies as well. Patterns are whole words, ``*`` at
the end of a word allows any ending, apostrophes are ignored (can't = cant), and the
longest pattern at a word wins.

A space is a clause boundary next to a Chinese character, but an English sentence is one
clause; so the space between a gloss and the next English word becomes a no-break
space, which :func:`nlp.normalize.clauses` does not split on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["NBSP", "Glossary", "pattern_words"]

NBSP = "\u00a0"
_WORD = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?")
_PATTERN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?\*?")


def pattern_words(pattern: str) -> tuple[str, ...]:
    """The words of a glossary pattern, apostrophes dropped ("can't*" -> ("cant*",))."""
    return tuple(w.replace("'", "") for w in _PATTERN_WORD.findall(pattern))


class Glossary:
    """English patterns and the Chinese each is read as."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._exact: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._prefix: dict[str, list[tuple[str, tuple[str, ...], str]]] = {}
        for pattern, gloss in pairs:
            words = pattern_words(pattern)
            if not words:
                continue
            first = words[0]
            if first.endswith("*"):
                self._prefix.setdefault(first[:2], []).append((first[:-1], words, gloss))
            else:
                self._exact.setdefault(first, []).append((words, gloss))

    def __bool__(self) -> bool:
        return bool(self._exact or self._prefix)

    def apply(self, text: str) -> str:
        words = [
            (m.group().replace("'", "").replace("\u2019", ""), m.start(), m.end())
            for m in _WORD.finditer(text)
        ]
        if not words:
            return text
        out: list[str] = []
        pos = 0
        glued = False  # the last thing written was a gloss
        i = 0
        while i < len(words):
            start = words[i][1]
            gap = text[pos:start]
            if glued and gap and gap.strip(" ") == "":
                gap = NBSP
            out.append(gap)
            n, gloss = self._longest(words, i, text)
            end = words[i + n - 1][2]
            out.append(text[start:end])
            if gloss:
                out.append(gloss)
            glued = bool(gloss)
            pos = end
            i += n
        out.append(text[pos:])
        return "".join(out)

    def _longest(self, words: list[tuple[str, int, int]], i: int, text: str) -> tuple[int, str]:
        word = words[i][0]
        candidates = list(self._exact.get(word, ()))
        for stem, pattern, gloss in self._prefix.get(word[:2], ()):
            if word.startswith(stem):
                candidates.append((pattern, gloss))
        best_n, best_gloss = 0, ""
        for pattern, gloss in candidates:
            if len(pattern) > best_n and _matches(pattern, words, i, text):
                best_n, best_gloss = len(pattern), gloss
        return max(best_n, 1), best_gloss


def _matches(pattern: tuple[str, ...], words: list[tuple[str, int, int]], i: int, text: str) -> bool:
    if i + len(pattern) > len(words):
        return False
    for k, part in enumerate(pattern):
        word, start, _ = words[i + k]
        # the words of a phrase stand next to each other: only spaces between them
        if k and text[words[i + k - 1][2] : start].strip(" ") != "":
            return False
        if part.endswith("*"):
            if not word.startswith(part[:-1]):
                return False
        elif word != part:
            return False
    return True
