"""Keyword classifier: which service must act on a message, and is someone in danger now.

``Classifier.classify`` is synchronous, pure and thread-safe, and never raises on a
``str``. It works on the normalised text (see :mod:`nlp.normalize` and the taxonomy's
``spelling`` table) in these steps:

1. find every category keyword (see :mod:`nlp.matching` for how a term matches) and
   drop those that lie inside a longer keyword (卫生 inside 卫生间);
2. drop keywords negated in their clause (``不是要报修``: a cue from ``negation.cues``
   at most ``negation.window`` characters before the keyword, with no contrast word
   such as 只是/但是 in between);
3. score each category: the sum of the weights of its distinct keywords, its matching
   phrases and the near-neighbour rules that fire;
4. confidence = share x strength, where share = top / (top + runner-up) and
   strength = 1 - exp(-top / confidence_scale); below ``min_confidence`` the answer is
   ``other`` (staff triage it by hand);
5. urgency is decided separately by the taxonomy's ``urgency`` rules (see
   :class:`nlp.taxonomy.UrgencyRules`), in any category.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import math
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jieba

from nlp.matching import Occurrence, TermIndex, drop_contained
from nlp.normalize import clauses, fold
from nlp.taxonomy import FALLBACK_ID, Phrase, Taxonomy, load_taxonomy

__all__ = ["Analysis", "Classification", "Classifier", "load_classifier"]

_log = logging.getLogger(__name__)

# jieba segments single characters; a window this wide either side of the character
# decides its token exactly as segmenting the whole clause would, in practice.
_JIEBA_WINDOW = 6


@dataclass(frozen=True)
class Classification:
    category: str
    """A taxonomy id; ``"other"`` when below the confidence threshold."""
    confidence: float
    """0..1. For ``other`` chosen by the threshold, the (low) confidence of the best guess."""
    urgent: bool
    keywords: tuple[str, ...]
    """The matched keywords/phrases that decided the category, strongest first."""
    urgent_keywords: tuple[str, ...] = ()
    """What made it urgent; ``()`` when not urgent."""


@dataclass(frozen=True)
class Analysis:
    """Everything the classifier saw, for explanations, evaluation and tuning."""

    text: str
    normalised: str
    scores: dict[str, float]
    evidence: dict[str, tuple[tuple[str, float], ...]]
    negated: tuple[str, ...]
    best: str
    confidence: float
    classification: Classification
    danger: tuple[str, ...] = field(default=())
    """Danger terms found, live or lowered (urgent_keywords has only the live ones)."""


class _Roles:
    """Which role(s) each auxiliary term plays (cue, danger term, phrase part...)."""

    def __init__(self) -> None:
        self.terms: dict[str, set[str]] = {}

    def add(self, role: str, terms: Iterable[str]) -> None:
        for t in terms:
            self.terms.setdefault(t, set()).add(role)


class Classifier:
    """Classifies resident messages with a :class:`~nlp.taxonomy.Taxonomy`."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        *,
        min_confidence: float | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        if min_confidence is None:
            min_confidence = taxonomy.min_confidence
        if not isinstance(min_confidence, int | float) or not 0.0 <= min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be between 0 and 1, not {min_confidence!r}.")
        self.taxonomy = taxonomy
        self.min_confidence = float(min_confidence)
        self.cache_dir = None if cache_dir is None else str(cache_dir)

        tax = taxonomy
        if tax.spelling:
            alternation = "|".join(re.escape(src) for src, _ in tax.spelling)
            self._spelling_re: re.Pattern[str] | None = re.compile(alternation)
            self._spelling = dict(tax.spelling)
        else:
            self._spelling_re = None
            self._spelling = {}

        owners: dict[str, list[tuple[str, float]]] = {}
        for cat in tax.categories:
            for term, w in cat.keywords.items():
                owners.setdefault(term, []).append((cat.id, w))
        self._owners = {t: tuple(v) for t, v in owners.items()}
        for term in tax.neutral:
            self._owners.setdefault(term, ())
        self._kw_index = TermIndex(self._owners)

        roles = _Roles()
        roles.add("neg", tax.negation)
        roles.add("neg_ignore", tax.negation_ignore)
        roles.add("contrast", tax.contrast)
        u = tax.urgency
        roles.add("danger", u.danger)
        roles.add("u_ignore", u.ignore)
        roles.add("u_neg", u.negation)
        roles.add("u_neg_ignore", u.negation_ignore)
        roles.add("now", u.now)
        for kind, cues in u.lower.items():
            roles.add(f"lower:{kind}", cues)
        phrase_terms = [
            alt
            for phrases in (
                [p for c in tax.categories for p in c.phrases],
                [r.when for r in tax.rules],
                list(u.phrases),
            )
            for p in phrases
            for group in p.groups
            for alt in group
        ]
        roles.add("phrase", phrase_terms)
        self._roles = {t: frozenset(r) for t, r in roles.terms.items()}
        self._term_index = TermIndex(self._roles)

        self._category_phrases = tuple(
            (cat.id, p) for cat in tax.categories for p in cat.phrases
        )
        self._order = {cid: i for i, cid in enumerate(tax.ids)}
        # words jieba must know: every keyword (and danger term) written in Chinese
        self._jieba_words = tuple(
            t for t in dict.fromkeys([*self._owners, *u.danger]) if not t.isascii() and " " not in t
        )
        self._tokenizer: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ building
    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        min_confidence: float | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> Classifier:
        """A classifier for the taxonomy at ``path`` (``None``: the default shipped in nlp/)."""
        return cls(load_taxonomy(path), min_confidence=min_confidence, cache_dir=cache_dir)

    # ------------------------------------------------------------------ jieba
    def warm_up(self) -> None:
        """Load jieba's dictionary and add the taxonomy's words now (idempotent).

        Takes about 0.5-1 s with jieba's cache file, about 2 s without; call it in a
        thread at start-up. Until it has run, only messages that contain a
        single-character keyword wait for it (every other message is classified without
        jieba, with exactly the same result)."""
        if self._tokenizer is not None:
            return
        with self._lock:
            if self._tokenizer is not None:
                return
            tk = _new_tokenizer(self.cache_dir)
            for word in self._jieba_words:
                tk.add_word(word)
            self._tokenizer = tk

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        """This classifier's own jieba tokenizer (loaded on first use)."""
        self.warm_up()
        assert self._tokenizer is not None
        return self._tokenizer

    # ------------------------------------------------------------------ API
    def classify(self, text: str) -> Classification:
        """Category, confidence, urgency and the why. Never raises on a ``str``."""
        return self.analyse(text).classification

    async def aclassify(self, text: str) -> Classification:
        """:meth:`classify` in a worker thread, so a long message never blocks the loop."""
        return await asyncio.to_thread(self.classify, text)

    def normalise(self, text: str) -> str:
        """The text as the classifier sees it: folded, simplified, typos corrected."""
        norm = fold(text)
        if self._spelling_re is not None:
            norm = self._spelling_re.sub(lambda m: self._spelling[m.group()], norm)
        return norm

    def analyse(self, text: str) -> Analysis:
        if not isinstance(text, str):
            raise TypeError(f"classify() needs a str, not {type(text).__name__}")
        norm = self.normalise(text)
        spans = clauses(norm)
        starts = [s for s, _ in spans]

        def clause_of(pos: int) -> tuple[int, int]:
            i = bisect.bisect_right(starts, pos) - 1
            return spans[i] if i >= 0 else (0, len(norm))

        aux = self._term_index.find(norm)
        by_role: dict[str, list[Occurrence]] = {}
        for occ in aux:
            for role in self._roles[occ.term]:
                by_role.setdefault(role, []).append(occ)
        present = {occ.term for occ in aux}

        # ---- keywords
        neg_cues = _unshielded(by_role.get("neg", []), by_role.get("neg_ignore", []))
        contrast = by_role.get("contrast", [])
        scores = {cid: 0.0 for cid in self.taxonomy.ids}
        evidence: dict[str, list[tuple[str, float]]] = {cid: [] for cid in self.taxonomy.ids}
        counted: set[str] = set()
        negated: list[str] = []
        window = self.taxonomy.negation_window
        for occ in drop_contained(self._kw_index.find(norm)):
            if occ.term in counted or not self._owners[occ.term]:
                continue
            clause = clause_of(occ.start)
            if len(occ.term) == 1 and not self._is_jieba_token(norm, occ, clause):
                continue
            if _negated(occ, clause, neg_cues, contrast, window):
                if occ.term not in negated:
                    negated.append(occ.term)
                continue
            counted.add(occ.term)
            for cid, w in self._owners[occ.term]:
                scores[cid] += w
                evidence[cid].append((occ.term, w))
        # a keyword negated once and used plainly elsewhere counts
        negated = [t for t in negated if t not in counted]

        # ---- phrases and near-neighbour rules
        for cid, phrase in self._category_phrases:
            label = _phrase_label(phrase, present)
            if label is not None:
                scores[cid] += phrase.weight
                evidence[cid].append((label, phrase.weight))
        for rule in self.taxonomy.rules:
            label = _phrase_label(rule.when, present)
            if label is not None:
                for cid, w in rule.add.items():
                    scores[cid] += w
                    evidence[cid].append((label, w))

        # ---- decision
        ranked = sorted(scores, key=lambda c: (-scores[c], self._order[c]))
        best = ranked[0]
        top = max(scores[best], 0.0)
        second = max(scores[ranked[1]], 0.0) if len(ranked) > 1 else 0.0
        if top <= 0.0:
            confidence = 0.0
        else:
            share = top / (top + second)
            strength = 1.0 - math.exp(-top / self.taxonomy.confidence_scale)
            confidence = round(share * strength, 4)

        if top <= 0.0:
            category, why = FALLBACK_ID, ()
        elif best == FALLBACK_ID:
            category, why = FALLBACK_ID, _why(evidence[best])
        elif confidence < self.min_confidence:
            category, why = FALLBACK_ID, ()
        else:
            category, why = best, _why(evidence[best])

        urgent_terms, danger_seen = self._urgency(norm, by_role, present, clause_of, spans)
        result = Classification(
            category=category,
            confidence=min(max(confidence, 0.0), 1.0),
            urgent=bool(urgent_terms),
            keywords=why,
            urgent_keywords=urgent_terms,
        )
        return Analysis(
            text=text,
            normalised=norm,
            scores=scores,
            evidence={c: tuple(e) for c, e in evidence.items() if e},
            negated=tuple(negated),
            best=best,
            confidence=confidence,
            classification=result,
            danger=danger_seen,
        )

    # ------------------------------------------------------------------ urgency
    def _urgency(self, norm, by_role, present, clause_of, spans):
        u = self.taxonomy.urgency
        shields = by_role.get("u_ignore", [])
        danger = _unshielded(by_role.get("danger", []), shields, overlap=True)
        phrase_occs = _unshielded(by_role.get("phrase", []), shields, overlap=True)
        present = {o.term for o in phrase_occs}
        neg_cues = _unshielded(by_role.get("u_neg", []), by_role.get("u_neg_ignore", []))
        hits: list[tuple[str, list[Occurrence]]] = []
        for occ in danger:
            if _negated(occ, clause_of(occ.start), neg_cues, [], u.negation_window):
                continue
            hits.append((occ.term, [occ]))
        for phrase in u.phrases:
            label = _phrase_label(phrase, present)
            if label is None:
                continue
            occs = [o for o in phrase_occs if any(o.term in g for g in phrase.groups)]
            hits.append((label, occs))
        if not hits:
            return (), ()

        lowering = {kind: by_role.get(f"lower:{kind}", []) for kind in u.lower}
        now = by_role.get("now", [])
        clause_index = {span: i for i, span in enumerate(spans)}

        def inside(occs: list[Occurrence], span: tuple[int, int]) -> bool:
            return any(span[0] <= o.start and o.end <= span[1] for o in occs)

        def lowered(span: tuple[int, int]) -> bool:
            if inside(lowering.get("near_miss", []), span):
                return True
            if inside(now, span):
                return False
            soft = [o for k, occs in lowering.items() if k != "near_miss" for o in occs]
            if inside(soft, span):
                return True
            # a clause that is only a time ("昨天晚上 楼道里着火了") lowers the next one
            i = clause_index.get(span, -1)
            if i > 0:
                prev = spans[i - 1]
                cues = [o for o in soft if prev[0] <= o.start and o.end <= prev[1]]
                if cues:
                    covered = sum(o.end - o.start for o in _dedupe(cues))
                    if (prev[1] - prev[0]) - covered <= 2:
                        return True
            return False

        live: list[str] = []
        seen: list[str] = []
        for label, occs in hits:
            if label not in seen:
                seen.append(label)
            if any(not lowered(clause_of(o.start)) for o in occs) and label not in live:
                live.append(label)
        return tuple(live), tuple(seen)

    # ------------------------------------------------------------------ jieba check
    def _is_jieba_token(self, norm: str, occ: Occurrence, clause: tuple[int, int]) -> bool:
        lo = max(clause[0], occ.start - _JIEBA_WINDOW)
        hi = min(clause[1], occ.end + _JIEBA_WINDOW)
        pos = lo
        for tok in self.tokenizer.cut(norm[lo:hi], HMM=False):
            if pos == occ.start:
                return tok == occ.term
            if pos > occ.start:
                return False
            pos += len(tok)
        return False


