"""Arbitrary text never breaks the classifier."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp import Classification, Classifier, load_classifier

CLF: Classifier = load_classifier()
CLF.warm_up()
IDS = set(CLF.taxonomy.ids)


def check(result: Classification) -> None:
    assert isinstance(result, Classification)
    assert result.category in IDS
    assert 0.0 <= result.confidence <= 1.0
    assert isinstance(result.urgent, bool)
    assert all(isinstance(k, str) and k for k in result.keywords)
    assert all(isinstance(k, str) and k for k in result.urgent_keywords)
    assert bool(result.urgent_keywords) == result.urgent


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_never_raises(text: str) -> None:
    check(CLF.classify(text))


# Text made of the pieces messages are made of: Chinese (simplified and traditional),
# keywords, English, digits, emoji, punctuation and control characters.
_PIECES = st.sampled_from(
    [
        "电梯", "坏了", "漏水", "煤气味", "着火", "不是", "昨天", "万一", "樓道", "燈",
        "ＡＢＣ", "lift", "leak", "fire", "120", "😡", "🔥", "\u200b", "\x00", "\u202e",
        "！", "，", " ", "\n", "修", "灯", "猫眼", "救命", "差点", "是不是",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=40).map("".join))
def test_mixed_pieces_never_raise(text: str) -> None:
    check(CLF.classify(text))


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\t",
        "😡😡😡🔥🙏👍",
        "🏳️‍🌈👨‍👩‍👧‍👦",
        "电" * 4096,
        ("3幢电梯又坏了 楼道里煤气味很重 " * 300)[:4096],
        "a" * 4096,
        "\x00\x01\x02\x1b[31m\x7f",
        "电梯\x00坏了",
        "\u202e\u200b\u200d\ufeff电梯坏了",
        "\ud800\udfff电梯",  # lone surrogates
        "\ue000私用区",
        "Lift 坏了 ليفت 壊れた 엘리베이터 лифт сломан",
        "ｅｌｅｖａｔｏｒ　ＢＲＯＫＥＮ",
        "𠀀𠀁𪚥 (CJK extension B)",
        "!!!???。。。",
        "不是不是不是不是",
        "+|@*",
        "x" * 20000,
    ],
)
def test_edge_cases(text: str) -> None:
    check(CLF.classify(text))


def test_the_longest_message_is_read_to_its_end() -> None:
    # its speed is measured by bench/classify_speed.py, not here (a timed test failed
    # under a loaded CI machine); here: a danger in the last words of 4,096 still counts
    text = ("楼上漏水到我家 跟他说了好几次 他死活不认 电梯也坏了 " * 200)[: 4096 - 6] + " 煤气味很重"
    assert len(text) == 4096
    result = CLF.classify(text)
    assert result.urgent and "煤气" in "".join(result.urgent_keywords)


def test_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        CLF.classify(None)  # type: ignore[arg-type]
