"""The twelfth round: holdout70-73 (a Wenzhou neighbourhood of family workshops, a Xining
neighbourhood of Han, Hui and Tibetan residents, a Dalian seaside estate, an old Haikou
neighbourhood), probes28 (reports relayed by grid workers, neighbours and relatives) and
probes29 (elderly WeChat style, emoji codes and blessings), written after the eleventh
round's changes and run once with the product: 131 of 133 emergencies, 25 of 26 and 26
of 26; the rules alone 120 of 133, 21 of 26 and 23 of 26. Each kind missed is written
here in other words, on the rules alone."""

from __future__ import annotations

import pytest

from nlp import Classifier


@pytest.mark.parametrize(
    "text",
    [
        # a girl not home hours after school; a man following a child home
        "我闺女放学到现在还没回来 都八点了 全家都在找",
        "有个男的天天跟着我女儿 现在跟到楼下来了",
        # tiles still swinging above a near miss
        "外墙瓷砖又掉了一块 差点砸到人 上面还有一大片在晃",
        # drinks that were not drinks
        "孩子把洁厕灵喝了一口 现在一直吐",
        "我爸把除草剂当凉茶喝了 现在肚子痛",
        # despair: a post of apology with a roof; days that cannot go on; a locked bathroom
        "他发朋友圈说对不起爸妈 这辈子就这样吧 配了张天台的照片",
        "日子没法过了 药我都攒够了",
        "她把自己反锁在卫生间 里面有刀片 叫也不开门",
        # a smell at a lone elder's door; a stove off and still hissing
        "独居老人门口有刺鼻气味 敲门无回应",
        "灶台关了 还是有嘶嘶的声音 味道怪怪的",
        # a crack grown since the morning with someone inside
        "那面墙的裂缝比早上大了好多 阿婆还在屋里",
        # a small boy alone crying; an old woman lost in the cold
        "路口有个小男孩一个人在哭 附近没大人 说不清家在哪",
        "有个老太太在江边转悠 问她家住哪说不上来 冻得直哆嗦",
        # a battery in the mouth; children on cracking ice; shellfish
        "宝宝把纽扣电池塞嘴里了 不知道咽没咽下去",
        "冰面都裂缝了 两个小孩还往里走",
        "吃了毛蚶 现在上吐下泻 嘴唇发麻",
        # sheets and coconuts over people; a window prised
        "楼顶彩钢板被风掀开一半 底下是早市 人很多",
        "幼儿园门口椰子树上一串椰子快掉了 家长都站在底下",
        "有个男的在翘一楼的窗户",
    ],
)
def test_emergencies_of_this_round_to_the_rules(rules: Classifier, text: str) -> None:
    assert rules.classify(text).urgent, text


@pytest.mark.parametrize(
    "text",
    [
        # a dog following; hyperbole about noise and heat
        "我家狗天天跟着我 在楼下转一圈",
        "楼下打麻将 吵得我要爆炸了",
        "水泵坏了没水 热死了我要中暑了",
        "楼上电钻 我这心脏都快受不了了",
        # a fear for later; a question after a fire; a joke about wifi
        "老椰子挂着 怕掉下来砸人 该修剪了",
        "前天那场火烧完了 想问有没有人受伤",
        "我家wifi着火了哈哈 网速飞起",
        # a door banging in the wind
        "闭门器坏了 风一吹门就咣咣撞墙",
    ],
)
def test_look_alikes_of_this_round_are_no_emergency(rules: Classifier, text: str) -> None:
    assert not rules.classify(text).urgent, text
