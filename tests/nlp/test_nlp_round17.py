"""The seventeenth round: holdout90-93 (a Hui neighbourhood of Yinchuan, Ningbo and
Zhoushan fishing communities, old Chengdu, a resettled village of left-behind elders and
children) and probes38 (messages of 200 to 1,000 characters with the request buried),
written while the sixteenth round was worked on and run once with its product: 127 of
128 emergencies and 22 of 22; the rules alone 115 of 128 and 21 of 22. Each kind
missed is written here in other words, on the rules alone."""

from __future__ import annotations

import pytest

from nlp import Classifier


@pytest.mark.parametrize(
    "text",
    [
        # water rising towards a distribution box
        "地下室进水漫到台阶了 配电箱就在旁边 还在往上涨",
        # a sign hanging by one side over a crowd; poles about to fall on a main road
        "大风把招牌刮松了 一边掉下来吊着 就在超市门口人最多的地方",
        "楼上晾衣杆被风吹得快掉了 下面是主路",
        # a lift stuck between floors with a woman and a child
        "电梯卡在两层当中 里面一个阿姨带小孩 按铃没人应",
        # someone sitting outside a railing by the water for a long time
        "江边有个人翻到护栏外面坐了老半天 看着不大对",
        # waves over a sea wall with old people refusing to leave
        "海堤那边浪都扑上来了 还有几个老人不肯走",
        # fire spreading to woodpiles and e-bikes
        "烧秸秆的火已经烧到楼后头的柴堆了",
        "有人烧垃圾桶 火窜到旁边电动车那边了",
        # a girl's goodbye and a phone not answered
        "那个女孩给我发了句再见了 然后电话都不接",
        # someone hanging outside a fourth floor, climbing balconies
        "有个人挂在四楼外面翻阳台 现在还在",
        # a grandson gone to the river, not back at dusk; a granddaughter late from school
        "我孙子去河边玩 到现在没回 天快黑了",
        "孙女放学一个多小时还没到家 平时十分钟就到",
        # a button battery missing from a remote, a toddler drooling
        "孩子把遥控器抠开了 里面的纽扣电池只剩一颗 一直流口水",
    ],
)
def test_emergencies_of_this_round_to_the_rules(rules: Classifier, text: str) -> None:
    assert rules.classify(text).urgent, text


@pytest.mark.parametrize(
    "text",
    [
        # a hot pot, a photo at a railing, a goodbye at the end of a visit
        "火锅店的火太旺了 能不能调小点",
        "在江边栏杆那拍了张照片 风景真好",
        "明天就回老家了 跟大家说再见了 谢谢照顾",
    ],
)
def test_look_alikes_of_this_round_are_no_emergency(rules: Classifier, text: str) -> None:
    assert not rules.classify(text).urgent, text
