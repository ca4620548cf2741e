"""The eighth round. First the misses of sets written at the end of the seventh round and
run once then (holdout50-53: Nanjing, Tianjin, Kunming, Lanzhou; a Cantonese set and an
English one), kept out of the repository for want of time: the product caught 128 of
135 of their emergencies. Then holdout54-57 (a Xi'an walled-city neighbourhood, a
Shanghai shikumen lane, a Qingdao coastal estate, a Hefei resettlement community),
probes20 (Cantonese) and probes21 (English), run once after the first changes: 132 of
135, 23 of 26 and 25 of 28. Each kind missed is written here in other words, on the
rules alone."""

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
        # holdout54-57: days without answering, the milk not taken in; water round a
        # bed-bound man; gas misspelt; a child gone the moment one looked away
        "我姨一个人住 三天没接电话了 门口的牛奶也没人取",
        "一楼的王大爷瘫在床上 水已经漫进屋了 他自己出不来",
        "楼道里一股煤起味 好冲",
        "我孙子刚在滑梯那玩 一转头就不见了 才三岁",
        # Cantonese: pills saved and tonight a burden no more; a mother not answering
        "我頂唔住喇 啲安眠藥儲咗好耐 今晚食晒佢",
        "阿媽自己住 打咗好多次電話都冇人聽",
        # English: no reaction and blue lips; pills ready and a goodbye; water at a light
        "old lady on the stairs, I shook her, no reaction, lips going blue",
        "my friend sent 'thanks for everything' and has the pills ready, not picking up",
        "water dripping from the light in the bathroom and it keeps flickering",
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
        # holdout54-57's false alarms: hyperbole, a question about first aid, a false alarm
        # of the smoke detector, a scratch without blood
        "楼上天天砸墙 吵得我心脏病都快犯了",
        "孩子作业写得我气得要晕过去",
        "老人误吞东西应该怎么急救？想报个急救培训",
        "烟感半夜乱叫 一点烟都没有也叫",
        "a cat scratched my son, no blood, where to get a rabies shot",
        "楼上扔烟头 把我晒的被子烧了好几个洞",
        "早上有点煤气味 师傅来看过了 现在没味了",
    ],
)
def test_look_alikes_of_this_round_are_no_emergency(rules: Classifier, text: str) -> None:
    assert not rules.classify(text).urgent, text
