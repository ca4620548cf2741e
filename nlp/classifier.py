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
   phrases (parts joined by ``~`` must share a clause), the near-neighbour rules that
   fire (a rule may ask for a kind of danger) and the danger kinds found (a live danger
   counts ``live_boost`` times its weight, a lowered one ``lowered_share`` times);
4. confidence = share x strength, where share = top / (top + runner-up) and
   strength = 1 - exp(-top / confidence_scale); below ``min_confidence`` the answer is
   ``other`` (staff triage it by hand). With a learned category model (the default),
   the scores are blended with its probabilities instead and the best blended score is
   the confidence (see :mod:`nlp.category_model`);
5. urgency is decided separately by the taxonomy's ``urgency`` rules (see
   :class:`nlp.taxonomy.UrgencyRules`), in any category, before the rules that ask for
   a kind of danger; where they saw no danger word, the learned urgency model may still
   see one (see :mod:`nlp.urgency_model`).
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

from nlp.category_model import CategoryModel, load_category_model
from nlp.english import Glossary
from nlp.foreign import ForeignGlossary
from nlp.matching import Occurrence, TermIndex, drop_contained
from nlp.normalize import clauses, fold
from nlp.pinyin import PinyinReader
from nlp.taxonomy import FALLBACK_ID, Phrase, Taxonomy, load_taxonomy
from nlp.urgency_model import UrgencyModel, load_urgency_model

__all__ = ["Analysis", "Classification", "Classifier", "load_classifier"]

_log = logging.getLogger(__name__)
# How an emergency only the learned model saw is told in urgent_keywords: "model:0.83".
LEARNED = "model:"

