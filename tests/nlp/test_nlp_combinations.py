"""The rule kinds added for unseen wording: same-clause phrase parts (``~``), the event
part of a danger phrase, conditional / resolved / reported lowering, rules that ask for a
kind of danger, the weight of a live or lowered danger, and the default taxonomy's
combinations ("danger term AND no past or hypothetical marker") across kinds of danger."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import Classifier, TaxonomyError, load_taxonomy

SMALL = """
categories:
  - id: repair
    zh: 物业维修
    en: Repairs
    keywords: {3: [水管], 1: [坏了]}
    phrases:
      "吃了 ~ 药": 3
  - id: health
    zh: 医疗健康
    en: Health
    keywords: {3: [医生]}
  - id: elderly
    zh: 养老助老
    en: Elderly
    keywords: {3: [助餐]}
  - id: other
    zh: 其他
    en: Other
rules:
  - name: an old person in a medical emergency is elderly care
    when: "奶奶|爷爷"
    danger: [medical]
    add: {elderly: 5}
urgency:
  live_boost: 2
  lowered_share: 0.5
  danger:
    medical: {terms: [晕倒], category: health, weight: 2}
    water:
      category: repair
      weight: 2
      phrases: ["水管 ~ 爆 + 哗哗|喷"]
  lower:
    past: [昨天]
    conditional: [万一, 会不会]
    resolved: [没事了, 找到了]
    reported: [新闻]
  now: [现在]
