"""The sixteenth round: holdout86-89 (Beijing hutong courtyards, Guangzhou arcade
buildings in Cantonese, Nanjing in the plum rains, a smart estate in Xiong'an), written
while the fifteenth round was worked on and run once with its product: 126 of 131
emergencies caught, the rules alone 113; then probes39 (messages cluttered with
forwarding headers, quotes, placeholders and voice-to-text marks): 21 of 21, the rules
alone 16. Each kind missed is written here in other words, on the rules alone; the
Cantonese ones in Cantonese."""

from __future__ import annotations

import pytest

from nlp import Classifier


@pytest.mark.parametrize(
    "text",
    [
        # a girl dragged towards a van
        "有个男的在巷子里拽个小姑娘往面包车上拖",
        # despair with a photo from a roof edge
        "对门小伙子说活着没劲 发了张站房顶边儿上的照片",
        # shut in a bathroom alone
        "我被关卫生间里了 门把手坏了 家里就我一人",
        # a manhole cover stolen in the dark
        "井盖被人偷了 黑灯瞎火的 骑车的差点栽进去",
        # Cantonese: back-flow into a flat, still rising
        "后巷返晒水 水入屋 仲系咁涨",
        # Cantonese: a sheet lifted by the wind, about to blow into the street
        "天台铁皮俾风吹起咗一边 嘭嘭声 随时吹落街",
        # Cantonese: a stroke at morning tea
        "阿爷饮茶个口歪咗 讲嘢唔清唔楚",
        # Cantonese: pills laid out, not wanting to be a burden
        "啲药摆好喺枱面 唔想再拖累屋企人",
        # a stranger kicking a lone old woman's door
        "有个陌生男人踢门踢了好久 屋里只有独居婆婆",
        # Cantonese: a soaked old woman who cannot say where she lives
        "有个阿婆坐喺路边 成身湿晒 问佢住边都唔识讲",
        # a solar heater's frame rusted through above a doorway
        "楼顶太阳能架子锈断了一半 风一吹直晃 下面是单元门",
        # a tree leaning, roots up, people below
        "大门口老槐树歪掉了 根都翘起来了 底下有人在走",
        # someone at the lock of a woman alone
        "有人在弄我家锁 我一个人在家",
        # a threat to open the gas on everyone, "not a joke"
        "隔壁男的说要开煤气大家一起死 不像开玩笑",
        # a baby licking a dishwasher tablet; a carbon monoxide alarm and dizziness
        "宝宝舔了洗碗块 嘴里都是泡沫",
        "一氧化碳报警器一直响 我头好晕",
        # cluttered messages: smoke told as "black", a lift by its side name, a quoted
        # farewell, a gas pipe hissing in dialect
        "[语音转文字] 对面楼那个窗户往外冒黑的 越来越多",
        "补充：2号楼东梯卡在5楼中间 里面有个小孩 按铃没人应",
        "转发：“日子没法过了 今晚就去楼顶” 他现在电话不接",
        "俺家灶那个管子嘶嘶响 一股味儿 不敢开灯",
    ],
)
def test_emergencies_of_this_round_to_the_rules(rules: Classifier, text: str) -> None:
    assert rules.classify(text).urgent, text


@pytest.mark.parametrize(
    "text",
    [
        # a parrot crying help; a slow computer "about to explode"
        "我家八哥学会喊救命了",
        "这破电脑是要爆炸吧",
        # failing eyesight; a missing manhole cover feared for the night
        "我姥姥眼睛几乎看不见了 怎么办残疾证",
        "楼下井盖没了 一个大洞 晚上看不见会掉进去",
    ],
)
def test_look_alikes_of_this_round_are_no_emergency(rules: Classifier, text: str) -> None:
    assert not rules.classify(text).urgent, text
