"""Messages in toneless pinyin, read through the sounds of the taxonomy's words."""

from __future__ import annotations

import pytest

from nlp import Classifier
from nlp.pinyin import PinyinReader, syllables


def test_words_are_cut_into_syllables() -> None:
    assert syllables("laoren") == ("lao", "ren")
    assert syllables("dianti") == ("dian", "ti")
    assert syllables("zhuangle") == ("zhuang", "le")
    assert syllables("hello") is None
    assert syllables("") == ()


@pytest.mark.parametrize(
    "text",
    [
        "louxia you ge laoren yun dao le bu dong le kuai lai ren",
        "dianti ka zhu le wo he sunzi zai limian",
        "wo jia chu fang you mei qi wei",
        "lou dao li zhao huo le kuai lai ren",
    ],
)
def test_emergencies_in_pinyin_are_urgent(rules: Classifier, text: str) -> None:
    assert rules.classify(text).urgent, text


def test_a_request_in_pinyin_finds_its_service(rules: Classifier) -> None:
    result = rules.classify("qing wen yang lao jin zen me ling")
    assert not result.urgent
    assert result.category == "affairs"
    assert "养老金" in result.keywords


@pytest.mark.parametrize(
    "text",
    [
        "he ran to the bus",  # pinyin-shaped English words, too few to be pinyin
        "is there a yoga class for women on monday",
        "my son has a fever, where is the clinic",
    ],
)
def test_english_is_not_read_as_pinyin(text: str) -> None:
    reader = PinyinReader(["医院", "发烧", "瑜伽"])
    assert reader.read(text) is None


def test_homophones_in_the_taxonomy_are_all_written() -> None:
    reader = PinyinReader(["着火", "找活"])
    read = reader.read("wo xiang zhao huo gan")
    assert read is not None and "着火" in read and "找活" in read