# jieba segments single characters; a window this wide either side of the character
# decides its token exactly as segmenting the whole clause would, in practice.
_JIEBA_WINDOW = 6
_WHOLE_CLAUSE = 40
_NEUTRAL = "\x00neutral"


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
    model_text: str = ""
    """What the category model reads: the normalised text less the negated keywords."""


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
        urgency_model: UrgencyModel | None = None,
        category_model: CategoryModel | None = None,
    ) -> None:
        if category_model is not None and set(category_model.classes) != set(taxonomy.ids):
            raise ValueError(
                f"the category model knows {sorted(category_model.classes)}, the taxonomy "
                f"{sorted(taxonomy.ids)}: train one for this taxonomy (minhu categories train), "
                "or set CATEGORY_MODEL_FILE=off"
            )
        if min_confidence is None:  # the threshold on the confidence this classifier reports
            min_confidence = category_model.min_confidence if category_model else taxonomy.min_confidence
        if not isinstance(min_confidence, int | float) or not 0.0 <= min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be between 0 and 1, not {min_confidence!r}.")
        self.taxonomy = taxonomy
        self.min_confidence = float(min_confidence)
        self.cache_dir = None if cache_dir is None else str(cache_dir)
        self.urgency_model = urgency_model
        self.category_model = category_model

        tax = taxonomy
        if tax.spelling:
            alternation = "|".join(re.escape(src) for src, _ in tax.spelling)
            self._spelling_re: re.Pattern[str] | None = re.compile(alternation)
            self._spelling = dict(tax.spelling)
        else:
            self._spelling_re = None
            self._spelling = {}
        self._english = Glossary(tax.english)
        self._foreign = ForeignGlossary(tax.foreign)

        owners: dict[str, list[tuple[str, float]]] = {}
        for cat in tax.categories:
            for term, w in cat.keywords.items():
                owners.setdefault(term, []).append((cat.id, w))
        self._owners = {t: tuple(v) for t, v in owners.items()}
        for term in tax.neutral:
            self._owners.setdefault(term, ())

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
        # one index and one scan for keywords and auxiliary terms alike
        self._index = TermIndex([*self._owners, *self._roles])
        self._pinyin = PinyinReader([*self._owners, *self._roles])

        self._phrase_terms = {
            p: frozenset(alt for group in p.groups for alt in group) for p in u.phrases
        }
        self._urgency_words = frozenset().union(*self._phrase_terms.values())
        term_kinds: dict[str, list[str]] = {}
        for kind in u.kinds:
            for t in kind.terms:
                term_kinds.setdefault(t, []).append(kind.name)
        self._term_kinds = {t: tuple(k) for t, k in term_kinds.items()}
        self._kinds = {k.name: k for k in u.kinds}
        self._category_phrases = tuple(
            (cat.id, _compile(p)) for cat in tax.categories for p in cat.phrases
        )
        # a rule sees phrase words as the category it favours most does; a rule that
        # only takes weight away (a nuisance made by a facility is no dispute) sees them all
        self._rules = tuple((rule, _compile(rule.when), _favoured(rule.add)) for rule in tax.rules)
        self._urgency_phrases = tuple((k.name, _compile(p)) for k in u.kinds for p in k.phrases)
        # phrases and rules by the words of their first group: only those whose first
        # group is in the message are looked at (a message holds a few dozen words)
        self._phrase_index = _first_group_index(c[0] for _, c in self._category_phrases)
        self._rule_index = _first_group_index(c[0] for _, c, _ in self._rules)
        self._urgency_index = _first_group_index(c[0] for _, c in self._urgency_phrases)
        self._order = {cid: i for i, cid in enumerate(tax.ids)}
        # words jieba must know: every category keyword written in Chinese. Urgency
        # terms are not added: they are phrases (正在撬) that would swallow keywords.
        self._jieba_words = tuple(t for t in self._owners if not t.isascii() and " " not in t)
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
        urgency_model: str | os.PathLike[str] | None = None,
        category_model: str | os.PathLike[str] | None = None,
    ) -> Classifier:
        """A classifier for the taxonomy at ``path`` (``None``: the default shipped in nlp/),
        with the learned second opinions ``urgency_model`` and ``category_model`` name
        (see :func:`nlp.urgency_model.load_urgency_model` and
        :func:`nlp.category_model.load_category_model`: by default the shipped ones).
        The shipped category model knows only the shipped categories: a centre's own
        taxonomy with other ids goes without it unless a model for it is named."""
        taxonomy = load_taxonomy(path)
        learned = load_category_model(category_model)
        if learned is not None and not category_model and set(learned.classes) != set(taxonomy.ids):
            _log.warning("the shipped category model does not fit %s's categories; rules alone", path)
            learned = None
        return cls(
            taxonomy,
            min_confidence=min_confidence,
            cache_dir=cache_dir,
            urgency_model=load_urgency_model(urgency_model),
            category_model=learned,
        )

    # ------------------------------------------------------------------ jieba
    def warm_up(self) -> None:
        """Load jieba's dictionary and add the taxonomy's words now (idempotent).

        Takes about 0.5-1 s with jieba's cache file, about 2 s without; call it in a
        thread at start-up. Until it has run, only messages that contain a
        single-character keyword wait for it (every other message is classified without
        jieba, with exactly the same result). Also builds the index of the taxonomy's
        words by sound for messages in pinyin (about 0.5 s more)."""
        self._load_jieba()
        self._pinyin.prepare()

    def _load_jieba(self) -> None:
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    tk = _new_tokenizer(self.cache_dir)
                    for word in self._jieba_words:
                        tk.add_word(word)
                    self._tokenizer = tk

    @property
    def ready(self) -> bool:
        """True once :meth:`warm_up` has run: no message will wait for jieba."""
        return self._tokenizer is not None

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        """This classifier's own jieba tokenizer (loaded on first use; a message waiting
        for it does not wait for the pinyin index too)."""
        self._load_jieba()
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
        pinyin = self._pinyin.read(norm)
        if pinyin is not None:  # pinyin words are no English ("you", "men", "he")
            return pinyin
        if self._english:
            norm = self._english.apply(norm)
        return self._foreign.apply(norm)

    def analyse(self, text: str) -> Analysis:
        if not isinstance(text, str):
            raise TypeError(f"classify() needs a str, not {type(text).__name__}")
        norm = self.normalise(text)
        spans = clauses(norm)
        starts = [s for s, _ in spans]

        if not spans:
            spans = [(0, len(norm))]
            starts = [0]

        def clause_idx(pos: int) -> int:
            return max(bisect.bisect_right(starts, pos) - 1, 0)

        found = self._index.find(norm)
        owners = self._owners
        roles = self._roles
        by_role: dict[str, list[Occurrence]] = {}
        keyword_occs: list[Occurrence] = []
        present: set[str] = set()
        for occ in found:
            if occ.term in owners:
                keyword_occs.append(occ)
            occ_roles = roles.get(occ.term)
            if occ_roles:
                present.add(occ.term)
                for role in occ_roles:
                    by_role.setdefault(role, []).append(occ)

        # ---- keywords
        neg_cues = _Cues(_unshielded(by_role.get("neg", []), by_role.get("neg_ignore", [])))
        contrast = _Cues(by_role.get("contrast", []))
        scores = {cid: 0.0 for cid in self.taxonomy.ids}
        evidence: dict[str, list[tuple[str, float]]] = {cid: [] for cid in self.taxonomy.ids}
        counted: set[str] = set()
        negated: list[str] = []
        negated_at: list[Occurrence] = []
        window = self.taxonomy.negation_window
        tokens = _TokenCache(self, norm)
        kept = drop_contained(keyword_occs)
        for occ in kept:
            if occ.term in counted or not self._owners[occ.term]:
                continue
            clause = spans[clause_idx(occ.start)]
            if len(occ.term) == 1 and not tokens.is_token(occ, clause):
                continue
            if neg_cues.negates(occ, clause[0], window, contrast):
                if occ.term not in negated:
                    negated.append(occ.term)
                negated_at.append(occ)
                continue
            counted.add(occ.term)
            for cid, w in self._owners[occ.term]:
                scores[cid] += w
                evidence[cid].append((occ.term, w))
        # a keyword negated once and used plainly elsewhere counts
        negated = [t for t in negated if t not in counted]

        # ---- phrases and near-neighbour rules. A phrase word written inside a longer
        # keyword of other categories only (气味 inside 煤气味) is not there for this
        # category's phrases.
        # urgency first: a rule may ask for a kind of danger
        urgent_terms, danger_seen, kinds, live_kinds, real_kinds = self._urgency(
            by_role, clause_idx, spans
        )
        shadows = self._shadows(by_role.get("phrase", []), kept)
        where = _Where(by_role.get("phrase", []), clause_idx)
        visible: dict[str | None, set[str]] = {None: present}

        def seen_by(cid: str | None) -> set[str]:
            if cid not in visible:
                visible[cid] = _visible(present, shadows, cid)
            return visible[cid]

        for i in _candidates(self._phrase_index, present):
            cid, compiled = self._category_phrases[i]
            label = _phrase_label(compiled, seen_by(cid), where)
            if label is not None:
                weight = compiled[0].weight
                scores[cid] += weight
                evidence[cid].append((label, weight))
        for i in _candidates(self._rule_index, present):
            rule, compiled, main = self._rules[i]
            # a near miss ("差点踩空") is no emergency of that kind for the rules
            if rule.danger and not any(k in real_kinds for k in rule.danger):
                continue
            label = _phrase_label(compiled, seen_by(main), where)
            if label is not None:
                for cid, w in rule.add.items():
                    scores[cid] += w
                    evidence[cid].append((label, w))

        # ---- danger points to a category even when nothing else does; a danger now
        # (live) points harder: the service that must act is the one for the emergency
        boost = self.taxonomy.urgency.live_boost
        share = self.taxonomy.urgency.lowered_share
        for name, label in kinds.items():
            kind = self._kinds[name]
            if kind.category is None or not kind.weight:
                continue
            weight = kind.weight * (boost if name in live_kinds else share)
            ev = evidence[kind.category]
            same = [i for i, (lbl, _) in enumerate(ev) if lbl == label]
            if same:  # the danger word is also a keyword: it counts once, at the higher weight
                i = same[0]
                ev[i] = (label, max(ev[i][1], weight))
            else:
                ev.append((label, weight))

        # ---- decision: each further piece of evidence counts a little less
        # (stacking), so a pile of weak hints does not outweigh one decisive keyword
        decay = self.taxonomy.stacking
        for cid, ev in evidence.items():
            if ev:
                pos = sorted((w for _, w in ev if w > 0), reverse=True)
                neg = sum(w for _, w in ev if w < 0)
                scores[cid] = sum(w * decay**i for i, w in enumerate(pos)) + neg
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
        # the model reads the message without the keywords the rules found negated
        # (不是要报修: not a repair), which a bag of character grams cannot tell
        model_text = _blank(norm, [o for o in negated_at if o.term in negated])
        if self.category_model is not None and model_text.strip():
            category, confidence, why = self._blend(model_text, scores, evidence, best)

        # the rules saw no danger word at all: the learned second opinion may still see
        # one. Where they saw one and judged it past, feared, resolved or a joke, or
        # knew it for a look-alike (落水管, 墙皮往下掉), they stand, unless the model is
        # sure (measured on blind sets, that caught more and raised no false alarm) and
        # the resident did not say it is over (总阀关了, 没事了): that is theirs to tell.
        if self.urgency_model is not None and not urgent_terms and norm.strip():
            model = self.urgency_model
            likely = model.score(norm)
            if not danger_seen and not self._knew_look_alike(by_role):
                flag = likely >= model.threshold
            else:
                told_over = _unshielded(by_role.get("lower:resolved", []), by_role.get("u_ignore", []))
                flag = likely >= model.sure and not told_over
            if flag:
                urgent_terms = (f"{LEARNED}{likely:.2f}",)

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
            model_text=model_text,
        )

    def _blend(
        self, norm: str, scores: dict[str, float], evidence: dict[str, list[tuple[str, float]]], rules_best: str
    ) -> tuple[str, float, tuple[str, ...]]:
        """The category the rules and the learned model agree on best. The why is the
        rules' evidence for it, and the model's probability where it decided."""
        model = self.category_model
        assert model is not None
        mixed, learned = model.blend(scores, norm)
        winner = min(mixed, key=lambda c: (-mixed[c], self._order[c]))
        confidence = round(mixed[winner], 4)
        if confidence < self.min_confidence:
            return FALLBACK_ID, confidence, ()
        why = _why(evidence.get(winner, []))
        if not why or winner != rules_best:
            why += (f"{LEARNED}{learned[winner]:.2f}",)
        return winner, confidence, why

    def _knew_look_alike(self, by_role: dict[str, list[Occurrence]]) -> bool:
        """An ignore word over a danger word or a danger phrase's word (落水 in 落水管)."""
        danger_words = by_role.get("danger", []) + [
            o for o in by_role.get("phrase", []) if o.term in self._urgency_words
        ]
        return _overlapping(by_role.get("u_ignore", []), danger_words)

    def _shadows(
        self, phrase_occs: list[Occurrence], kept: list[Occurrence]
    ) -> dict[str, frozenset[str] | None]:
        """For each phrase word: ``None`` if some occurrence stands free, else the
        categories of the longer keywords that hold its occurrences (it is visible to
        those categories' phrases only)."""
        if not kept or not phrase_occs:
            return {}
        starts = [k.start for k in kept]
        out: dict[str, frozenset[str] | None] = {}
        for o in phrase_occs:
            if o.term in out and out[o.term] is None:
                continue
            cats: set[str] = set()
            hi = bisect.bisect_right(starts, o.start)
            for k in kept[max(0, hi - 8) : hi]:
                if k.start <= o.start and o.end <= k.end and (k.end - k.start) > (o.end - o.start):
                    owners = self._owners[k.term]
                    if owners:
                        cats.update(cid for cid, _ in owners)
                    else:  # a neutral word (楼下有人: a place, not a neighbour) hides it from all
                        cats.add(_NEUTRAL)
            if not cats:
                out[o.term] = None
            else:
                out[o.term] = out.get(o.term, frozenset()) | cats
        return out

    # ------------------------------------------------------------------ urgency
    def _urgency(
        self,
        by_role: dict[str, list[Occurrence]],
        clause_idx,
        spans: list[tuple[int, int]],
    ) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, str], set[str], set[str]]:
        """(live danger labels, all danger labels, kind -> first label, live kinds, kinds
        told at least once other than as a near miss)."""
        u = self.taxonomy.urgency
        shields = by_role.get("u_ignore", [])
        danger = _unshielded(by_role.get("danger", []), shields, overlap=True)
        neg_cues = _Cues(_unshielded(by_role.get("u_neg", []), by_role.get("u_neg_ignore", [])))
        no_contrast = _Cues([])
        # a part of a phrase right after a negation is not there ("不是煤气那种味道"); only
        # right after, because a part is often a single word far from what a cue denies
        phrase_occs = [
            o
            for o in _unshielded(by_role.get("phrase", []), shields, overlap=True)
            if not neg_cues.negates(o, spans[clause_idx(o.start)][0], 0, no_contrast)
        ]
        present = {o.term for o in phrase_occs}
        hits: list[tuple[str, list[tuple[int, int]], str]] = []
        kinds: dict[str, str] = {}  # kind name -> first label seen
        for occ in danger:
            ci = clause_idx(occ.start)
            if neg_cues.negates(occ, spans[ci][0], u.negation_window, no_contrast):
                continue
            for kind in self._term_kinds[occ.term]:
                hits.append((occ.term, [(ci, occ.start)], kind))
                kinds.setdefault(kind, occ.term)
        where = _Where(phrase_occs, clause_idx)
        for i in _candidates(self._urgency_index, present):
            kind, compiled = self._urgency_phrases[i]
            match = _phrase_match(compiled, present, where)
            if match is None:
                continue
            label, event_clauses = match
            # the last part (the event: 着火 of 楼道+着火) decides whether it is past,
            # hypothetical or now
            terms = compiled[1][-1] & present
            hits.append((label, where.positions(terms, event_clauses), kind))
            kinds.setdefault(kind, label)
        if not hits:
            return (), (), {}, set(), set()

        def clauses_with(occs: list[Occurrence]) -> set[int]:
            return {clause_idx(o.start) for o in occs}

        def cues(kind: str) -> list[Occurrence]:
            # 主要是 (in ignore) holds 要是 but supposes nothing
            return _unshielded(by_role.get(f"lower:{kind}", []), shields)

        near_miss = clauses_with(cues("near_miss"))
        # 急死了, 着急: a "now" cue inside an ignored word is no "now"
        now = clauses_with(_unshielded(by_role.get("now", []), shields))
        # "已经灭了", "没事了": the danger told before (or with) it is over; a kind can
        # outlast some of them (a gas smell, the valve closed)
        resolved_cues = cues("resolved")

        def resolved_for(kind: str) -> tuple[int, int]:
            """(clause, start) of the last cue that ends this kind, (-1, -1) if none."""
            outlasts = self._kinds[kind].outlasts
            return max(
                ((clause_idx(o.start), o.start) for o in resolved_cues if o.term not in outlasts),
                default=(-1, -1),
            )
        # "万一", "会不会": what follows the cue in its clause is only feared, now or not
        turns = sorted(o.start for o in by_role.get("contrast", []))

        def turn_after(pos: int) -> float:
            """Where the first contrast word after ``pos`` starts (infinity if none)."""
            k = bisect.bisect_right(turns, pos)
            return turns[k] if k < len(turns) else float("inf")

        conditional: dict[int, list[int]] = {}
        for o in cues("conditional") + cues("belief"):
            conditional.setdefault(clause_idx(o.start), []).append(o.start)
        # what a belief's clause told before a position was only believed: before the turn
        # (以为着火了 结果是烧烤), or before the belief itself when the belief was the danger
        # (闻到焦味还以为着火了: what led to it is explained too)
        believed: dict[int, list[float]] = {}
        for o in cues("belief"):
            i, turn = clause_idx(o.start), turn_after(o.start)
            if turn != float("inf"):
                believed.setdefault(i, []).append(turn)
            if any(ci == i and o.start < pos < turn for _, places, _ in hits for ci, pos in places):
                believed.setdefault(i, []).append(o.start)
        # 测试消防警报 刚才响了: a test or drill lowers all the message up to a turn after it
        tests = cues("test")
        test_until = turn_after(max(o.start for o in tests)) if tests else float("-inf")
        soft: dict[int, list[Occurrence]] = {}
        for kind in u.lower:
            if kind in ("near_miss", "resolved", "conditional", "belief", "test"):
                continue
            for o in cues(kind):
                soft.setdefault(clause_idx(o.start), []).append(o)

        def supposed(i: int, pos: int) -> bool:
            # the cue reaches up to a contrast word, no further ("以为是烧烤 结果着火了")
            if pos < test_until or any(pos < turn for turn in believed.get(i, ())):
                return True
            return any(
                start < pos and not any(start < t < pos for t in turns)
                for start in conditional.get(i, ())
            )

        def lowered(i: int, resolved: int) -> bool:
            if i in near_miss:
                return True
            # 刚才闻到焦味 结果锅烧干了 已经没事了: a later resolution beats an earlier "now"
            if i < resolved:
                return True
            if i in now:
                return False
            if i == resolved:
                return True
            if i in soft:
                return True
            # a clause that is only a time ("昨天晚上 楼道里着火了") lowers the next one
            if i - 1 in soft:
                prev = spans[i - 1]
                covered = sum(o.end - o.start for o in _dedupe(soft[i - 1]))
                if (prev[1] - prev[0]) - covered <= 2:
                    return True
            return False

        memo: dict[tuple[int, int], bool] = {}
        live: list[str] = []
        seen: list[str] = []
        live_kinds: set[str] = set()
        for label, places, kind in hits:
            if label not in seen:
                seen.append(label)
            if label in live and kind in live_kinds:
                continue
            resolved, resolved_at = resolved_for(kind)
            for i, pos in places:
                if supposed(i, pos):
                    continue
                # "刚才冒烟的事搞清楚了": told and ended in one clause, whatever its "now"
                if i == resolved and pos < resolved_at:
                    continue
                if (i, resolved) not in memo:
                    memo[i, resolved] = lowered(i, resolved)
                if not memo[i, resolved]:
                    if label not in live:
                        live.append(label)
                    live_kinds.add(kind)
                    break
        real_kinds = {
            kind for _, places, kind in hits if any(i not in near_miss for i, _ in places)
        }
        return tuple(live), tuple(seen), kinds, live_kinds, real_kinds