# ---------------------------------------------------------------------- helpers

_base_lock = threading.Lock()
_base_freq: dict[str | None, tuple[dict[str, int], int]] = {}


def _new_tokenizer(cache_dir: str | None) -> jieba.Tokenizer:
    """A private jieba tokenizer with the default dictionary.

    The dictionary is read once per process (from jieba's marshal cache when there is
    one) and each classifier gets its own copy, so adding one taxonomy's words never
    changes another classifier's segmentation."""
    jlog = logging.getLogger("jieba")
    if jlog.level == logging.DEBUG:  # jieba's own default: chatty start-up messages
        jlog.setLevel(logging.WARNING)
    with _base_lock:
        base = _base_freq.get(cache_dir)
        if base is None:
            tk = jieba.Tokenizer()
            if cache_dir is not None:
                Path(cache_dir).mkdir(parents=True, exist_ok=True)
                tk.tmp_dir = cache_dir
            tk.initialize()
            base = (tk.FREQ, tk.total)
            _base_freq[cache_dir] = base
    tk = jieba.Tokenizer()
    tk.FREQ = dict(base[0])
    tk.total = base[1]
    tk.initialized = True
    return tk


def _dedupe(occs: list[Occurrence]) -> list[Occurrence]:
    out: list[Occurrence] = []
    end = -1
    for o in sorted(occs, key=lambda o: (o.start, -o.end)):
        if o.end <= end:
            continue
        out.append(Occurrence(o.term, max(o.start, end), o.end))
        end = o.end
    return out


