"""The service taxonomy: categories, weighted keywords, phrases, rules and urgency rules.

The taxonomy is data (``nlp/data/taxonomy.yaml`` by default; a centre may point
``TAXONOMY_FILE`` at its own YAML or TOML file). It is loaded and validated here; every
problem is reported as a :class:`TaxonomyError` whose message is one sentence naming the
file, the category and the problem.

Terms (keywords, phrase parts, cues) are stored *normalised* (see :mod:`nlp.normalize`),
so ``電梯`` in the file matches ``电梯`` in a message and vice versa.

Phrase syntax, used by category ``phrases``, near-neighbour ``rules`` and urgency
``phrases``: groups joined by ``+``, alternatives inside a group joined by ``|``, and
``@name`` to insert a named list from ``lexicon``. A phrase matches when every group has
at least one alternative in the message, anywhere. A group joined by ``~`` instead of
``+`` must be in the same clause as the group before it (clauses are split at
punctuation and spaces), for pairs that mean something only together. Example::

    "@stairs + 黑漆漆|漆黑|摸黑": 4    # "楼道里黑漆漆的" is a broken light
    "吃了|吞了 ~ 药|药片": ...         # "吃了好几片药", not "吃了饭 ... 开点药"
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from nlp.english import pattern_words
from nlp.normalize import fold

__all__ = [
    "DEFAULT_TAXONOMY",
    "FALLBACK_ID",
    "Category",
    "DangerKind",
    "Phrase",
    "Rule",
    "Taxonomy",
    "TaxonomyError",
    "UrgencyRules",
    "load_taxonomy",
]

DEFAULT_TAXONOMY = Path(__file__).with_name("data") / "taxonomy.yaml"
FALLBACK_ID = "other"
"""The category staff triage by hand; every taxonomy must define it."""

class _YAML_LOADER(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader (C if available) that refuses a key written twice in one mapping:
    plain YAML keeps the last silently, and a rule or a spelling would vanish."""