class _TokenCache:
    """jieba tokens of the clauses that hold a single-character keyword, cut once each.

    A clause up to ``_WHOLE_CLAUSE`` characters is cut whole (exactly what jieba would
    do with the message); in a longer clause, a window of ``_JIEBA_WINDOW`` characters
    either side of the character is cut, so a 4,096-character message without
    punctuation costs a few small cuts, not one huge one."""

    def __init__(self, classifier: Classifier, norm: str) -> None:
        self._clf = classifier
        self._norm = norm
        self._starts: dict[tuple[int, int], frozenset[tuple[int, int]]] = {}

    def _spans(self, lo: int, hi: int) -> frozenset[tuple[int, int]]:
        key = (lo, hi)
        spans = self._starts.get(key)
        if spans is None:
            out = []
            pos = lo
            for tok in self._clf.tokenizer.cut(self._norm[lo:hi], HMM=False):
                out.append((pos, pos + len(tok)))
                pos += len(tok)
            spans = self._starts[key] = frozenset(out)
        return spans

    def is_token(self, occ: Occurrence, clause: tuple[int, int]) -> bool:
        if clause[1] - clause[0] <= _WHOLE_CLAUSE:
            lo, hi = clause
        else:
            lo = max(clause[0], occ.start - _JIEBA_WINDOW)
            hi = min(clause[1], occ.end + _JIEBA_WINDOW)
        return (occ.start, occ.end) in self._spans(lo, hi)


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
    if not shields or not occs:
        return occs
    if overlap:
        return [o for o in occs if not any(_hides(sh, o) for sh in shields)]
    ordered = sorted(shields, key=lambda sh: sh.start)
    starts = [sh.start for sh in ordered]
    max_end: list[int] = []
    best = -1
    for sh in ordered:
        best = max(best, sh.end)
        max_end.append(best)
    out: list[Occurrence] = []
    for o in occs:
        k = bisect.bisect_right(starts, o.start) - 1
        if k >= 0 and max_end[k] >= o.end:
            continue
        out.append(o)
    return out


