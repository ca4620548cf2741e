"""The tenth round: holdout62-65 (a Chaoshan and Hakka neighbourhood, an Urumqi and
Lanzhou neighbourhood where many write Chinese as a second language, a new Hangzhou
estate of young tech workers writing in internet slang, a Henan township merged into a
city), probes24 (elderly typing: homophones, no punctuation, some pinyin) and probes25
(English and Chinese mixed in one message), written after the ninth round's changes and
run once with the product: 132 of 134 emergencies, 23 of 27 and 27 of 27; the rules
alone 115 of 134, 22 of 27 and 22 of 27. Each kind missed is written here in other
words, on the rules alone; pinyin has its own tests (test_pinyin.py)."""

from __future__ import annotations

import pytest

from nlp import Classifier


@pytest.mark.parametrize(
    "text",
    [
        # farewells: thanks for the years of care, belongings and keys left, pills ready
        "谢谢大家这些年照顾 钥匙放在门口地垫下面了 以后就不麻烦你们了",
        "活着有什么意思 药都准备好了 就这样吧",
        # a wall leaning over old men at its foot; a hoarding pinning a rider
        "那堵老土墙往外鼓了 墙根底下还有人坐着晒太阳",
        "大风把围挡刮倒了 压住一个人 还在下面 我们抬不动",
        # a child shut in a car in the sun; scalded by boiling water
        "停车场一辆车里关着个小孩 太阳晒着 哭得没声了",
        "孩子打翻了开水 胳膊上起了好多泡",
        # a child who ate a pill found outside; froth at the mouth
        "孩子在花坛捡了个药丸吃了 现在肚子疼",
        "我孙子喝了一口打药剩的水 嘴里冒白沫",
        # smoke thick on the stairs; a pesticide smell with dizziness
        "楼道烟太大了 不知道哪家着了",
        "楼道里一股药味 我和孩子都头晕想吐",
        # a girl pulled towards a car; a man following into the garage
        "有个男的拽着个小女孩往车上拉",
        "地库里有个男的一直跟着我 我锁着车门不敢下车",
        # a sickle carried chasing someone; a grandchild gone while one answered a message
        "楼下有人掂着镰刀撵人",
        "我闺女刚才还在这 我回个消息的功夫就不见了",
        # icicles over a busy gate; tiles falling into a lane; a crane over a school gate
        "大门上头的冰溜子掉下来一根 进进出出的人多",
        "老屋的瓦一直往巷子里掉 孩子们放学要走这条巷",
        "塔吊晃得厉害 就在小学门口上方",
        # wild mushrooms, signs without the eating
        "邻居送的野蘑菇 现在全家上吐下泻",
    ],
)
def test_emergencies_of_this_round_to_the_rules(rules: Classifier, text: str) -> None:
    assert rules.classify(text).urgent, text


@pytest.mark.parametrize(
    "text",
    [
        # hyperbole: a throat on fire from chillies, a leap over noise, exploding in place
        "这辣椒酱辣得我喉咙都着火了 哈哈",
        "楼上吵得我都想跳楼了",
        "等电梯等到原地爆炸",
        "物业办事太慢 我都快气冒烟了",
        # a detector asked for, a wire hanging from a window, a lost corgi
        "社区发不发一氧化碳报警器",
        "电线从楼上吊下来给电动车充电 太危险了",
        "我家柯基跑丢了 有人看见吗",
        # over: the lift moved again, someone saved, nobody inside, no fire, no blood
        "电梯困了我几分钟 后来自己又动了",
        "去年有人喝农药 救回来了 想学学急救",
        "电梯又卡住了 没人在里面 能不能好好修",
        "烟感一直叫 没着火 是我炒菜",
        "手割了个口子 已经不流血了 要打破伤风吗",
        # a heat threatened, not felt; pushing a wheelchair past bikes
        "空调坏了 再不修我要中暑了",
        "电动车堵着门口 我推我爹的轮椅过不去",
    ],
)
def test_look_alikes_of_this_round_are_no_emergency(rules: Classifier, text: str) -> None:
    assert not rules.classify(text).urgent, text