def _mapping_without_duplicates(loader: Any, node: Any, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:  # an unhashable key: the default constructor reports it
            break
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is written twice", key_node.start_mark
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_YAML_LOADER.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_LOWER_KINDS = (
    "past",
    "hypothetical",
    "conditional",
    "belief",
    "test",
    "habitual",
    "annoyance",
    "reported",
    "resolved",
    "near_miss",
)


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Phrase:
    """Co-occurrence of term groups: every group must match somewhere in the message."""

    pattern: str
    groups: tuple[tuple[str, ...], ...]
    weight: float = 0.0
    same_clause: tuple[bool, ...] = ()
    """Per group: True when joined to the group before it by ``~`` (same clause)."""

    @property
    def blocks(self) -> tuple[tuple[int, ...], ...]:
        """Indices of the groups that must share one clause (``~``), block by block."""
        out: list[list[int]] = []
        for i in range(len(self.groups)):
            if i and i < len(self.same_clause) and self.same_clause[i]:
                out[-1].append(i)
            else:
                out.append([i])
        return tuple(tuple(b) for b in out)


@dataclass(frozen=True)
class Category:
    id: str
    name_zh: str
    name_en: str
    description: str = ""
    keywords: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    """Normalised keyword -> weight."""
    phrases: tuple[Phrase, ...] = ()

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang.lower().startswith("en") else self.name_zh


@dataclass(frozen=True)
class Rule:
    """A named near-neighbour rule: when ``when`` matches, add weights to categories.

    With ``danger`` (kinds of danger), the rule fires only when the message also holds
    a danger of one of those kinds (live or lowered): "an old person + a medical
    danger" is an elderly-care emergency."""

    name: str
    when: Phrase
    add: Mapping[str, float]
    danger: tuple[str, ...] = ()


@dataclass(frozen=True)
class DangerKind:
    """One kind of danger (fire, gas, medical...): its terms and phrases, and the
    category it points to (with ``weight``) even when nothing else in the message does.
    ``outlasts``: ``resolved`` cues that do not end this kind (a gas smell outlasts the
    closed valve: only its going, or a check, ends it)."""

    name: str
    terms: tuple[str, ...] = ()
    phrases: tuple[Phrase, ...] = ()
    category: str | None = None
    weight: float = 0.0
    outlasts: tuple[str, ...] = ()


@dataclass(frozen=True)
class UrgencyRules:
    """Danger now. A danger term or phrase makes a message urgent unless its clause says
    the danger is past, hypothetical, habitual, reported, an annoyance (smoke from
    cigarettes) or was a near miss (``lower``); a "now" cue in the same clause cancels
    every kind of lowering except ``near_miss``, ``conditional``, ``belief`` and ``test``.
    A ``conditional`` cue (万一) lowers what follows it in its clause, up to a contrast
    word; a ``belief`` cue (以为) does the same and, when a contrast word follows it
    (以为着火了 结果是烧烤) or when what it believed was a danger (闻到焦味还以为着火了),
    also lowers what its clause told before it; a ``test`` cue
    (测试, 演习) lowers the whole message up to a contrast word after the last one; a
    ``resolved`` cue (没事了) lowers the danger told in its clause and before it."""

    kinds: tuple[DangerKind, ...] = ()
    ignore: tuple[str, ...] = ()
    negation: tuple[str, ...] = ()
    negation_window: int = 2
    negation_ignore: tuple[str, ...] = ()
    lower: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    now: tuple[str, ...] = ()
    live_boost: float = 1.0
    """A live (not lowered) danger adds its kind's weight times this to its category."""
    lowered_share: float = 1.0
    """A lowered danger (past, hypothetical...) adds its kind's weight times this."""

    @property
    def danger(self) -> tuple[str, ...]:
        """Every danger term, of every kind."""
        return tuple(dict.fromkeys(t for k in self.kinds for t in k.terms))

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        """Every danger phrase, of every kind."""
        return tuple(p for k in self.kinds for p in k.phrases)


@dataclass(frozen=True)
class Taxonomy:
    """Ordered categories plus the settings and rules that go with them."""

    source: str
    categories: tuple[Category, ...]
    min_confidence: float = 0.4
    confidence_scale: float = 2.0
    stacking: float = 1.0
    """Each further piece of evidence of a category counts this much of the previous."""
    negation: tuple[str, ...] = ()
    negation_window: int = 6
    negation_ignore: tuple[str, ...] = ()
    contrast: tuple[str, ...] = ()
    spelling: tuple[tuple[str, str], ...] = ()
    english: tuple[tuple[str, str], ...] = ()
    """English patterns and the Chinese they are read as (nlp/english.py)."""
    foreign: tuple[tuple[str, str], ...] = ()
    """Japanese and Korean words and the Chinese they are read as (nlp/foreign.py)."""
    neutral: tuple[str, ...] = ()
    """Words that belong to no category but hide the keywords inside them (单元门口)."""
    rules: tuple[Rule, ...] = ()
    urgency: UrgencyRules = field(default_factory=UrgencyRules)
    _by_id: Mapping[str, Category] = field(
        default_factory=lambda: MappingProxyType({}), init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({c.id: c for c in self.categories}))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    def get(self, category_id: str) -> Category:
        """The category with this id; ``KeyError`` if there is none."""
        try:
            return self._by_id[category_id]
        except KeyError:
            raise KeyError(category_id) from None

    def name(self, category_id: str, lang: str = "zh") -> str:
        """``"物业维修"`` for ``("repair", "zh")``, ``"Repairs"`` for ``("repair", "en")``."""
        return self.get(category_id).name(lang)

    def __contains__(self, category_id: object) -> bool:
        return category_id in self._by_id

    def __iter__(self):
        return iter(self.categories)

    def __len__(self) -> int:
        return len(self.categories)

    def all_keywords(self) -> frozenset[str]:
        """Every normalised keyword of every category."""
        return frozenset(k for c in self.categories for k in c.keywords)


# --------------------------------------------------------------------------- loading


def load_taxonomy(path: str | os.PathLike[str] | None = None) -> Taxonomy:
    """Read and validate a taxonomy file (YAML, or TOML by its ``.toml`` suffix)."""
    p = Path(path) if path is not None else DEFAULT_TAXONOMY
    name = str(p)
    try:
        raw_text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaxonomyError(f"{name}: taxonomy file not found.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{name}: cannot read the taxonomy file ({exc}).") from None
    try:
        if p.suffix.lower() == ".toml":
            data = tomllib.loads(raw_text)
        else:
            data = yaml.load(raw_text, Loader=_YAML_LOADER)  # a safe loader (C if available)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        detail = " ".join(str(exc).split())
        raise TaxonomyError(f"{name}: not a valid taxonomy file ({detail}).") from None
    return _Builder(name, data).build()


class _Builder:
    def __init__(self, source: str, data: Any) -> None:
        self.source = source
        self.data = data
        self.lexicon: dict[str, tuple[str, ...]] = {}
        self.spelling: tuple[tuple[str, str], ...] = ()

    # errors -------------------------------------------------------------------
    def fail(self, where: str, problem: str) -> TaxonomyError:
        where = f" {where}" if where else ""
        return TaxonomyError(f"{self.source}:{where} {problem}")

    # small readers ------------------------------------------------------------
    def number(self, value: Any, where: str, what: str, *, positive: bool = True) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise self.fail(where, f"{what} must be a number, not {value!r}.")
        if positive and value <= 0:
            raise self.fail(where, f"{what} must be greater than 0, not {value!r}.")
        if math.isinf(value):
            raise self.fail(where, f"{what} must be finite.")
        return float(value)

    def terms(
        self, value: Any, where: str, what: str, *, allow_empty: bool = False
    ) -> tuple[str, ...]:
        if value is None:
            value = []
        if isinstance(value, str) or not isinstance(value, list):
            raise self.fail(where, f"{what} must be a list of words, not {type(value).__name__}.")
        out: list[str] = []
        for item in value:
            if isinstance(item, int | float) and not isinstance(item, bool):
                item = str(item)  # 110, 119, 120 written without quotes
            if not isinstance(item, str):
                raise self.fail(where, f"{what} contains {item!r}, which is not a word.")
            if item.startswith("@"):
                out.extend(self.lexicon_ref(item, where))
                continue
            term = self.term(item, where, what)
            if term not in out:
                out.append(term)
        if not out and not allow_empty:
            raise self.fail(where, f"{what} is empty; list at least one word.")
        return tuple(out)

    def term(self, raw: str, where: str, what: str) -> str:
        term = " ".join(fold(raw).split())
        if not term:
            raise self.fail(where, f"{what} contains an empty word.")
        for src, dst in self.spelling:
            if src in term:
                raise self.fail(
                    where,
                    f"{what} word {raw!r} contains the misspelling {src!r}, which is "
                    f"rewritten to {dst!r} before matching, so it could never match.",
                )
        return term

    def lexicon_ref(self, ref: str, where: str) -> tuple[str, ...]:
        try:
            return self.lexicon[ref[1:]]
        except KeyError:
            raise self.fail(where, f"refers to {ref!r}, which is not defined in lexicon.") from None

    def phrase(self, pattern: Any, weight: float, where: str) -> Phrase:
        if not isinstance(pattern, str) or not pattern.strip():
            raise self.fail(where, f"phrase {pattern!r} must be a non-empty string.")
        groups: list[tuple[str, ...]] = []
        same_clause: list[bool] = []
        pieces = re.split(r"([+~])", pattern)
        for k in range(0, len(pieces), 2):
            part = pieces[k]
            same_clause.append(k > 0 and pieces[k - 1] == "~")
            alts: list[str] = []
            for alt in part.split("|"):
                alt = alt.strip()
                if not alt:
                    raise self.fail(where, f"phrase {pattern!r} has an empty alternative.")
                if alt.startswith("@"):
                    alts.extend(self.lexicon_ref(alt, where))
                else:
                    alts.append(self.term(alt, where, f"phrase {pattern!r}"))
            groups.append(tuple(dict.fromkeys(alts)))
        return Phrase(
            pattern=pattern.strip(),
            groups=tuple(groups),
            weight=weight,
            same_clause=tuple(same_clause),
        )

    def mapping(self, value: Any, where: str, what: str) -> Mapping[Any, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, f"{what} must be a mapping, not {type(value).__name__}.")
        return value

    # the whole file -----------------------------------------------------------
    def build(self) -> Taxonomy:
        data = self.data
        if not isinstance(data, dict):
            raise self.fail("", "the file must be a mapping with a 'categories' list.")
        known = {
            "version",
            "min_confidence",
            "confidence_scale",
            "stacking",
            "negation",
            "spelling",
            "english",
            "foreign",
            "lexicon",
            "categories",
            "rules",
            "urgency",
            "description",
            "neutral",
        }
        for key in data:
            if key not in known:
                raise self.fail(
                    "", f"unknown top-level key {key!r} (expected one of {sorted(known)})."
                )

        self.read_spelling(data.get("spelling"))
        english = self.read_english(data.get("english"))
        foreign = self.read_foreign(data.get("foreign"))
        self.read_lexicon(data.get("lexicon"))

        min_conf = self.number(
            data.get("min_confidence", 0.4), "", "min_confidence", positive=False
        )
        if not 0.0 <= min_conf <= 1.0:
            raise self.fail("", f"min_confidence must be between 0 and 1, not {min_conf}.")
        scale = self.number(data.get("confidence_scale", 2.0), "", "confidence_scale")
        stacking = self.number(data.get("stacking", 1.0), "", "stacking")
        if stacking > 1.0:
            raise self.fail("", f"stacking must be between 0 and 1, not {stacking}.")

        neg = self.mapping(data.get("negation"), "negation", "negation")
        negation = self.terms(neg.get("cues"), "negation", "cues", allow_empty=True)
        window = int(self.number(neg.get("window", 6), "negation", "window"))
        contrast = self.terms(neg.get("contrast"), "negation", "contrast", allow_empty=True)
        neg_ignore = self.terms(neg.get("ignore"), "negation", "ignore", allow_empty=True)

        neutral = self.terms(data.get("neutral"), "neutral", "neutral", allow_empty=True)
        categories = self.read_categories(data.get("categories"))
        ids = {c.id for c in categories}
        rules = self.read_rules(data.get("rules"), ids)
        urgency = self.read_urgency(data.get("urgency"), ids)
        kinds = {k.name for k in urgency.kinds}
        for rule in rules:
            for kind in rule.danger:
                if kind not in kinds:
                    raise self.fail(
                        f"rule '{rule.name}'",
                        f"needs danger kind {kind!r}, which urgency.danger does not define.",
                    )
        self.check_ambiguous(categories)

        return Taxonomy(
            source=self.source,
            categories=categories,
            min_confidence=min_conf,
            confidence_scale=scale,
            stacking=stacking,
            negation=negation,
            negation_window=window,
            negation_ignore=neg_ignore,
            contrast=contrast,
            spelling=self.spelling,
            english=english,
            foreign=foreign,
            neutral=neutral,
            rules=rules,
            urgency=urgency,
        )

    def read_spelling(self, value: Any) -> None:
        table = self.mapping(value, "spelling", "spelling")
        pairs: list[tuple[str, str]] = []
        for src, dst in table.items():
            if not isinstance(src, str) or not isinstance(dst, str):
                raise self.fail("spelling", f"entry {src!r}: {dst!r} must map a word to a word.")
            s, d = fold(src).strip(), fold(dst).strip()
            if not s or not d:
                raise self.fail("spelling", f"entry {src!r}: {dst!r} has an empty side.")
            if s == d:
                raise self.fail("spelling", f"entry {src!r} maps a word to itself.")
            pairs.append((s, d))
        # longest first, so the regex alternation prefers the longest misspelling
        pairs.sort(key=lambda kv: -len(kv[0]))
        self.spelling = tuple(pairs)

    def read_english(self, value: Any) -> tuple[tuple[str, str], ...]:
        table = self.mapping(value, "english", "english")
        pairs: list[tuple[str, str]] = []
        for src, dst in table.items():
            where = f"english {src!r}"
            if not isinstance(src, str) or not isinstance(dst, str):
                raise self.fail("english", f"entry {src!r}: {dst!r} must map words to words.")
            pattern = " ".join(fold(src).split())
            if not pattern.isascii() or not pattern_words(pattern):
                raise self.fail(where, "must be English words (ASCII), such as 'gas leak*'.")
            gloss = self.term(dst, where, "the gloss")
            if gloss.isascii():
                raise self.fail(where, f"is glossed as {dst!r}; a gloss is the Chinese it means.")
            pairs.append((pattern, gloss))
        return tuple(pairs)

    def read_foreign(self, value: Any) -> tuple[tuple[str, str], ...]:
        table = self.mapping(value, "foreign", "foreign")
        pairs: dict[str, str] = {}
        for src, dst in table.items():
            where = f"foreign {src!r}"
            if not isinstance(src, str) or not isinstance(dst, str):
                raise self.fail("foreign", f"entry {src!r}: {dst!r} must map a word to a word.")
            word = self.term(src, where, "the")  # also: no misspelling inside it
            if word.isascii():
                raise self.fail(where, "must be a Japanese or Korean word, such as 'ガス'.")
            if word in pairs:
                raise self.fail(where, f"is written twice (both read as {word!r}).")
            gloss = self.term(dst, where, "the gloss")
            if gloss.isascii():
                raise self.fail(where, f"is glossed as {dst!r}; a gloss is the Chinese it means.")
            if gloss == word:
                raise self.fail(where, "is read as itself; only words Chinese does not share need a gloss.")
            pairs[word] = gloss
        return tuple(pairs.items())

    def read_lexicon(self, value: Any) -> None:
        table = self.mapping(value, "lexicon", "lexicon")
        for key, words in table.items():
            if not isinstance(key, str) or not _ID_RE.match(key):
                raise self.fail("lexicon", f"name {key!r} must be lower case letters, digits or _.")
            self.lexicon[key] = self.terms(words, f"lexicon '{key}'", "the word list")

    def read_categories(self, value: Any) -> tuple[Category, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("", "'categories' must be a non-empty list.")
        seen: set[str] = set()
        out: list[Category] = []
        for i, raw in enumerate(value, 1):
            if not isinstance(raw, dict):
                raise self.fail(f"category #{i}", "must be a mapping with id, zh, en and keywords.")
            cid = raw.get("id")
            if not isinstance(cid, str) or not _ID_RE.match(cid):
                raise self.fail(
                    f"category #{i}",
                    f"has id {cid!r}; an id is a lower-case word such as 'repair'.",
                )
            where = f"category '{cid}'"
            if cid in seen:
                raise self.fail(where, "is defined twice (duplicate id).")
            seen.add(cid)
            for key in raw:
                if key not in {"id", "zh", "en", "description", "keywords", "phrases"}:
                    raise self.fail(where, f"has unknown key {key!r}.")
            zh, en = raw.get("zh"), raw.get("en")
            if (
                not isinstance(zh, str)
                or not zh.strip()
                or not isinstance(en, str)
                or not en.strip()
            ):
                raise self.fail(where, "needs a Chinese name (zh) and an English name (en).")
            keywords = self.read_keywords(raw.get("keywords"), where, cid)
            phrases = tuple(
                self.phrase(
                    pat, self.number(w, where, f"weight of phrase {pat!r}", positive=False), where
                )
                for pat, w in self.mapping(raw.get("phrases"), where, "phrases").items()
            )
            out.append(
                Category(
                    id=cid,
                    name_zh=zh.strip(),
                    name_en=en.strip(),
                    description=str(raw.get("description") or "").strip(),
                    keywords=MappingProxyType(keywords),
                    phrases=phrases,
                )
            )
        if FALLBACK_ID not in seen:
            raise self.fail(
                "",
                f"the required category '{FALLBACK_ID}' is missing; it is where messages "
                "below the confidence threshold go.",
            )
        return tuple(out)

    def read_keywords(self, value: Any, where: str, cid: str) -> dict[str, float]:
        if value is None or value == {} or value == []:
            if cid == FALLBACK_ID:
                return {}
            raise self.fail(where, "has an empty keyword list.")
        if not isinstance(value, dict):
            raise self.fail(
                where,
                "keywords must map a weight to a list of words, e.g. {3: [电梯, 漏水], 1: [坏了]}.",
            )
        out: dict[str, float] = {}
        for weight, words in value.items():
            if isinstance(weight, str):
                try:
                    weight = float(weight)
                except ValueError:
                    raise self.fail(where, f"keyword weight {weight!r} is not a number.") from None
            w = self.number(weight, where, "a keyword weight")
            for term in self.terms(words, where, f"keywords of weight {weight:g}"):
                if term in out and out[term] != w:
                    raise self.fail(
                        where,
                        f"lists keyword {term!r} twice, with weights {out[term]:g} and {w:g}.",
                    )
                out[term] = w
        if not out and cid != FALLBACK_ID:
            raise self.fail(where, "has an empty keyword list.")
        return out

    def read_rules(self, value: Any, ids: set[str]) -> tuple[Rule, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail("rules", "must be a list.")
        out: list[Rule] = []
        for i, raw in enumerate(value, 1):
            if not isinstance(raw, dict):
                raise self.fail(f"rule #{i}", "must be a mapping with name, when and add.")
            name = str(raw.get("name") or f"rule #{i}")
            where = f"rule '{name}'"
            when = self.phrase(raw.get("when"), 0.0, where)
            add_raw = self.mapping(raw.get("add"), where, "add")
            if not add_raw:
                raise self.fail(where, "has nothing under 'add'.")
            add: dict[str, float] = {}
            for cid, w in add_raw.items():
                if cid not in ids:
                    raise self.fail(where, f"adds weight to unknown category id {cid!r}.")
                add[cid] = self.number(w, where, f"the weight for {cid!r}", positive=False)
            for key in raw:
                if key not in {"name", "when", "add", "danger"}:
                    raise self.fail(where, f"has unknown key {key!r}.")
            danger_raw = raw.get("danger") or []
            if isinstance(danger_raw, str):
                danger_raw = [danger_raw]
            if not isinstance(danger_raw, list):
                raise self.fail(where, "danger must be a list of danger kinds.")
            danger = tuple(str(k) for k in danger_raw)
            out.append(Rule(name=name, when=when, add=MappingProxyType(add), danger=danger))
        return tuple(out)

    def read_urgency(self, value: Any, ids: set[str]) -> UrgencyRules:
        u = self.mapping(value, "urgency", "urgency")
        where = "urgency"
        for key in u:
            if key not in {"danger", "ignore", "negation", "lower", "now", "live_boost", "lowered_share"}:
                raise self.fail(where, f"has unknown key {key!r}.")
        kinds_raw = self.mapping(u.get("danger"), where, "danger")
        kinds: list[DangerKind] = []
        for name, raw in kinds_raw.items():
            kw = f"urgency danger '{name}'"
            raw = self.mapping(raw, kw, "a kind of danger")
            for key in raw:
                if key not in {"terms", "phrases", "category", "weight", "outlasts"}:
                    raise self.fail(kw, f"has unknown key {key!r}.")
            terms = self.terms(raw.get("terms"), kw, "terms", allow_empty=True)
            phrases_raw = raw.get("phrases") or []
            if not isinstance(phrases_raw, list):
                raise self.fail(kw, "phrases must be a list of patterns.")
            phrases = tuple(self.phrase(p, 0.0, kw) for p in phrases_raw)
            if not terms and not phrases:
                raise self.fail(kw, "has no terms and no phrases.")
            category = raw.get("category")
            if category is not None and category not in ids:
                raise self.fail(kw, f"points to unknown category id {category!r}.")
            weight = self.number(raw.get("weight", 0), kw, "weight", positive=False)
            outlasts = self.terms(raw.get("outlasts"), kw, "outlasts", allow_empty=True)
            kinds.append(
                DangerKind(
                    name=str(name),
                    terms=terms,
                    phrases=phrases,
                    category=category,
                    weight=weight,
                    outlasts=outlasts,
                )
            )
        if not kinds:
            raise self.fail(where, "has no danger terms or phrases; nothing could ever be urgent.")
        neg = self.mapping(u.get("negation"), where, "negation")
        lower_raw = self.mapping(u.get("lower"), where, "lower")
        for key in lower_raw:
            if key not in _LOWER_KINDS:
                raise self.fail(
                    where, f"lower has unknown kind {key!r} (expected {list(_LOWER_KINDS)})."
                )
        lower = {
            kind: self.terms(lower_raw.get(kind), where, f"lower.{kind}", allow_empty=True)
            for kind in _LOWER_KINDS
        }
        for k in kinds:
            stray = [t for t in k.outlasts if t not in lower["resolved"]]
            if stray:
                raise self.fail(
                    f"urgency danger '{k.name}'",
                    f"outlasts {stray[0]!r}, which is not in lower.resolved; list only "
                    "resolved cues there.",
                )
        return UrgencyRules(
            kinds=tuple(kinds),
            ignore=self.terms(u.get("ignore"), where, "ignore", allow_empty=True),
            negation=self.terms(neg.get("cues"), where, "negation cues", allow_empty=True),
            negation_window=int(
                self.number(neg.get("window", 2), where, "negation window", positive=False)
            ),
            negation_ignore=self.terms(
                neg.get("ignore"), where, "negation ignore", allow_empty=True
            ),
            lower=MappingProxyType(lower),
            now=self.terms(u.get("now"), where, "now", allow_empty=True),
            live_boost=self.number(u.get("live_boost", 1.0), where, "live_boost"),
            lowered_share=self.number(u.get("lowered_share", 1.0), where, "lowered_share"),
        )

    def check_ambiguous(self, categories: Iterable[Category]) -> None:
        owner: dict[str, tuple[str, float]] = {}
        for cat in categories:
            for term, w in cat.keywords.items():
                if term in owner:
                    other_id, other_w = owner[term]
                    if other_w == w:
                        raise self.fail(
                            f"category '{cat.id}'",
                            f"keyword {term!r} is also in '{other_id}' with the same weight "
                            f"{w:g}; give one of them a different weight to break the tie.",
                        )
                    if w > other_w:
                        owner[term] = (cat.id, w)
                else:
                    owner[term] = (cat.id, w)