def _overlapping(these: list[Occurrence], those: list[Occurrence]) -> bool:
    """Whether an occurrence of one list shares a character with one of the other."""
    return any(a.start < b.end and b.start < a.end for a in these for b in those)


def _hides(shield: Occurrence, occ: Occurrence) -> bool:
    """The shield touches the word, and the word is not a longer one holding the whole
    shield: 跟着我 says more than 跟着, while 烟味 is hidden by 油烟 in 油烟味."""
    if shield.end <= occ.start or occ.end <= shield.start:
        return False
    holds = occ.start <= shield.start and shield.end <= occ.end
    return not (holds and occ.end - occ.start > shield.end - shield.start)


class _Cues:
    """Cue occurrences indexed by where they end, to test "is there a cue just before"."""

    def __init__(self, occs: list[Occurrence]) -> None:
        self._occs = sorted(occs, key=lambda o: o.end)
        self._ends = [o.end for o in self._occs]

    def between(self, lo: int, hi: int) -> list[Occurrence]:
        """Cues that end in [lo, hi]."""
        a = bisect.bisect_left(self._ends, lo)
        b = bisect.bisect_right(self._ends, hi)
        return self._occs[a:b]

    def negates(self, occ: Occurrence, clause_start: int, window: int, contrast: _Cues) -> bool:
        """A cue ends at most ``window`` characters before ``occ``, in its clause, with no
        contrast word in between."""
        for cue in self.between(occ.start - window, occ.start):
            if cue.start < clause_start:
                continue
            if any(c.start >= cue.end for c in contrast.between(cue.end, occ.start)):
                continue
            return True
        return False


