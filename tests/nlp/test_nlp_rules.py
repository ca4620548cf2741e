"""One test per kind of rule the classifier applies (see nlp/classifier.py)."""

from __future__ import annotations

import threading

import pytest

from nlp import Classification, Classifier, load_classifier
from nlp.normalize import fold

# File names in tests/nlp start with test_nlp_ so they never clash with other packages'
# test modules (pytest's default import mode needs unique basenames).


def test_keyword_match(clf: Classifier) -> None:
    r = clf.classify("3幢电梯又坏了")
    assert r.category == "repair"
    assert "电梯" in r.keywords
    assert 0.4 <= r.confidence <= 1.0
    assert not r.urgent and r.urgent_keywords == ()


def test_phrase_cooccurrence_is_an_indirect_description(clf: Classifier) -> None:
    r = clf.classify("楼道里黑漆漆的 晚上上下楼看不见")
    assert r.category == "repair"
    assert any("+" in k and "黑漆漆" in k for k in r.keywords)


def test_indirect_description_no_water(clf: Classifier) -> None:
    assert clf.classify("家里一滴水都没有 也没通知").category == "repair"


def test_negation_drops_the_negated_keyword(clf: Classifier) -> None:
    a = clf.analyse("不是要报修，只是问一下你们几点下班")
    assert "报修" in a.negated
    assert a.classification.category != "repair"


def test_negation_is_ended_by_a_contrast_word(clf: Classifier) -> None:
    a = clf.analyse("不是投诉 就是想报个修 阳台下水管裂了")
    assert a.classification.category == "repair"
    assert "投诉" in a.negated


def test_negation_ignores_words_that_only_contain_a_cue(clf: Classifier) -> None:
    # 是不是 contains 不是 but negates nothing
    a = clf.analyse("水压特别小 是不是二次供水的泵坏了")
    assert "二次供水" not in a.negated
    assert a.classification.category == "repair"


def test_resolved_problem_is_other(clf: Classifier) -> None:
    assert clf.classify("不需要报修了 师傅已经修好了 谢谢").category == "other"


def test_typo_and_homophone(clf: Classifier) -> None:
    r = clf.classify("电悌门关不上")
    assert r.category == "repair" and "电梯" in r.keywords
    assert clf.classify("拉圾桶满了没人收").category == "environment"
    assert clf.classify("露水了 天花板一直滴").category == "repair"


def test_traditional_is_folded_to_simplified(clf: Classifier) -> None:
    r = clf.classify("樓道的燈壞了好幾天 麻煩物業修一下")
    assert r.category == "repair"
    assert clf.normalise("樓道的燈") == "楼道的灯"
    assert clf.classify("社區醫院有牙科嗎").category == "health"


def test_fullwidth_and_case_folding(clf: Classifier) -> None:
    assert fold("ＬＩＦＴ　ｉｓ　ＢＲＯＫＥＮ！") == "lift is broken!"
    # the classifier then glosses the English it knows (nlp/english.py)
    assert clf.normalise("ＬＩＦＴ　ｉｓ　ＢＲＯＫＥＮ！") == "lift电梯\u00a0is broken坏了!"
    assert clf.classify("ＴＨＥ ＬＩＦＴ IS BROKEN").category == "repair"


def test_english_keywords_match_whole_words_only(clf: Classifier) -> None:
    assert clf.classify("The lift in block 5 is broken again").category == "repair"
    # "lift" inside "uplifting", "rat" inside "separate", "bin" inside "cabinet": no match
    a = clf.analyse("uplifting separate cabinet")
    assert a.scores["repair"] == 0 and a.scores["environment"] == 0
    # a trailing * allows any ending: leak* matches "leaking"
    assert "leak*" in clf.classify("The pipe under my sink is leaking").keywords


def test_single_character_keyword_counts_only_as_a_jieba_word(clf: Classifier) -> None:
    a = clf.analyse("那个灯又不亮了")
    assert ("灯", 2.0) in a.evidence["repair"]
    # 修 is a repair keyword, but not inside 装修 (jieba cuts 装修 as one word)
    b = clf.analyse("隔壁装修太吵了")
    assert all(k != "修" for k, _ in b.evidence.get("repair", ()))
    assert b.classification.category == "dispute"


def test_longer_keyword_hides_the_shorter_inside_it(clf: Classifier) -> None:
    a = clf.analyse("社区卫生服务中心周六开门吗")
    assert a.classification.category == "health"
    assert "environment" not in a.evidence  # 卫生 inside 卫生服务中心 does not count


def test_neutral_place_word_hides_keyword(clf: Classifier) -> None:
    # 单元门口 is a place, not a broken 单元门
    a = clf.analyse("单元门口的摄像头坏了好久了")
    assert a.classification.category == "safety"
    assert all(k != "单元门" for k, _ in a.evidence.get("repair", ()))


def test_near_neighbour_leak_alone_is_repair(clf: Classifier) -> None:
    r = clf.classify("楼上往我家渗水 他们也很配合 就是找不到漏点 派个师傅查一下管道")
    assert r.category == "repair"


def test_near_neighbour_quarrel_about_a_leak_is_dispute(clf: Classifier) -> None:
    r = clf.classify("楼上漏水到我家 跟他说了好几次 他死活不认")
    assert r.category == "dispute"


def test_fire_lane_parking_order_is_parking(clf: Classifier) -> None:
    r = clf.classify("消防通道天天停满私家车 能不能安排保安管一下停车秩序")
    assert r.category == "parking"
    assert not r.urgent


