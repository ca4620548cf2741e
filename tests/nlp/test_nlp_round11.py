"""The eleventh round: holdout66-69 (a Nanchang riverside neighbourhood with workshops, a
Hohhot and Baotou estate, an old Taiwanese apartment block, a Nanning and Liuzhou
neighbourhood), probes26 (very short messages) and probes27 (long rambling ones with
the danger in the middle), written after the tenth round's changes and run once with
the product: 133 of 134 emergencies, 21 of 21 and 18 of 21; the rules alone 114 of
134, 17 of 21 and 18 of 21. Each kind missed is written here in other words, on the
rules alone."""

from __future__ import annotations

import pytest

from nlp import Classifier


@pytest.mark.parametrize(
    "text",
    [
        # despair: pills saved for months and no wish to wake; life without meaning
        "安眠药我攒着好几个月了 今晚睡了就不想再醒了",
        "活着也没什么意思了 药我都攒了一瓶",
        "活著好累 藥都存好了",
        # a button battery gone from a toy, a toddler drooling, dismissed by others
        "遥控器的纽扣电池不见了 宝宝一直流口水 家里人说应该没事",
        # a child in a hot car, told in passing
        "停车场那辆车里有个小孩 满头是汗 车窗关着 大人不在",
        # a lift stuck between floors, said in four words
        "电梯卡了 里头有人",
        # someone climbing bars into an empty flat; torchlight where nobody is home
        "有人顺着防盗网往三楼爬 那家没人",
        "邻居一家回老家了 屋里有手电筒的光在晃",
        # someone at the lock or the window while one is alone
        "有人在门口捅锁 我一个人在家 不敢出声",
        "后阳台有人在拉纱窗 我不敢开灯",
        # a retaining wall shedding earth, an air conditioner hanging by one side
        "挡土墙一直在掉土 下面还住着人",
        "地震后空调架断了一边 空调吊着 下面是小学门口",
        # a woman crying and shouting, thuds; workers down in a paint smell
        "隔壁又在打 女的一直喊 还撞到墙了",
        "作坊门口倒了两个工人 油漆味冲得很",
        # locked in a store room; water in and old people still inside
        "我被锁在仓库里了 喊了没人听到",
        "水已经进屋了 几个老人腿脚不方便还没出来",
        # mushrooms picked on a hill; a gondola tilting; Taiwanese and Cantonese words
        "吃了山上的菌子 全家都吐",
        "外墙吊篮歪了 工人挂在半空",
        "瓦絲味好重 整層都是",
        "阿妈讲话讲唔清楚 半边面歪咗",
        # an old father gone out and not back, muddled
        "我爹出门没回 他有点糊涂",
    ],
)
def test_emergencies_of_this_round_to_the_rules(rules: Classifier, text: str) -> None:
    assert rules.classify(text).urgent, text


@pytest.mark.parametrize(
    "text",
    [
        # a cat fallen, heat and anger as explosions, a fear of someone falling
        "有只猫从楼上摔下来 死在花坛里了",
        "天气热到爆炸",
        "楼上拖椅子 拖到我快爆炸",
        "停车费又涨了 气得我冒火",
        "栏杆断了一截 怕有人掉下去 请尽快修",
        # fires feared later, a flood feared next typhoon
        "电池放在楼道充电 真的烧起来怎么办",
        "抽水机坏了 到时候淹水怎么办",
        # a rumour asked about; a child who swallowed something, seen by a doctor
        "群里传有人持刀 是不是真的",
        "孩子吞了个硬币 医生说没事了",
    ],
)
def test_look_alikes_of_this_round_are_no_emergency(rules: Classifier, text: str) -> None:
    assert not rules.classify(text).urgent, text
