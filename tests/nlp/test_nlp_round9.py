"""The ninth round: holdout58-61 (a Changsha riverside neighbourhood, a Shenyang factory
district, a Guiyang hillside estate, a Suzhou canal town), probes22 (Cantonese typed by
older residents) and probes23 (English from helpers, spouses and teachers), written
after the eighth round's changes and run once with the product: 132 of 136 emergencies,
26 of 27 and 26 of 27; the rules alone 106 of 136, 15 of 27 and 20 of 27. Each kind the
product or the rules missed is written here in other words, on the rules alone."""

from __future__ import annotations

import pytest

from nlp import Classifier


@pytest.mark.parametrize(
    "text",
    [
        # despair: a roof after years of hardship, pesticide brought out, drunk
        "日子熬不下去了 今晚想去天台 跟你们说一声",
        "他说不想拖累家里 把老鼠药拿出来了",
        "我妈跟我爸吵完架把百草枯喝了 现在在吐",
        # a drunk father beating the mother, a child hiding
        "我爸喝醉了又在打我妈 我躲在房间里",
        # a child locked in with a pot on the fire
        "门打不开 屋里就我孙女一个 灶上还炖着汤",
        # water: a breach with old people inside, children in rising water, a railing
        "河堤冲开个口子 水往村里灌 好多老人还没走",
        "几个小孩在水里玩 水涨得好快 有个站不稳了",
        "桥边的护栏断了一截 还有人靠在上面拍照",
        # a lift stuck between floors, a head stuck in railings
        "电梯卡两层中间了 里头有个小孩在哭",
        "孩子的头卡进栏杆里了 拔不出来",
        # low blood sugar, a fever fit, drowning, a smell growing, a knife carried
        "我爸糖尿病 满头虚汗 说话对不上",
        # a stroke the patient waves away ("睡一觉就好了") is still a stroke
        "我妈说话含糊 嘴有点歪 她说睡一觉就好了",
        "娃娃发高烧 抽起来了",
        "河里有个人一上一下的 好像不会游泳",
        "厨房的怪味越来越浓 我头有点晕",
        "楼下有个男的拎着菜刀晃悠 嘴里骂骂咧咧",
        # someone inside while one hides; climbing in; a grandchild gone
        "听到客厅有人走来走去 我一个人在家 不敢出去",
        "有人翻窗进了隔壁 隔壁一家都回老家了",
        "我孙子在公园里走散了 到处找不到",
        "孩子刚才还在 一转眼就找不着了",
        # Cantonese and Wu spellings
        "對面座窗口有黑色嘅煙湧出嚟",
        "個細路仔爬咗出冷氣機位度企",
        "河边有个老伯伯滑下去了 上弗来",
        # English: water at the electric boxes, a battery in a mouth, a dog, a stranger
        "water coming in fast, already near the electric boxes",
        "the baby put a button battery in his mouth",
        "a dog is biting a kid and nobody can pull it off",
        "a man i dont know is trying our door handle, i am alone",
    ],
)
def test_emergencies_of_this_round_to_the_rules(rules: Classifier, text: str) -> None:
    assert rules.classify(text).urgent, text


@pytest.mark.parametrize(
    "text",
    [
        # hyperbole: wanting to die over paperwork, wanting to kill over noise, a head
        "想死的心都有了 这个证明跑了三趟",
        "楼上天天蹦迪 吵得我想杀人",
        "the drilling upstairs, my head is exploding",
        # a fire's cause asked after it was put out; a fire feared; a pot on a car
        "上周那场火已经扑灭了 想问问起火原因",
        "有人在楼下烧纸 怕引起火灾",
        "楼上掉下来个花盆 砸在我车上 幸好没人",
        # a question about what to do; a past swallow
        "if I smell gas what should I do, I call 119 or the property?",
        "last month my son swallowed a coin, he is fine now, is there a first aid class",
        # someone going door to door without anything in hand
        "晚上有人挨家挨户推门 看哪家没锁",
    ],
)
def test_look_alikes_of_this_round_are_no_emergency(rules: Classifier, text: str) -> None:
    assert not rules.classify(text).urgent, text
