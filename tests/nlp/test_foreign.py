"""Japanese and Korean read through the taxonomy's foreign table (nlp/foreign.py)."""

from __future__ import annotations

import pytest

from nlp import Classifier
from nlp.english import NBSP
from nlp.foreign import ForeignGlossary
from nlp.normalize import clauses


def test_a_gloss_is_written_after_the_word_with_its_ending() -> None:
    g = ForeignGlossary([("倒れ", "摔倒了"), ("ガス", "煤气"), ("ガス臭い", "煤气味")])
    assert g.apply("母が倒れた") == "母が倒れ摔倒了た"
    # the longest word wins
    assert g.apply("ガス臭い") == "ガス臭い煤气味"


def test_only_messages_with_kana_or_hangul_are_read() -> None:
    g = ForeignGlossary([("火事", "着火了")])
    assert g.apply("火事") == "火事"  # no kana: Chinese text is left alone
    assert g.apply("火事だ") == "火事着火了だ"


def test_a_korean_sentence_stays_one_clause() -> None:
    g = ForeignGlossary([("가스", "煤气"), ("냄새", "味道")])
    text = g.apply("가스 냄새 나요")
    assert text == f"가스煤气{NBSP}냄새味道{NBSP}나요"
    assert len(clauses(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "台所がガス臭い 头很晕",
        "おばあちゃんが倒れて動かない 3号楼",
        "子供が電池を飲み込んだ 怎么办",
        "隣の部屋から煙が出てる 没人开门",
        "エレベーターに閉じ込められた 出不来",
        "옆집에서 가스 냄새가 나요 문을 안 열어요",
        "할아버지가 쓰러졌어요 숨을 안 쉬어요",
        "아이가 약을 삼켰어요",
        "살려주세요 남편이 칼을 들고 있어요",
        "불이 났어요 2층이에요",
    ],
)
def test_japanese_and_korean_emergencies_reach_the_rules(rules: Classifier, text: str) -> None:
    assert rules.classify(text).urgent, text


@pytest.mark.parametrize(
    "text",
    [
        "ありがとうございました 你们很好",
        "ゴミの出し方を教えてください",
        "감사합니다 다음 주 행사 신청하고 싶어요",
        "엘리베이터 고장 났어요 5동",
        "昨日の火事は大丈夫でしたか",
    ],
)
def test_japanese_and_korean_look_alikes_stay_calm(rules: Classifier, text: str) -> None:
    assert not rules.classify(text).urgent, text


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("エレベーター故障 7号楼", "repair"),
        ("ゴミがずっと置いてある 很臭", "environment"),
        ("주차 자리에 다른 차가 있어요", "parking"),
        ("어린이집 신청은 어디서 해요", "education"),
    ],
)
def test_japanese_and_korean_requests_find_their_category(
    rules: Classifier, text: str, category: str
) -> None:
    assert rules.classify(text).category == category, text
