"""The thirteenth round: holdout74-77 (a Jinan neighbourhood of spring-water alleys, an
old Fuzhou neighbourhood, a Shijiazhuang estate, a Yanji neighbourhood of Korean-Chinese
residents), probes30 (children and teenagers writing) and probes31 (hard look-alikes, a
third of them real), written after the twelfth round's changes and run once with the
product: 133 of 135 emergencies, 23 of 23 and 14 of 14 (3 false alarms in 26
look-alikes); the rules alone 119 of 135 and 21 of 23. Each kind missed is written
here in other words, on the rules alone."""

from __future__ import annotations

import pytest

from nlp import Classifier


@pytest.mark.parametrize(
    "text",
    [
        # tiles flying off a roof over a lane; a sign banging over a kindergarten gate
        "大风把屋顶的瓦片一片一片吹下来 巷子里还有人经过",
        "楼顶的大牌子哐当哐当响 底下是幼儿园门口",
        # a stove smell growing, the lighter failing; a valve that will not close
        "灶台那有股味儿 越来越大",
        "燃气灶的阀门关不上了 一直嘶嘶响",
        # a child on a window ledge; a younger brother out on the air-conditioner bracket
        "窗台上坐了个小孩 脚伸在外面 大人不在家",
        "弟弟爬到窗台上了 窗户开着",
        # a sister gone the moment one looked away; a child found and lost again
        "我妹妹刚才还在 我一回头就不见了",
        "孩子不见了 原来在楼下 现在又跑没了",
        # someone still inside a prised flat; a man following a daughter and circling
        "邻居家窗户被撬开了 有人还在里面翻东西",
        "有个男的一直跟我女儿到楼下 现在还在转来转去",
        # scalds, pufferfish, mushrooms, a fall into a pool, a house collapsed on someone
        "开水烫到了 手臂起大泡 皮都掉了",
        "吃了河豚干 嘴唇麻 手脚没力",
        "吃了山上采的蘑菇 一家人又吐又拉",
        "有个小孩掉池子里了 水挺深",
        "老屋塌了 奶奶压在底下 我们扒不开",
        # a pickle jar half over a balcony edge above a doorway
        "阳台上那口大缸探到外边了 风一刮直晃荡 底下是单元门口",
        # despair with the pills to be taken tonight
        "我熬不下去了 安眠药攒了一瓶 今晚想全吃掉",
    ],
)
def test_emergencies_of_this_round_to_the_rules(rules: Classifier, text: str) -> None:
    assert rules.classify(text).urgent, text


@pytest.mark.parametrize(
    "text",
    [
        # a sister found at a friend's; a younger brother to be treated later
        "我妹妹不见了 原来在同学家",
        "我弟弟刚从外地回来 回头请他吃饭",
        # homework as blood spat
        "辅导孩子写作业 我要吐血了",
        # a door banging in the wind; a dog following its owner
        "闭门器坏了 风一吹门咣咣响",
        "我家狗一直跟着我 在楼下转来转去",
    ],
)
def test_look_alikes_of_this_round_are_no_emergency(rules: Classifier, text: str) -> None:
    assert not rules.classify(text).urgent, text
