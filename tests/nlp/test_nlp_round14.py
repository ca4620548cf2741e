"""The fourteenth round: holdout78-81 (Lanzhou work-unit housing by the Yellow River,
Wuhan lakeside estates in a hot summer, a Chongqing hillside of stairs, Kunming and
Dali), probes32 (foreign residents writing partly in Japanese or Korean) and probes33
(messages sent between midnight and five), written after the thirteenth round and run
once with the product: 129 of 130 emergencies, 20 of 22 and 22 of 22; the rules alone
121 of 130, 12 of 22 and 19 of 22. Then probes34 (residents with disabilities and their
carers) and probes35 (follow-ups to reports already made): 22 of 22 and 21 of 21, the
rules alone 18 and 19. Each kind missed is written here in other words, on the rules
alone; Japanese and Korean have their own tests in test_foreign.py."""

from __future__ import annotations

import pytest

from nlp import Classifier


@pytest.mark.parametrize(
    "text",
    [
        # a child caught in window bars, hanging outside
        "二楼有个娃卡在防盗窗里 身子吊在外头",
        # a television on all day at a lone neighbour's, no answer
        "楼上奶奶家电视开了一整天 喊她冇得人应 她一个人住",
        # water pouring into an underground car park with people still below
        "地下车库往下灌水 好多人还在下面挪车 水到车门了",
        # despair: a jump planned, the phone dead; pills laid out and photographed
        "同事说活着没有意思 想从楼顶跳下 电话打不通了",
        "把安眠药都摆出来拍给我看 现在电话打不通",
        # despair with the pills bought and "tonight"
        "活着真没意思 药都买好了 今晚就算了",
        # a gas water heater, a mother dizzy in the bathroom
        "热水器开着洗了个澡 我婆婆头晕想吐 趴在床上",
        # a child collected by a stranger
        "我儿子被陌生人从学校接走了 我们没让人接",
        # stones rolling down a slope onto houses
        "后山上的石头往下滚 下面就是人家",
        # charcoal grilling indoors with the windows shut
        "在家用炭烤肉 门窗都关着 现在大家头很晕",
        # a child gone for half an hour; a barefoot toddler crying with no adult
        "孙女在楼下玩 二十分钟不见了",
        "路边有个小孩光着脚在哭 没看到大人",
        # thrown out by a landlord with children into the cold
        "房东把我们撵出来了 带着宝宝 外面零下",
        # a blind resident followed and grabbed; a woman dragged by the hair
        "有人跟着我 刚才还扯我的包",
        "隔壁男的揪着头发把她往地上摔",
        # tiles lifting on an outer wall over a school gate
        "外墙的面砖松了一大片 风一吹哗啦哗啦 下面是幼儿园",
        # a stair-lift stopped half-way with an old man on it
        "爬楼机卡在半截 我奶奶还坐在上面 下不来",
        # a stranger working at a neighbour's lock; flowerpots thrown at people below
        "那个可疑的人正在弄隔壁的锁",
        "现在扔花盆了 楼下好多人在乘凉",
    ],
)
def test_emergencies_of_this_round_to_the_rules(rules: Classifier, text: str) -> None:
    assert rules.classify(text).urgent, text


@pytest.mark.parametrize(
    "text",
    [
        # a dream of fire; a threat called hot words; poisoning heard of every year
        "梦到家里进水了 吓醒了",
        "他说要砍死那个中介 气话吧",
        "年年都听说有人吃菌子中毒 怎么分辨",
        # heat-stroke medicine; a fire asked about afterwards; a game shouted at night
        "社区发防中暑的药吗",
        "那边的火 有人受伤没",
        "楼上孩子打游戏喊打喊杀 吵到半夜",
        # strangers looking round an alley; a dead cat dumped in a hedge
        "两个陌生人在弄堂里转来转去拍照",
        "有人往绿化带里扔了个死猫 臭得很",
    ],
)
def test_look_alikes_of_this_round_are_no_emergency(rules: Classifier, text: str) -> None:
    assert not rules.classify(text).urgent, text
