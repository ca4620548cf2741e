"""The fifteenth round: holdout82-85 (Harbin in deep winter, a Shenzhen urban village,
old Tianjin, Xiamen and Quanzhou), probes36 (internet slang and emoji) and probes37
(formal reports by grid workers and guards), written while the fourteenth round was
worked on and run once with its product: 128 of 128 emergencies, 22 of 22 and 21 of 21;
the rules alone 115 of 128, 21 of 22 and 18 of 21. Each kind the rules missed is
written here in other words, on the rules alone."""

from __future__ import annotations

import pytest

from nlp import Classifier


@pytest.mark.parametrize(
    "text",
    [
        # a drunken fight with bottles, a head split open
        "楼下两个喝大了的拿酒瓶子干起来了 脑瓜子开瓢了",
        # a fire lit for warmth indoors, smoke rising through the floors
        "楼道里有人拢火烤火 烟蹿到二楼了",
        # a child eating the inside of a hand warmer
        "孩子把暖宝宝撕开 吃了点里头的粉 咽下去了",
        # a burst roof tank, water down the stairs onto the meters
        "楼顶水箱爆了 水顺着楼梯往下冲 电表那层全湿透了",
        # a battery hissing and steaming with people still upstairs
        "楼道电动车电池滋滋响 还冒白气 楼上还有人",
        # a gas cylinder hissing after the valve is shut
        "厨房那个气罐一直丝丝响 阀门关了也没用",
        # someone silent in a locked bathroom for an hour
        "室友洗澡一个多钟还没出来 喊他没声 门锁着",
        # Cantonese: a child climbed out past the window ledge, no adult home
        "有个细路仔爬咗出窗台外面 屋企冇大人",
        # a leaning site hoarding; a crane swinging steel over a courtyard
        "围挡歪得厉害 下面是人行道",
        "塔吊吊着钢管在我们楼上头转悠",
        # a fall, a bleeding head, confusion
        "我爸在院里摔了 头磕台阶上出血了 人有点迷糊",
        # a sign half torn off over a bus stop
        "广告牌被风吹得半挂在楼上 咣咣响 底下好多人在等车",
        # Minnan: collapsed in the kitchen and will not wake
        "阿嬷倒在灶脚 叫袂醒",
        # formal reports: a lone elder's paper not taken; tiles fallen over a path
        "网格员报告：独居老人两天未取报纸，电话无人接听",
        "外墙面砖空鼓，已脱落一块，正下方是小区主通道",
    ],
)
def test_emergencies_of_this_round_to_the_rules(rules: Classifier, text: str) -> None:
    assert rules.classify(text).urgent, text


@pytest.mark.parametrize(
    "text",
    [
        # poisoning heard of in the next village; a pan fire out under its lid
        "听说邻村有人煤气中毒了",
        "火不大 盖上锅盖就灭了",
        # a fitter who found nothing wrong; wanting to dance after work
        "师傅看过说没事 就是想问问换不换管子",
        "下班想跳跳操 哪里有场地",
        # a meter box soaked in last year's flood
        "去年发大水电箱都泡了 今年能不能提前检查",
    ],
)
def test_look_alikes_of_this_round_are_no_emergency(rules: Classifier, text: str) -> None:
    assert not rules.classify(text).urgent, text