def _first_group_index(phrases: Iterable[Phrase]) -> dict[str, tuple[int, ...]]:
    index: dict[str, list[int]] = {}
    for i, phrase in enumerate(phrases):
        for term in phrase.groups[0]:
            index.setdefault(term, []).append(i)
    return {t: tuple(ix) for t, ix in index.items()}


def _candidates(index: dict[str, tuple[int, ...]], present: set[str]) -> list[int]:
    """Phrases (in file order) whose first group has a word in the message."""
    found: set[int] = set()
    for term in present:
        hits = index.get(term)
        if hits:
            found.update(hits)
    return sorted(found)


def _favoured(add) -> str | None:
    """The category a rule adds most weight to, or ``None`` when it only takes weight away."""
    best = max(add, key=lambda c: add[c])
    return best if add[best] > 0 else None


def _visible(present: set[str], shadows: dict[str, frozenset[str] | None], cid: str) -> set[str]:
    """``present`` without the words that only occur inside other categories' keywords."""
    hidden = {t for t, cats in shadows.items() if cats is not None and cid not in cats}
    return present - hidden if hidden else present


_Compiled = tuple[Phrase, tuple[frozenset[str], ...], tuple[tuple[int, ...], ...]]


def _compile(phrase: Phrase) -> _Compiled:
    return phrase, tuple(frozenset(g) for g in phrase.groups), phrase.blocks


