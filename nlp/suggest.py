"""Propose new keywords from tickets staff corrected (and tickets left in ``other``).

Pure: the caller reads the corrections from the database and passes ``(text, correct
category)`` pairs; a person reviews the proposals and copies the good ones into the
taxonomy file. Nothing here changes the taxonomy.

For each sample, candidate words come from jieba's TF-IDF extraction (or TextRank) run
with the classifier's own tokenizer (so existing keywords stay whole words) on the
normalised text. A candidate is proposed for a category when

* it is not already a keyword of any category, and does not contain a keyword of that
  category (it would add nothing: the shorter keyword already matches);
* it is not a filler word of requests (社区, 能不能, 麻烦...);
* it occurs in at least ``min_count`` samples of that category, and in at least as many
  samples of that category as of all other categories together (it is distinctive).

Results are ordered by count, then by summed TF-IDF weight.
"""

from __future__ import annotations

import copy
import re
import threading
import warnings
from collections import defaultdict
from collections.abc import Iterable

from nlp.classifier import Classifier
from nlp.taxonomy import Taxonomy

__all__ = ["FILLER_WORDS", "suggest_keywords"]

# Words that occur in requests of every kind and decide nothing.
FILLER_WORDS = frozenset(
    """
    社区 物业 小区 我们 你们 他们 她们 自己 大家 这个 那个 这些 那些 这里 那里 哪里 什么
    怎么 怎么办 怎么样 为什么 能不能 可不可以 可以 能否 是不是 有没有 要不要 需要 需不需要
    一下 一个 一些 已经 一直 还是 还有 就是 但是 不过 因为 所以 如果 现在 今天 昨天 明天
    时候 问题 情况 事情 东西 地方 知道 觉得 谢谢 麻烦 请问 你好 您好 工作人员 帮忙 帮助
    处理 解决 反映 联系 电话 一次 两次 好几 几次 多少 到底 真的 特别 非常 太多 很多 不能
    不会 不是 没有 不要 不用 应该 希望 能够 时间 每天 天天 晚上 早上 下午 上午 中午 半天
    """.split()
)
_WORDLIKE = re.compile(r"^(?:[\u4e00-\u9fff]{2,}|[a-z][a-z'-]{2,})$")

_extractor_lock = threading.Lock()
_extractors: dict[str, object] = {}


def _base_extractor(method: str):
    """jieba's TF-IDF (IDF table loaded once) or TextRank extractor."""
    with _extractor_lock:
        if method not in _extractors:
            # jieba.analyse reads its IDF table with open(...).read() and never closes
            # the file: keep its ResourceWarning out of our callers' logs.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                import jieba.analyse  # heavy: loads the IDF table, so only when asked

                _extractors[method] = (
                    jieba.analyse.TFIDF() if method == "tfidf" else jieba.analyse.TextRank()
                )
        return _extractors[method]


def _extractor_for(classifier: Classifier, method: str):
    ex = copy.copy(_base_extractor(method))  # shares the read-only IDF table
    ex.stop_words = set(ex.stop_words) | FILLER_WORDS
    if method == "tfidf":
        ex.tokenizer = classifier.tokenizer
    else:
        import jieba.posseg

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            ex.tokenizer = ex.postokenizer = jieba.posseg.POSTokenizer(classifier.tokenizer)
    return ex


def suggest_keywords(
    samples: Iterable[tuple[str, str]],
    classifier_or_taxonomy: Classifier | Taxonomy,
    *,
    top: int = 10,
    min_count: int = 2,
    method: str = "tfidf",
) -> dict[str, list[tuple[str, int]]]:
    """Per category id, up to ``top`` proposed new keywords with the number of samples
    of that category that contain them.

    ``samples``: ``(text, correct category id)``. Samples whose category is not in the
    taxonomy are skipped. ``method``: ``"tfidf"`` (default) or ``"textrank"``.
    Categories without samples are absent from the result; a category with samples but
    nothing to propose maps to ``[]``."""
    if method not in ("tfidf", "textrank"):
        raise ValueError(f"method must be 'tfidf' or 'textrank', not {method!r}")
    if top < 1 or min_count < 1:
        raise ValueError("top and min_count must be at least 1")
    if isinstance(classifier_or_taxonomy, Classifier):
        classifier = classifier_or_taxonomy
    else:
        classifier = Classifier(classifier_or_taxonomy)
    taxonomy = classifier.taxonomy
    known = taxonomy.all_keywords() | frozenset(taxonomy.neutral)
    extractor = _extractor_for(classifier, method)

    # word -> category -> (samples containing it, summed weight)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    weights: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    seen_categories: list[str] = []
    for text, category in samples:
        if category not in taxonomy or not isinstance(text, str):
            continue
        if category not in seen_categories:
            seen_categories.append(category)
        norm = classifier.normalise(text)
        if not norm.strip():
            continue
        if method == "tfidf":
            tags = extractor.extract_tags(norm, topK=20, withWeight=True)
        else:
            tags = extractor.extract_tags(
                norm,
                topK=20,
                withWeight=True,
                allowPOS=("n", "nr", "ns", "nz", "vn", "v", "a", "an"),
            )
        for word, weight in tags:
            word = word.strip()
            if not _WORDLIKE.match(word) or word in known or word in FILLER_WORDS:
                continue
            counts[word][category] += 1
            weights[word][category] += float(weight)

    result: dict[str, list[tuple[str, int]]] = {}
    for category in (c for c in taxonomy.ids if c in seen_categories):
        own = taxonomy.get(category).keywords
        ranked: list[tuple[int, float, str]] = []
        for word, per_cat in counts.items():
            n = per_cat.get(category, 0)
            if n < min_count:
                continue
            if n < sum(v for c, v in per_cat.items() if c != category):
                continue
            if any(k in word for k in own if len(k) > 1):
                continue
            ranked.append((n, weights[word][category], word))
        ranked.sort(key=lambda t: (-t[0], -t[1], t[2]))
        result[category] = [(word, n) for n, _, word in ranked[:top]]
    return result
