"""Japanese and Korean words read as the Chinese the rules are written in.

Foreign residents mix their own language into simple Chinese ("ガス臭い 味道很大",
"불이야!! 对面楼"). Like the English glossary, the taxonomy's ``foreign`` table writes
the Chinese gloss right after each word it knows ("불이야着火了"), so every Chinese rule
applies. Japanese and Korean put particles and endings straight onto a word, so words
are found anywhere in the text, not as whole words, longest first.

Only a message with kana or Hangul in it is read this way: a Japanese word written in
kanji alone (火事) would otherwise be looked for in every Chinese message.

Korean puts spaces between words, where a space next to a Chinese character would cut a
clause; a space next to Hangul becomes a no-break space, so a Korean sentence stays one
clause as an English one does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nlp.english import NBSP

__all__ = ["ForeignGlossary", "has_kana_or_hangul"]

_KANA_HANGUL = re.compile("[\u3040-\u30ff\u31f0-\u31ff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_SPACE_BY_HANGUL = re.compile(f"(?<=[{_HANGUL}]) +| +(?=[{_HANGUL}])")


def has_kana_or_hangul(text: str) -> bool:
    return _KANA_HANGUL.search(text) is not None


class ForeignGlossary:
    """Japanese and Korean words (folded) and the Chinese each is read as."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._gloss = dict(pairs)
        words = sorted(self._gloss, key=len, reverse=True)
        self._re = re.compile("|".join(map(re.escape, words))) if words else None

    def __bool__(self) -> bool:
        return self._re is not None

    def apply(self, text: str) -> str:
        if self._re is None or not has_kana_or_hangul(text):
            return text
        text = self._re.sub(lambda m: m.group() + self._gloss[m.group()], text)
        return _SPACE_BY_HANGUL.sub(NBSP, text)