def test_fire_lane_danger_is_safety_but_not_urgent(clf: Classifier) -> None:
    r = clf.classify("消防通道被车堵死了 万一着火消防车都进不来 这是要出人命的")
    assert r.category == "safety"
    assert not r.urgent  # hypothetical: 万一


def test_below_threshold_is_other(clf: Classifier) -> None:
    weak = "我家孩子"  # one weak hint for education
    assert clf.classify(weak).category == "other"
    assert clf.classify(weak).confidence < clf.min_confidence
    assert clf.classify(weak).keywords == ()
    lenient = Classifier(clf.taxonomy, min_confidence=0.0)
    assert lenient.classify(weak).category == "education"
    strict = Classifier(clf.taxonomy, min_confidence=0.99)
    assert strict.classify("3幢电梯又坏了").category == "other"


def test_greeting_and_nothing_are_other(clf: Classifier) -> None:
    assert clf.classify("你好").category == "other"
    nothing = clf.classify("asdfghjkl")
    assert nothing == Classification("other", 0.0, False, (), ())


def test_min_confidence_is_validated() -> None:
    with pytest.raises(ValueError, match="min_confidence"):
        load_classifier(min_confidence=1.5)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("楼道里煤气味很重 不知道是谁家的", "safety"),
        ("着火了 12号楼顶楼在冒黑烟", "safety"),
        ("厨房水管爆了 水一直往外喷", "repair"),
        ("救命 电梯关人了 卡在9楼和10楼中间", "repair"),
        ("我爸一个人住 刚打电话说在家摔倒了起不来", "elderly"),
        ("广场上有个大叔突然倒地了 浑身抽搐 叫他没反应", "health"),
        ("两家人为了车位吵起来了 现在动手了 有个人拿着铁锹", "dispute"),
        ("有孩子被车撞了 人躺地上不动", "parking"),
        ("阳台上的衣服烧起来了 没人在家", "safety"),
        ("Strong smell of gas in the stairwell of block 7", "safety"),
    ],
)
def test_urgent_now_in_any_category(clf: Classifier, text: str, category: str) -> None:
    r = clf.classify(text)
    assert r.urgent, text
    assert r.urgent_keywords
    assert r.category == category


@pytest.mark.parametrize(
    "text",
    [
        "上个月家里着火了 房子没法住 有没有临时救助",  # past
        "昨天晚上 楼道里有股煤气味 今天已经没了",  # a time-only clause lowers the next
        "万一着火了怎么办 灭火器都过期了",  # hypothetical
        "真着火了怎么办 消防栓是空的",  # hypothetical
        "小区主干道的坑 电动车骑过去差点摔倒",  # near miss
        "楼上天天往下扔烟头",  # habitual annoyance
        "楼上装修噪音很大 吵死了",  # annoyance, no danger
        "楼下烧烤店的油烟味太大",  # 油烟 hides 烟味
        "我家的煤气灶打不着火",  # 着火 inside 打不着火
        "燃气灶能不能上门检查一下 想装个燃气报警器",
        "没有着火 只是烧水壶的蒸汽",  # negated
    ],
)
def test_not_urgent_past_hypothetical_or_annoyance(clf: Classifier, text: str) -> None:
    r = clf.classify(text)
    assert not r.urgent, (text, r.urgent_keywords)
    assert r.urgent_keywords == ()


def test_now_cue_overrides_a_past_cue_in_the_same_clause(clf: Classifier) -> None:
    assert clf.classify("昨天开始漏气 现在还有很重的煤气味").urgent


def test_danger_kind_points_to_a_category_without_keywords(clf: Classifier) -> None:
    a = clf.analyse("有个人站在楼顶边上 好像要跳下去")
    assert a.classification.urgent
    assert a.classification.category == "safety"


def test_classify_is_thread_safe(clf: Classifier) -> None:
    texts = ["3幢电梯又坏了", "楼道里煤气味很重", "低保怎么申请", "你好", "樓道燈壞了"] * 20
    expected = [clf.classify(t) for t in texts]
    results: list[list[Classification]] = [[] for _ in range(4)]

    def work(i: int) -> None:
        results[i] = [clf.classify(t) for t in texts]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)


def test_first_classify_without_warm_up_loads_jieba_when_needed() -> None:
    fresh = load_classifier()
    assert not fresh.ready
    # no single-character keyword: answered without jieba
    assert fresh.classify("低保怎么申请").category == "assistance"
    assert not fresh.ready
    # 灯 is a single-character keyword: jieba decides, and is loaded on demand
    assert fresh.classify("那个灯又不亮了").category == "repair"
    assert fresh.ready
    fresh.warm_up()  # idempotent


async def test_aclassify_runs_off_the_event_loop(clf: Classifier) -> None:
    r = await clf.aclassify("3幢电梯又坏了")
    assert r == clf.classify("3幢电梯又坏了")


def test_classifiers_with_different_taxonomies_do_not_share_jieba_words(
    clf: Classifier, tmp_path
) -> None:
    custom = tmp_path / "tax.yaml"
    custom.write_text(
        """
categories:
  - id: cats
    zh: 猫
    en: Cats
    keywords: {3: [喵星人]}
  - id: other
    zh: 其他
    en: Other
urgency:
  danger:
    fire: {terms: [着火]}
""",
        encoding="utf-8",
    )
    other = Classifier.from_file(custom)
    other.warm_up()
    assert other.classify("喵星人又叫了").category == "cats"
    assert "喵星人" in other.tokenizer.FREQ
    assert "喵星人" not in clf.tokenizer.FREQ
    assert "四点半课堂" in clf.tokenizer.FREQ
    assert "四点半课堂" not in other.tokenizer.FREQ