def _unshielded(
    occs: list[Occurrence], shields: list[Occurrence], *, overlap: bool = False
) -> list[Occurrence]:
    """``occs`` minus those inside (or, with ``overlap``, touching) a shield occurrence:
    是不是 hides the 不是 inside it; 油烟 hides the 烟味 of 油烟味."""
    if not shields:
        return occs
    if overlap:
        return [
            o
            for o in occs
            if not any(s.start < o.end and o.start < s.end and s.term != o.term for s in shields)
        ]
    return [
        o
        for o in occs
        if not any(s.start <= o.start and o.end <= s.end and s.term != o.term for s in shields)
    ]


def _negated(
    occ: Occurrence,
    clause: tuple[int, int],
    cues: list[Occurrence],
    contrast: list[Occurrence],
    window: int,
) -> bool:
    for cue in cues:
        if cue.start < clause[0] or cue.end > occ.start:
            continue
        if occ.start - cue.end > window:
            continue
        if any(cue.end <= c.start and c.end <= occ.start for c in contrast):
            continue
        return True
    return False


def _phrase_label(phrase: Phrase, present: set[str]) -> str | None:
    parts: list[str] = []
    for group in phrase.groups:
        hit = next((alt for alt in group if alt in present), None)
        if hit is None:
            return None
        parts.append(hit)
    return "+".join(parts)


def _why(evidence: list[tuple[str, float]]) -> tuple[str, ...]:
    ranked = sorted(
        ((label, w) for label, w in evidence if w > 0),
        key=lambda lw: -lw[1],
    )
    return tuple(dict.fromkeys(label for label, _ in ranked))


def load_classifier(
    path: str | os.PathLike[str] | None = None, *, min_confidence: float | None = None
) -> Classifier:
    """Convenience: ``Classifier.from_file(path, min_confidence=...)``."""
    return Classifier.from_file(path, min_confidence=min_confidence)
