"""The fourth round: what one took for a danger (以为…结果), drills and alarm tests, a
conditional cue that stops at a contrast word, and the kinds two fresh sets showed
(holdout10, holdout11), each written here in other words than the sets'."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import Classifier

SMALL = """
negation:
  cues: [不是]
  contrast: [结果, 但是]
categories:
  - id: safety
    zh: 治安消防
    en: Safety
    keywords: {3: [消防]}
  - id: other
    zh: 其他
    en: Other
urgency:
  danger:
    fire: {terms: [着火, 冒烟], category: safety, weight: 3}
    intruder: {terms: [跟着我], category: safety, weight: 3}
  ignore: [不是演习, 跟着]
  lower:
    resolved: [没事了]
    conditional: [万一]
    belief: [以为]
    test: [演习]
  now: [现在]
"""


@pytest.fixture
def small(tmp_path: Path) -> Classifier:
    path = tmp_path / "tax.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return Classifier.from_file(path)


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        ("我以为着火了", False),
        ("闻到冒烟以为着火了 结果是邻居烧菜", False),  # told before the belief, turned by 结果
        ("闻到冒烟还以为着火了 吓一跳", False),  # the danger was what was believed
        ("冒烟了 以为着火了 一看真的着火了", True),  # a later clause says it is real
        ("以为是烧菜结果是着火了", True),  # after the turn it is real
        ("以为是烧菜，结果着火了", True),
        ("万一着火了", False),
        ("万一是烧菜但是着火了", True),  # a conditional reaches up to a contrast word
        ("今天消防演习 刚才冒烟了", False),  # a drill covers the whole message...
        ("今天消防演习 现在冒烟了", False),  # ...and a "now" cue does not undo it
        ("说是演习 结果真着火了", True),  # ...up to a contrast word after it
        ("不是演习 着火了", True),  # a denied drill is none
        ("着火了", True),
        ("刚才冒烟了 是锅烧干了 已经没事了", False),  # a later resolution beats an earlier "now"
        ("已经没事了 现在又冒烟了", True),
        ("有个男的一直跟着我", True),  # a word holding a whole ignore word and more counts
        ("孩子跟着爸爸走了", False),
    ],
)
def test_beliefs_tests_and_conditionals_reach_up_to_a_turn(
    small: Classifier, text: str, urgent: bool
) -> None:
    assert small.classify(text).urgent is urgent


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("厨房燃气灶那里一直呲呲响 味道很冲鼻子", "safety"),
        ("我老公刚才吃着饭嘴也歪了 话说得含糊不清", "health"),
        ("一个不认识的男的抱着个小男孩往小区外面走 孩子一直哭着喊妈妈", "safety"),
        ("我爸一个人住 今天电话一直不接 平常早上都会回消息的", "elderly"),
        ("一个人在家 突然头晕得站不起来 浑身冒汗", "health"),
        ("电动车电瓶鼓包了 还在滋滋响 发烫", "safety"),
        ("工地那边的脚手架倒了 下面好像压着人在喊", "safety"),
        ("有个男的骑电动车抢了老太太的项链 把她拖倒了 往东门跑了", "safety"),
        ("好朋友半夜发消息说以后不用管她了 然后就关机了 她之前说攒了好多安眠药", "health"),
        ("停车场一辆黑色轿车里有个宝宝 车门锁着 大人不知道去哪了 孩子哭得满头大汗", "safety"),
        ("有人从楼上往下扔砖头 楼下有人走", "safety"),
        ("挖掘机把然气管挖破了 一直在往外呲气", "safety"),
        ("公园门口有个不认识的老爷爷倒在地上 叫他没反应", "health"),
        ("我妈说胸口闷得慌 一直冒冷汗", "health"),
        ("小区门口那个铁栏杆漏电 刚才有个人碰了一下被电了 旁边还有小孩", "health"),
        ("一个男的尾随我到楼下 我躲进超市了 他还在外面等", "safety"),
        ("大风把一根大树枝刮断了 挂在半空晃 下面就是小学门口", "environment"),
        ("A man is lying on the ground near the gate, not moving", "health"),
        ("对面楼有个小娃娃站在窗台上 家里好像没人", "safety"),
        ("几个高中生在楼顶护栏外面坐着拍照", "safety"),
        ("有个男的坐在天台边上 腿在外面 说不想活了", "safety"),
        ("花坛边草丛里有条蛇在爬 旁边好多小朋友", "environment"),
        ("楼下马蜂满天飞 已经蛰了几个小孩", "environment"),
        ("台风把大树刮倒了 压着一辆车 车里有人在敲玻璃", "safety"),
        ("電梯門開著 裡面是空的沒有轎廂 門還開著", "repair"),
        ("菜场门口一个大爷倒在地上 叫他没反应", "health"),
        ("对面饭店后厨窜出火苗了 油烟机烧起来了", "safety"),
        ("路边窨井盖丢了 一个骑车的连人带车掉进去了 在下面喊", "safety"),
        ("楼道里一股刺鼻的化学味 好几个人在咳嗽", "safety"),
        ("工地脚手架上的钢管往下掉 下面就是上学的路", "safety"),
        ("招牌一边已经脱开了 被风吹得咣当响 下面是公交站", "safety"),
    ],
)
def test_emergencies_of_this_round(clf: Classifier, text: str, category: str) -> None:
    result = clf.classify(text)
    assert result.urgent, text
    assert result.category == category, (text, result)


@pytest.mark.parametrize(
    "text",
    [
        "我还以为谁家煤气漏了 结果是下水道堵了在返臭",
        "本来以为有人晕倒了 走过去一看是个睡觉的流浪汉在打呼",
        "今天下午物业测试火警警报 刚才响了好一阵 不用疏散吧",
        "消防演练的烟 大家别慌",
        "群里传3栋有人持刀伤人 是不是真的啊",
        "燃气表没漏气 就是想问怎么交燃气费",
        "电梯刚才晃了一下 没人被困 麻烦检修一下",
        "楼上水管爆了 总阀关了 现在就是吊顶泡坏了",
        "如果家里着火了 是先跑还是先打119",
        "不是煤气味哦 就是垃圾没人收 好臭",
        "刚才闻到焦糊味 原来是我家锅烧干了 已经没事了",
        "楼道烟感老是误报 半夜自己响",
        "隔壁每天熏香肠 烟飘进楼道 闻到焦味还以为着火了",
        "昨晚楼道有燃气味 燃气公司来查过了 阀门没关紧 已经弄好了",
        "燃气灶打不着火 没闻到什么气味 找谁修",
        "Our heater caught fire last night, we put it out ourselves and everyone is fine",
        "煎鱼冒烟把烟感弄响了 已经关火开窗了",
        "燃气报警器一直叫 原来是没电了 换了电池就好了",
        "车库道闸坏了 杆子抬不起来",
        "消防通道被车堵了 真有火灾消防车都进不来",
        "小伙子在天台上拍抖音 风景挺好",
        "垃圾好几天没人收 臭得要出人命了",
        "插座有点热 没冒烟也没味道 想找电工看看",
        "顶楼漏雨 墙皮一块一块往下掉",
        "万一有人掉进那个没盖的窨井怎么办",
    ],
)
def test_look_alikes_of_this_round_are_no_emergency(clf: Classifier, text: str) -> None:
    result = clf.classify(text)
    assert not result.urgent, (text, result.urgent_keywords)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("我是房东 租户要登记居住证 我要带什么", "affairs"),
        ("小区里马蜂窝被孩子捅了 马蜂追着人蜇", "environment"),
        ("楼下新开的饭馆天天排油烟 熏得衣服都是味", "environment"),
        ("上次小王帮我妈弄社保卡 谢谢她 真是好人", "other"),
        ("车位月租到期了 续费在哪里交", "parking"),
        ("楼道里打架留下的血迹好几天没人清理", "environment"),
        (
            "Someone pretending to be the police called me about my passport. Is it a scam?",
            "safety",
        ),
        ("How do I get a parking permit for my car?", "parking"),
        ("阳台上的花盆被风吹得快掉下去了 下面是人行道", "safety"),
        ("地下车库进水了 水还在涨 好多车没挪", "repair"),
        ("楼道烟感老是误报 能不能换一个", "repair"),
        ("我家楼下的监控坏了好几天了", "safety"),
        ("签约的家庭医生能上门看看我爸吗", "health"),
        ("Thank you, the lift is fixed already", "other"),
        ("昨天报的路灯今天就修好了 谢谢你们 效率真高", "other"),
        ("今年的退休认证还要去现场吗", "affairs"),
        ("我是聋人 社区有没有适合我的工作", "assistance"),
        ("门口的路结冰了 能不能撒点盐", "environment"),
        ("明天下午测试消防警铃 具体几点", "safety"),
        ("电梯今天搞困人应急救援演练 会停梯多久", "repair"),
        ("台风要来了 阳台花盆要不要收进来", "safety"),
        ("楼下草坪好久没修剪了 草都没过膝盖", "environment"),
        ("不是要投诉楼上 卫生间顶上渗水 可能是公共管道", "repair"),
        ("孩子老爬飘窗 想装隐形防护网 物业让装吗", "safety"),
        ("小区里车开得飞快 能不能装减速带", "parking"),
        ("群里在传有人贩子拐小孩 是真的吗", "safety"),
        ("电梯的年检合格证过期了 什么时候检", "repair"),
        ("幼儿园门口有只死猫", "environment"),
        ("家里燃气软管老化了 想换一根", "safety"),
        ("前天那场火把车棚里的电瓶车烧了 谁来赔", "safety"),
        ("上个月被邻居的狗咬了 到现在他们家也没个说法", "dispute"),
    ],
)
def test_near_neighbours_of_this_round(clf: Classifier, text: str, category: str) -> None:
    assert clf.classify(text).category == category, text