"""


def small(tmp_path: Path, text: str = SMALL) -> Classifier:
    path = tmp_path / "tax.yaml"
    path.write_text(text, encoding="utf-8")
    return Classifier.from_file(path)


# ---------------------------------------------------------------- the engine


def test_tilde_parts_must_share_a_clause(tmp_path: Path) -> None:
    clf = small(tmp_path)
    assert clf.analyse("孩子吃了好几片药").scores["repair"] == 3
    # 吃了 and 药 in two clauses: no pair, no score
    assert clf.analyse("吃了饭 明天去开药").scores["repair"] == 0


def test_tilde_is_parsed_per_group() -> None:
    tax = load_taxonomy()
    phrases = [p for k in tax.urgency.kinds for p in k.phrases if "~" in p.pattern]
    assert phrases, "the default taxonomy uses same-clause parts"
    for p in phrases:
        assert len(p.same_clause) == len(p.groups)
        assert p.same_clause[0] is False


def test_the_event_part_of_a_danger_phrase_decides_past_or_now(tmp_path: Path) -> None:
    clf = small(tmp_path)
    now = clf.classify("厨房水管爆了 水哗哗往外冒")
    assert now.urgent and now.category == "repair"
    # the pipe is named in a past clause, the gushing is now: urgent
    assert clf.classify("昨天修的水管又爆了 现在哗哗的").urgent
    # the gushing itself is in a past clause: not urgent
    assert not clf.classify("水管爆了 昨天哗哗地流了一晚上").urgent


def test_conditional_lowers_what_follows_it_even_with_a_now_cue(tmp_path: Path) -> None:
    clf = small(tmp_path)
    assert not clf.classify("现在担心 万一晕倒怎么办").urgent
    assert not clf.classify("现在会不会晕倒").urgent
    # the danger before the cue is what happened: urgent
    assert clf.classify("她晕倒了 万一再摔一次怎么办").urgent


def test_resolved_lowers_the_danger_told_before_it(tmp_path: Path) -> None:
    clf = small(tmp_path)
    assert not clf.classify("刚才奶奶晕倒了 后来没事了").urgent
    # told after the resolution: a new danger
    assert clf.classify("上午的事没事了 刚才奶奶又晕倒").urgent


def test_reported_danger_is_lowered(tmp_path: Path) -> None:
    clf = small(tmp_path)
    assert not clf.classify("新闻里说有人晕倒").urgent
    assert clf.classify("楼下有人晕倒").urgent


def test_rule_with_a_danger_kind_fires_only_with_that_danger(tmp_path: Path) -> None:
    clf = small(tmp_path)
    assert clf.classify("奶奶晕倒了").category == "elderly"
    a = clf.analyse("奶奶问助餐几点开始")
    assert a.scores["elderly"] == 3  # the keyword only, not the rule


def test_live_danger_counts_more_than_a_lowered_one(tmp_path: Path) -> None:
    clf = small(tmp_path)
    live = clf.analyse("楼下有人晕倒").scores["health"]
    lowered = clf.analyse("昨天楼下有人晕倒").scores["health"]
    assert live == 4  # weight 2 x live_boost 2
    assert lowered == 1  # weight 2 x lowered_share 0.5


def test_rule_danger_kind_must_exist(tmp_path: Path) -> None:
    text = SMALL.replace("danger: [medical]", "danger: [earthquake]")
    with pytest.raises(TaxonomyError, match="earthquake"):
        small(tmp_path, text)


def test_rule_unknown_key_is_reported(tmp_path: Path) -> None:
    text = SMALL.replace("    danger: [medical]\n", "    dangers: [medical]\n")
    with pytest.raises(TaxonomyError, match="unknown key 'dangers'"):
        small(tmp_path, text)


def test_boost_and_share_must_be_positive_numbers(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="live_boost"):
        small(tmp_path, SMALL.replace("live_boost: 2", "live_boost: lots"))


# ---------------------------------------------------------------- the default data


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # medical: a child and a dose of medicine, an allergy, a sting, labour, heat
        ("我儿子三岁 刚才把奶奶的降压药吃了好几片", "health"),
        ("孩子吃花生过敏 脸都肿了 说喉咙紧", "health"),
        ("我爸被马蜂蛰了 脸肿起来了 说喘不上气", "health"),
        ("老婆怀孕八个月 现在肚子疼得厉害 还见红了", "health"),
        ("广场上跳舞的阿姨中暑了 一直在吐 站不稳", "health"),
        ("我哥说活着没意思 刚才一个人去楼顶了", "health"),
        # old people: a fall, a missing person with dementia, no sign of life for days
        ("我妈在卫生间滑倒了 打电话说动不了", "elderly"),
        ("我爷爷有老年痴呆 下午出门到现在没回来", "elderly"),
        ("隔壁独居的王奶奶三天没开门了 敲门也没人应", "elderly"),
        # fire and gas in their many words
        ("楼道里一股烧塑料的味 越来越呛", "safety"),
        ("厨房里一股子怪味 像臭鸡蛋一样 老人说头疼", "safety"),
        ("媒气味好重 整个厨房都是", "safety"),
        # water, falling objects, blocked emergency access, violence heard through a wall
        ("车库顶上的水管裂了 水哗哗往下浇 车都泡在水里了 还在涨", "repair"),
        ("楼上掉下来一块瓷砖 上面还在往下掉渣 底下人来人往", "safety"),
        ("救护车进不来了 有辆面包车横在路口", "parking"),
        ("夜里楼上一直有女人哭 还有男人骂人的声音 咣咣的", "safety"),
        # dialect: Cantonese, Sichuan
        ("我阿爸有老人痴呆 下昼出咗门到而家都未返", "elderly"),
        ("隔壁屋头男人喝醉了在打婆娘 娃儿哭得好凶", "safety"),
        # words that hold a cue but suppose or date nothing
        ("主要是楼道里煤气味太重了", "safety"),
        ("她说肚子疼得厉害 后来就晕过去了", "health"),
    ],
)
def test_danger_now_in_its_many_words(clf: Classifier, text: str, category: str) -> None:
    r = clf.classify(text)
    assert r.urgent, text
    assert r.category == category, (text, r)


@pytest.mark.parametrize(
    "text",
    [
        "燃气管道锈得厉害 会不会哪天漏气",  # conditional
        "老人一个人在家 怕摔倒 有没有紧急呼叫的设备",  # conditional
        "楼下大爷说他上周燃气漏过一次 现在担心还会漏",  # conditional beats a now cue
        "厨房有点焦味 原来是锅里的饭糊了 没事了",  # resolved
        "我奶奶摔了一跤 自己爬起来了 就膝盖破了点皮",  # resolved
        "新闻上说别的小区电动车着火了 我们小区要不要管管",  # reported
        "家里的烟雾报警器一直叫 是不是电池没电了",  # explained
        "最近工作压力大得喘不过气 想找人聊聊",  # figurative
        "孩子发烧三十九度 社区医院晚上开吗",  # a fever alone
        "被猫抓了一下 流了点血 要打针吗",  # a little blood
    ],
)
def test_not_danger_now(clf: Classifier, text: str) -> None:
    r = clf.classify(text)
    assert not r.urgent, (text, r.urgent_keywords)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # who must act, not who is affected
        ("我爸八十多了一个人住 家里暖气片接口漏水 麻烦师傅上门看看", "repair"),
        ("电梯里有个老太太被困住了 门打不开", "repair"),
        ("有个流浪的老人躺在公交站 冻得直哆嗦", "assistance"),
        # a dispute needs two parties
        ("一楼种的丝瓜藤爬到我家窗户上了 跟她说剪一下她不干", "dispute"),
        ("楼上卫生间漏水到我家 楼上不肯修 还说是我家的问题", "dispute"),
        # a nuisance made by a facility is that facility's job
        ("楼下路上的井盖松了 车一压就哐当响 半夜特别吵", "repair"),
        # adverts are other, whatever they sell
        ("装修公司全包 免费设计 本月签约送家电", "other"),
        ("专业疏通下水道 马桶 地漏 随叫随到", "other"),
        # fire hazards, strangers and scams
        ("楼道里堆了好多纸箱子和泡沫板 一点就着", "safety"),
        ("有人把电瓶车推进电梯带上楼 物业也不管", "safety"),
        ("我家孩子被一个不认识的男的塞糖 还问她家住几楼", "safety"),
        ("我家老人接到电话说孙子出事了要打钱", "safety"),
        # a child's class is education, a grown-up's is culture
        ("书法班老师讲得太快了 能不能分个初级班", "culture"),
        ("孩子想学画画 社区有没有少儿美术班", "education"),
        # families of words that used to fall to other
        ("楼后面的化粪池是不是满了 这几天臭得不行", "environment"),
        ("小区喷泉池子一直不换水 里面全是孑孓", "environment"),
        ("我爷爷九十三了 听说有长寿金 去哪里领", "elderly"),
        ("早上七点半小区门口堵成一锅粥", "parking"),
    ],
)
def test_near_neighbours(clf: Classifier, text: str, category: str) -> None:
    assert clf.classify(text).category == category, text


def test_urgent_stress_list(clf: Classifier) -> None:
    """40 emergencies in other words (data/urgent-stress.txt, one a line): all urgent."""
    lines = (Path(__file__).parent / "data" / "urgent-stress.txt").read_text(encoding="utf-8")
    missed = [t for t in lines.splitlines() if t.strip() and not clf.classify(t).urgent]
    assert missed == []


def test_typical_requests(clf: Classifier) -> None:
    """89 plain requests, a few per category (data/typical-requests.txt, category|text)."""
    lines = (Path(__file__).parent / "data" / "typical-requests.txt").read_text(encoding="utf-8")
    wrong = []
    for line in lines.splitlines():
        if line.strip():
            gold, text = line.split("|", 1)
            got = clf.classify(text).category
            if got != gold:
                wrong.append((gold, got, text))
    assert wrong == []
