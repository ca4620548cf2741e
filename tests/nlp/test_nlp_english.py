"""English read through the glossary (nlp/english.py): the Chinese rules apply to it."""

from __future__ import annotations

from nlp import Classifier
from nlp.english import NBSP, Glossary
from nlp.normalize import clauses


def test_a_gloss_is_written_after_the_english_it_reads() -> None:
    g = Glossary([("swallow*", "吞了"), ("battery", "电池"), ("button battery", "纽扣电池")])
    out = g.apply("my son swallowed a button battery")
    assert out == f"my son swallowed吞了{NBSP}a button battery纽扣电池"
    # the longest pattern at a word wins; whole words only
    assert g.apply("batteryless") == "batteryless"


def test_apostrophes_are_ignored_and_phrases_stop_at_punctuation() -> None:
    g = Glossary([("cant breathe", "呼吸困难"), ("fell down", "摔倒")])
    assert g.apply("he can't breathe") == "he can't breathe呼吸困难"
    assert g.apply("he can\u2019t breathe") == "he can\u2019t breathe呼吸困难"
    assert g.apply("he fell, down there") == "he fell, down there"


def test_a_glossed_english_sentence_stays_one_clause() -> None:
    g = Glossary([("kid", "孩子"), ("window ledge", "窗台")])
    text = g.apply("kid standing on window ledge")
    assert len(clauses(text)) == 1
    # a resident's own space between Chinese words still cuts a clause
    assert len(clauses("电梯坏了 快来修")) == 2


def test_broken_english_reaches_the_chinese_danger_rules(clf: Classifier) -> None:
    rules = Classifier(clf.taxonomy)  # the rules alone, no learned model
    for text in [
        "my son swallow a button battery 5 min ago",
        "old man collapse near gate, not breathing",
        "kid standing on window ledge outside the railing, no adult",
        "smell like rotten eggs in kitchen, stove hissing",
        "a stranger pulling a little girl into a van, she keep crying",
        "grandpa has dementia, went out in slippers, its minus 10 and snowing",
    ]:
        r = rules.classify(text)
        assert r.urgent, text
        assert any(not k.isascii() for k in r.urgent_keywords), r  # a Chinese rule said so


def test_english_look_alikes_stay_calm(clf: Classifier) -> None:
    rules = Classifier(clf.taxonomy)
    for text in [
        "we park on one side of the road, is that allowed",
        "fire drill next tuesday at 10, please come",
        "my cat went missing, has anyone seen a grey cat",
        "someone post there is fire in block 2, fake news? i see nothing",
        "people smoke in the stairwell every evening",
        "smoke alarm beeping, no fire, just low battery",
    ]:
        assert not rules.classify(text).urgent, text


def test_english_everyday_requests_find_their_category(clf: Classifier) -> None:
    assert clf.classify("the lift in block 3 is broken again").category == "repair"
    assert clf.classify("rubbish piling up next to the bins, very smelly").category == "environment"
    assert clf.classify("how do I get a residence permit certificate").category == "affairs"
