"""suggest_keywords(): proposals from corrected tickets, with counts."""

from __future__ import annotations

import pytest

from nlp import Classifier, load_classifier
from nlp.suggest import suggest_keywords


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return load_classifier()


SAMPLES = [
    ("楼下的沉淀池又满了 臭气往上冒", "environment"),
    ("沉淀池满了 什么时候来抽", "environment"),
    ("沉淀池堵了 粪水都溢出来了", "environment"),
    ("小区的快递驿站老是丢件", "other"),
    ("快递驿站几点关门", "other"),
    ("我要投诉快递驿站的态度", "other"),
    ("沉淀池的盖子松了", "repair"),  # one repair sample mentions 沉淀池 too
]


def test_proposes_new_distinctive_words_with_counts(clf: Classifier) -> None:
    result = suggest_keywords(SAMPLES, clf, top=5, min_count=2)
    assert result["environment"] == [("沉淀池", 3)]
    assert result["other"] == [("驿站", 3)]
    assert result["repair"] == []  # one sample only: below min_count


def test_existing_keywords_are_not_proposed(clf: Classifier) -> None:
    samples = [("电梯又坏了", "repair"), ("电梯坏了三天", "repair"), ("电梯不动", "repair")]
    result = suggest_keywords(samples, clf, min_count=2)
    assert all(word != "电梯" for word, _ in result["repair"])


def test_min_count_and_top(clf: Classifier) -> None:
    assert suggest_keywords(SAMPLES, clf, min_count=4)["environment"] == []
    many = [(f"窨井盖{i}号 窨井 排污口", "repair") for i in range(3)]
    result = suggest_keywords(many, clf, top=1, min_count=3)
    assert len(result["repair"]) == 1
    assert result["repair"][0][1] == 3


def test_word_common_to_other_categories_is_not_distinctive(clf: Classifier) -> None:
    samples = [
        ("驿站旁边的灯", "repair"),
        ("驿站门口有垃圾", "environment"),
        ("驿站门口停车", "parking"),
        ("驿站几点开", "other"),
        ("驿站电话多少", "other"),
    ]
    # 驿站: 2 in other, 3 elsewhere -> not proposed for other
    assert suggest_keywords(samples, clf, min_count=2)["other"] == []


def test_accepts_a_taxonomy_and_skips_unknown_categories(clf: Classifier) -> None:
    result = suggest_keywords([*SAMPLES, ("沉淀池", "sewage")], clf.taxonomy, min_count=2)
    assert "sewage" not in result
    assert result["environment"] == [("沉淀池", 3)]
    assert set(result) == {"repair", "environment", "other"}  # only categories with samples


def test_textrank_method_runs(clf: Classifier) -> None:
    result = suggest_keywords(SAMPLES, clf, method="textrank", min_count=2)
    assert set(result) == {"repair", "environment", "other"}
    for words in result.values():
        assert all(isinstance(w, str) and n >= 2 for w, n in words)


def test_bad_arguments(clf: Classifier) -> None:
    with pytest.raises(ValueError):
        suggest_keywords(SAMPLES, clf, method="bm25")
    with pytest.raises(ValueError):
        suggest_keywords(SAMPLES, clf, top=0)
