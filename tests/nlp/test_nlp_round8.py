"""The eighth round: the misses of sets written at the end of the seventh round and run
once then (holdout50-53: Nanjing, Tianjin, Kunming, Lanzhou; a Cantonese set and an
English one), kept out of the repository for want of time. The product caught 128 of
135 of their emergencies; each kind missed is written here in other words, on the rules
alone."""

from __future__ import annotations

import pytest

from nlp import Classifier


@pytest.mark.parametrize(
    "text",
    [
        # despair with the means saved up and a goodbye
        "安眠药我攒够了 今晚以后就不拖累你们了",
        "绳子都买好了 谢谢大家这些年照顾",
        # a brother sending his passwords with an apology, then silence
        "我哥突然把存折密码都发给我了 说对不起 现在关机",
        # wild mushrooms eaten, then seeing things
        "我爸中午炒了野生菌 现在说屋里有好多小人",
        # icicles melting over a nursery door; a lift stopped with a sick man inside
        "托儿所门上那排冰溜子开始化了 一直往下滴",
        "部𨋢停咗 入面有個阿婆",
        # a screen over an audience
        "晚会的显示屏往前倾了 下面坐满了观众",
    ],
)
def test_emergencies_of_this_round_to_the_rules(rules: Classifier, text: str) -> None:
    assert rules.classify(text).urgent, text


@pytest.mark.parametrize(
    "text",
    [
        # mushrooms eaten long ago, pills ready for a check-up, icicles admired
        "上个月吃野生菌吐了一回 现在好了 想听听健康讲座",
        "药都准备好了 明天体检要带吗",
        "冰溜子太好看了 孩子们都在门口拍照",
        # a lift stopped with nobody said to be inside, a password forgotten
        "电梯停了 要等多久",
        "银行卡密码忘了 社区能帮忙吗",
    ],
)
def test_look_alikes_of_this_round_are_no_emergency(rules: Classifier, text: str) -> None:
    assert not rules.classify(text).urgent, text
