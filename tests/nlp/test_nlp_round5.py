"""The fifth round: the kinds eight fresh sets showed (holdout16-19: a northern winter, a
southern high-rise, a resettlement estate, an old street in autumn; holdout20-21: a
university district, a Spring Festival fortnight; holdout22-23: walk-ups getting lifts, a
hillside city in the rains), each written here in other words than the sets'."""

from __future__ import annotations

import pytest

from nlp import Classifier


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # a seizure, a collapse, someone who barely answers
        ("菜场门口一个大哥突然倒下去了 浑身抽 嘴边都是白沫", "health"),
        ("喊了老半天他都不太答应 眼睛半睁着", "health"),
        # things hanging over people, trees about to come down, swinging loads
        ("五楼阳台顶上那块水泥裂开了 悬在半空 下面就是单元门口 人来人往", "safety"),
        ("那棵老槐树根都翘起来了 一刮风就往一边歪 底下好多小孩在玩", "environment"),
        ("工地吊车吊着一堆钢管在晃来晃去 底下还有工人在走", "safety"),
        # a snake where children are
        ("单元门口盘着一条蛇 小孩吓得不敢出来", "environment"),
        # threats at the door
        ("隔壁男的拿脚踹我家门 说要砸烂我的车 我一个人在家好怕", "safety"),
        # runaway vehicles, traffic endangering children now
        ("坡上一辆三轮车刹车失灵了往下冲 下面是幼儿园门口", "parking"),
        ("学校门口的车乱成一锅粥 刚才差点撞到学生 现在还是没人管 快派人来", "parking"),
        # children in fast water without adults
        ("三个小孩在江边下水玩 今天水大得很 旁边一个大人都没有", "safety"),
        # anyone half out of a window
        ("对面楼有个人坐在窗边 半个身子探出去了 喊他也不理", "safety"),
        # someone trying to take a child, still there
        ("公园里一个陌生女人想抱走别人家小孩 被妈妈拦住了 那女的现在还在转悠", "safety"),
        # fumes from a coal stove
        ("婆婆屋里生着煤炉子 人迷迷瞪瞪的 叫半天才哼一声", "safety"),
        # every way of naming a child reaches the danger phrases (伢, 小姑娘, 囡...)
        ("有个陌生男的拽着个小姑娘往外走 小姑娘一直哭 不像她家的人", "safety"),
        # an open lift shaft, a break-in told in English, wasps chasing children
        ("3栋电梯门一直开着 里面没有轿厢 黑洞洞的 小孩在旁边跑", "repair"),
        ("Someone is forcing our door right now, we are inside, please help", "safety"),
        ("一群马蜂追着放学的伢 好几个被蛰了 还在楼下飞", "environment"),
        # a car without its handbrake, despair on a roof, a push down the stairs
        ("那辆车没拉手刹 自己在往下滑 下面是小学门口", "parking"),
        ("我真的撑不下去了 一个人在天台上", "health"),
        ("两个人在楼梯口扭打 把一个阿姨推下楼梯了 躺着没动", "safety"),
        # someone out on an air-conditioner bracket; a child taken by nobody the family knows
        ("对面有个老人爬到空调外机上去了 就站在那", "safety"),
        ("去幼儿园接孩子 老师说已经被人接走了 我们家没人去接啊", "safety"),
        # an open manhole in a flood, a door lock being picked, a sheet about to blow off
        ("路口的井盖被水冲走了 水在打旋 快派人围起来", "safety"),
        ("一个陌生人在隔壁门口拿铁丝捅锁眼 现在还在弄", "safety"),
        ("楼顶的彩钢瓦被风掀开了 随时会掉 下面就是人行道", "repair"),
        # an old person out of sight for days, water rising in the car park, a slope giving way
        ("楼下独居的刘奶奶两天没看到了 敲门里面有声音就是不开", "elderly"),
        ("地库的水一直在涨 都到膝盖了 还有人在里面", "repair"),
        ("后山一直轰隆隆响 泥水往屋里冲", "safety"),
        ("河水漫过台阶了 河边还有小孩在玩", "safety"),
        # holdout24-25: a lift moving with its doors open, fuel leaking in a car park, a
        # stranger working the door handle of a mother alone with her child
        ("电梯开着门照样往上走 还有人在坐", "repair"),
        ("地库一辆车底下在漏油 一股汽油味", "safety"),
        ("有个不认识的男的一直在拧我家门把手 我一个人带孩子在家", "safety"),
        # holdout26-29: someone with a blade following a person, a child counted missing
        # from care, fireworks fallen over and firing into people
        ("他手里提着一把砍刀 跟在我女儿后面", "safety"),
        ("托儿所放学清点 少了个小孩 老师说不知道去哪了", "safety"),
        ("烟花筒倒了 朝人群里射 有小孩被崩到了", "safety"),
        # holdout30-33: a shoving match nobody can part, a ceiling or roof giving way
        # over people at home
        ("两个男的在楼道里推推搡搡 我爸劝不住 他有高血压", "safety"),
        ("客厅天花板鼓起来了 咔咔响 孩子还在屋里睡觉", "repair"),
        # holdout34-37: a stage rig swaying over an audience
        ("广场上搭的舞台架子在晃 底下站满了人", "safety"),
        # holdout38-41: a gas smell after the valve is closed (closing it is the first
        # step, not the end), a stroke told in English
        ("灶台那边一股煤气味 我把总阀关了 要不要叫人来看", "safety"),
        ("My mum's face has dropped on one side and her words are slurred", "health"),
    ],
)
def test_emergencies_of_this_round(clf: Classifier, text: str, category: str) -> None:
    result = clf.classify(text)
    assert result.urgent, text
    assert result.category == category, text