class _Where:
    """The clauses each phrase word occurs in, worked out only when a phrase asks."""

    def __init__(self, occs: list[Occurrence], clause_idx) -> None:
        self._occs = occs
        self._clause_idx = clause_idx
        self._map: dict[str, list[tuple[int, int]]] | None = None

    def _places(self) -> dict[str, list[tuple[int, int]]]:
        if self._map is None:
            self._map = {}
            for o in self._occs:
                self._map.setdefault(o.term, []).append((self._clause_idx(o.start), o.start))
        return self._map

    def clauses(self, terms: Iterable[str]) -> set[int]:
        places = self._places()
        return {c for t in terms for c, _ in places.get(t, ())}

    def positions(self, terms: Iterable[str], clauses: set[int]) -> list[tuple[int, int]]:
        """(clause, start) of each occurrence of ``terms`` in ``clauses``, in order."""
        places = self._places()
        return sorted({p for t in terms for p in places.get(t, ()) if p[0] in clauses})


def _phrase_match(
    compiled: _Compiled, present: set[str], where: _Where
) -> tuple[str, set[int]] | None:
    """(label, clauses of the last part) when the phrase matches, else ``None``.

    Every group must be present; groups joined by ``~`` must share a clause."""
    phrase, sets, blocks = compiled
    for group in sets:
        if present.isdisjoint(group):
            return None
    picks: list[str] = []
    last: set[int] = set()
    for block in blocks:
        if len(block) == 1:
            alts = sets[block[0]] & present
            picks.append(next(a for a in phrase.groups[block[0]] if a in alts))
            last = where.clauses(alts)
            continue
        common: set[int] | None = None
        for gi in block:
            cl = where.clauses(sets[gi] & present)
            common = cl if common is None else common & cl
            if not common:
                return None
        assert common
        first = min(common)
        for gi in block:
            picks.append(
                next(a for a in phrase.groups[gi] if a in present and first in where.clauses((a,)))
            )
        last = common
    return "+".join(picks), last


