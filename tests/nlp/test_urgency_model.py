"""The learned second opinion on danger: it learns, it is saved and read back the same, it
only speaks where the rules saw nothing, and the shipped file matches the labelled sets."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from bot.cli_nlp import main as cli
from nlp import Classifier, load_classifier
from nlp.classifier import LEARNED
from nlp.evaluate import read_labelled_csv
from nlp.urgency_model import DEFAULT_PATH, UrgencyModel, digest, load_urgency_model, train

DATA = Path(__file__).parent / "data"

EMERGENCIES = ["楼下有人倒在地上不动了", "厨房里冒黑烟了快来", "有人拿刀在楼道里追人", "孩子掉进河里了", "电梯里困着人出不来"]
ORDINARY = ["楼道灯坏了请来修", "想报名书法班", "垃圾没人收", "停车位怎么租", "社区几点上班", "低保怎么申请"]


def rows(times: int = 6) -> list[tuple[str, bool]]:
    return [(t, True) for t in EMERGENCIES] * times + [(t, False) for t in ORDINARY] * times


def test_it_learns_which_messages_are_emergencies() -> None:
    model = train(rows(), lambda s: s, threshold=0.5)
    assert all(model.score(t) > 0.8 for t in EMERGENCIES)
    assert all(model.score(t) < 0.2 for t in ORDINARY)
    assert model.score("") == pytest.approx(1 / (1 + 2.718281828 ** -model.bias), rel=1e-3)


def test_saved_and_read_back_it_scores_the_same(tmp_path: Path) -> None:
    model = train(rows(), lambda s: s, threshold=0.65)
    model.save(tmp_path / "m.json")
    again = UrgencyModel.load(tmp_path / "m.json")
    assert again.threshold == 0.65 and again.trained_on == model.trained_on
    for text in [*EMERGENCIES, *ORDINARY, "完全没见过的句子"]:
        assert again.score(text) == pytest.approx(model.score(text), abs=1e-3)


def always(score_logit: float) -> UrgencyModel:
    """A model with no grams: its score is the bias alone, for every message."""
    return UrgencyModel(idf={}, weights={}, bias=score_logit, threshold=0.6)


def test_the_classifier_asks_it_only_where_the_rules_saw_no_danger(clf: Classifier) -> None:
    likely = Classifier(clf.taxonomy, urgency_model=always(1.0))  # 0.73: over 0.6, under sure
    never = Classifier(clf.taxonomy, urgency_model=always(-5.0))
    certain = Classifier(clf.taxonomy, urgency_model=always(5.0))  # 0.99
    # a danger no rule knows: the model's word decides, and says so
    result = likely.classify("那个井边好像有点不对劲")
    assert result.urgent and result.urgent_keywords[0].startswith(LEARNED)
    assert not never.classify("那个井边好像有点不对劲").urgent
    # the rules saw a danger and judged it past, or knew a look-alike: they stand...
    assert not likely.classify("昨天奶奶晕倒了 今天已经好了").urgent
    assert not likely.classify("窗户外头的落水管断了一截").urgent
    # ...unless the model is sure (its `sure` score, 0.95 by default)
    assert certain.classify("昨天奶奶晕倒了 一直没醒").urgent_keywords == ("model:0.99",)
    # but an end the resident tells (已经好了, 总阀关了) is theirs to tell: it stands
    assert not certain.classify("昨天奶奶晕倒了 今天已经好了").urgent
    assert not certain.classify("楼上水管爆了 总阀关了 现在就是吊顶泡坏了").urgent
    # the rules' own emergencies stay theirs, whatever the model says
    assert never.classify("厨房着火了 快来人").urgent
    assert certain.classify("厨房着火了 快来人").urgent_keywords[0] != "model:0.99"
    # and it never changes the category
    assert likely.classify("3幢电梯又坏了").category == "repair"


def test_the_shipped_model_was_trained_on_the_labelled_sets_in_the_repository() -> None:
    labelled = [(t, bool(u)) for f in sorted(glob.glob(str(DATA / "*.csv"))) for t, _, u in read_labelled_csv(f)]
    model = UrgencyModel.load(DEFAULT_PATH)
    assert model.trained_on == digest(labelled), (
        "a labelled set changed: retrain with `minhu urgency train tests/nlp/data/*.csv --threshold 0.6`"
    )
    assert 0.5 <= model.threshold <= 0.9
    assert load_classifier().urgency_model is not None  # and the bot loads it by default


def test_a_setting_turns_it_off_or_points_at_another_file(tmp_path: Path) -> None:
    assert load_urgency_model("off") is None
    assert load_urgency_model("") is not None
    with pytest.raises(FileNotFoundError):
        load_urgency_model(tmp_path / "missing.json")


def test_minhu_urgency_train_writes_a_model_the_classifier_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "labelled.csv"
    data.write_text(
        "text,category,urgent\n" + "".join(f"{t},safety,{int(u)}\n" for t, u in rows(3)), encoding="utf-8"
    )
    out = tmp_path / "model.json"
    assert cli(["urgency", "train", str(data), "--out", str(out), "--threshold", "0.55", "--sure", "0.9"]) == 0
    assert "trained on 33 rows (15 urgent)" in capsys.readouterr().out
    model = UrgencyModel.load(out)
    assert (model.threshold, model.sure) == (0.55, 0.9) and model.score("厨房里冒黑烟了快来") > 0.55
    assert cli(["urgency", "train", str(data), "--out", str(out), "--threshold", "2"]) == 2
    assert cli(["urgency", "train", str(data), "--out", str(out), "--threshold", "0.7", "--sure", "0.6"]) == 2
    ordinary_only = tmp_path / "ordinary.csv"
    ordinary_only.write_text("text,category,urgent\n想报名书法班,culture,0\n", encoding="utf-8")
    assert cli(["urgency", "train", str(ordinary_only), "--out", str(out)]) == 2