@pytest.mark.parametrize(
    "text",
    [
        "开玩笑的 我家没着火 就是想看看你们回得快不快",  # a joke
        "小孙子在玩过家家 一直喊着火了快跑 哈哈",
        "楼道里堆那么多纸箱子 就不怕起火吗",  # a worried question
        "物业说真的着火了也没事 因为有喷淋 我不信",
        "上个礼拜我爸在楼梯上摔了一跤 现在好多了 想问能不能装扶手",  # past, then well
        "天天加班 房贷压得我透不过气",  # burdens, not breathing
        "辅导作业气得我头顶冒烟",
        "我老公说他心里着火了 因为世界杯输了 哈哈",
        "要是哪天真有急事 能帮我打119吗",
        "小区车开得太快 刚才差点撞到我 能不能装减速带",  # a near miss, nothing now
        "河边的栏杆太矮了 小孩经常翻过去玩 能不能加高",  # habitual, a request
        "市场门口的招牌有点歪 麻烦物业看看",
        "上个星期楼道里发现一条小蛇 已经被保安抓走了",
        "工地上天天打桩 吵得睡不着",
        "中暑了该吃什么药",  # a question about medicine
        "自动售货机吞了我的钱",
        "在工地上干活的老公想问问工伤怎么报",
        "厨房着火了 骗你的 哈哈",
        "燃气管刚才松了 已经关了总阀 现在没味道了",
        "厕所水管爆了 总阀关了 就是地上湿了要找人修",  # a burst pipe ends with its valve
        "煤气味闻到过一次 阀门关了 燃气公司来查过了 没问题",  # a gas smell ends with a check
        "the lamp shade in the hall is drooping, can someone fix it",
        "除夕夜能在小区放烟花吗",
        "我们几个老姐妹想跳广场舞 社区有室内的地方吗",  # dancing, not jumping
        "墙上有条裂缝 好几年了 能不能来看看",
        "晚会的舞台搭好了 能不能早点去占位",
    ],
)
def test_look_alikes_of_this_round_are_no_emergency(clf: Classifier, text: str) -> None:
    assert not clf.classify(text).urgent, text


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("游泳馆能办年卡吗 多少钱一年", "culture"),
        ("跑步机那个健身房几点开门 要收费吗", "culture"),
        ("下个月我儿子办酒 能借社区的大厅吗", "culture"),
        ("评弹班什么时候开课 我想报名", "culture"),
        ("老家的宅基地要确权 社区能开什么证明", "affairs"),
        ("孩子上学要开居住证明 去哪开", "affairs"),
        ("我们这里什么时候拆迁 有没有正式文件", "affairs"),
        ("我爸走了 丧葬费和抚恤金找谁申请", "affairs"),
        ("残积证的补贴每个月什么时候发", "assistance"),
        ("单亲 孩子经常饿肚子去上学 社区能不能帮帮这家", "assistance"),
        ("有没有不穿的旧棉袄 楼下那户过冬都没有被子", "assistance"),
        ("社康能打流感疫苗吗", "health"),
        ("晚上老是困不着 心里憋屈 想找个人聊聊", "health"),
        ("想给我妈约个上门助浴 她瘫在床上好几年了", "elderly"),
        ("门口有个老爷子转悠 问他住哪说不上来", "elderly"),
        ("五点半课堂还有名额吗", "education"),
        ("社区有没有给小朋友上的防溺水安全课", "education"),
        ("放寒假了 孩子白天没人带 有没有托管", "education"),
        ("物业费又涨了 业主们想集体维权", "dispute"),
        ("对门天天夜里打麻将到凌晨 孩子第二天要考试", "dispute"),
        ("楼上剁肉咣咣响 都十二点了", "dispute"),
        ("铲雪的把雪堆在我车前面 车开不出来", "parking"),
        ("湖面漂着好多死鱼 臭得不行", "environment"),
        ("蚊子太多了 能不能喷点药", "environment"),
        ("有人打电话说我孩子在学校受伤了 让我转钱 是骗子吧", "safety"),
        ("有人冒充拆迁办收手续费 大家别上当", "safety"),
        ("门禁坏了 老有生人进出 晚上不敢下楼", "safety"),
        ("我的智能门锁app显示陌生设备登录 是不是被黑了", "safety"),
        ("公共厕所的冲水按钮坏了 一直不出水", "repair"),
        ("真着火了 我们住28楼的往哪跑", "safety"),
        ("大年初一社区食堂开不开", "elderly"),
        ("舞狮队还缺人吗 我会敲鼓", "culture"),
        ("家电以旧换新的补贴在哪申请", "affairs"),
        ("厨房半夜老鼠跑来跑去 能不能来投药", "environment"),
        ("低保能申请吗 我们是外地户口", "assistance"),
    ],
)
def test_near_neighbours_of_this_round(clf: Classifier, text: str, category: str) -> None:
    assert clf.classify(text).category == category, text


def test_a_thing_missing_is_no_missing_child_to_the_rules(clf: Classifier) -> None:
    # the rules only: the urgency model's score for it moves with each retraining (0.71,
    # flagged, after holdout34-37; 0.46 after holdout38-41): nlp/README.md "Known weaknesses"
    rules = Classifier(clf.taxonomy)
    assert not rules.classify("我家孩子少了一个文具盒 不知道去哪了").urgent
    assert rules.classify("托儿所放学清点 少了个小孩 老师说不知道去哪了").urgent