def _phrase_label(compiled: _Compiled, present: set[str], where: _Where) -> str | None:
    """``"楼道+黑漆漆"`` when the phrase matches (see :func:`_phrase_match`), else ``None``."""
    phrase, sets, blocks = compiled
    if len(blocks) == len(sets):  # no "~": presence is enough, no clauses needed
        for group in sets:
            if present.isdisjoint(group):
                return None
        return "+".join(next(a for a in g if a in present) for g in phrase.groups)
    match = _phrase_match(compiled, present, where)
    return None if match is None else match[0]


def _blank(text: str, spans: Iterable[Occurrence]) -> str:
    """The text with each span replaced by spaces (so positions and clauses stay)."""
    chars = list(text)
    for occ in spans:
        chars[occ.start : occ.end] = " " * (occ.end - occ.start)
    return "".join(chars)


def _why(evidence: list[tuple[str, float]]) -> tuple[str, ...]:
    ranked = sorted(
        ((label, w) for label, w in evidence if w > 0),
        key=lambda lw: -lw[1],
    )
    return tuple(dict.fromkeys(label for label, _ in ranked))


def load_classifier(
    path: str | os.PathLike[str] | None = None,
    *,
    min_confidence: float | None = None,
    urgency_model: str | os.PathLike[str] | None = None,
    category_model: str | os.PathLike[str] | None = None,
) -> Classifier:
    """Convenience: ``Classifier.from_file(path, min_confidence=..., ...)``."""
    return Classifier.from_file(
        path, min_confidence=min_confidence, urgency_model=urgency_model, category_model=category_model
    )
