"""The learned category model: it learns, it is saved and read back the same, it is blended
with the rules (and decides alone where they saw nothing), a wrong taxonomy is refused,
and the shipped file matches the labelled sets."""

from __future__ import annotations

import glob
import json
import logging
from pathlib import Path

import pytest

from bot.cli_nlp import main as cli
from nlp import Classifier, load_classifier
from nlp.category_model import (
    DEFAULT_PATH,
    CategoryModel,
    category_digest,
    load_category_model,
    train,
)
from nlp.classifier import LEARNED
from nlp.evaluate import evaluate, read_labelled_csv

DATA = Path(__file__).parent / "data"

EXAMPLES = {
    "repair": ["电梯坏了", "水管爆了", "楼道灯不亮"],
    "environment": ["垃圾没人收", "草坪没人修剪", "楼道里很臭"],
    "culture": ["想报名书法班", "活动室能预约吗", "广场舞比赛几点"],
}


def rows(times: int = 4) -> list[tuple[str, str]]:
    return [(text, cat) for cat, texts in EXAMPLES.items() for text in texts] * times


def test_it_learns_which_service_a_message_is_for() -> None:
    model = train(rows(), lambda s: s)
    assert model.classes == ("culture", "environment", "repair")
    for category, texts in EXAMPLES.items():
        for text in texts:
            p = model.probabilities(text)
            assert max(p, key=p.__getitem__) == category and p[category] > 0.6
    unseen = model.probabilities("一个字都不认识的句子")
    assert sum(unseen.values()) == pytest.approx(1.0)


def test_saved_and_read_back_it_answers_the_same(tmp_path: Path) -> None:
    model = train(rows(), lambda s: s, min_confidence=0.42, rules_share=0.25)
    model.save(tmp_path / "m.json")
    again = CategoryModel.load(tmp_path / "m.json")
    assert (again.min_confidence, again.rules_share, again.trained_on) == (0.42, 0.25, model.trained_on)
    for text in ["电梯坏了", "垃圾没人收", "想报名书法班", "完全没见过的句子"]:
        for cat, p in model.probabilities(text).items():
            assert again.probabilities(text)[cat] == pytest.approx(p, abs=2e-3)


def test_blend_mixes_the_rules_share_with_the_model_and_the_model_alone_where_rules_saw_nothing() -> None:
    model = train(rows(), lambda s: s, rules_share=0.3)
    alone = model.probabilities("电梯坏了")
    mixed, learned = model.blend({"repair": 0.0, "environment": 2.0, "culture": -1.0}, "电梯坏了")
    assert learned == alone
    assert mixed["environment"] == pytest.approx(0.3 + 0.7 * alone["environment"])
    assert mixed["repair"] == pytest.approx(0.7 * alone["repair"])
    assert model.blend({"repair": 0.0}, "电梯坏了")[0] == alone


def test_the_product_says_where_the_model_decided(clf: Classifier, product: Classifier) -> None:
    # the rules torn between two services (an old people's college, a photography class)
    # give up; the blend does not, and says the model decided
    text = "老年大学的摄影班还招人吗"
    assert clf.classify(text).category == "other"
    result = product.classify(text)
    assert result.category == "culture" and result.keywords[-1].startswith(LEARNED)
    # where the rules decided and the model agrees, the why is the rules' words alone
    result = product.classify("3幢电梯又坏了")
    assert result.category == "repair" and not any(k.startswith(LEARNED) for k in result.keywords)
    assert "电梯" in result.keywords


def test_below_the_models_threshold_the_answer_is_other(product: Classifier) -> None:
    # a script no labelled row is written in (emoji alone are now learned as thanks: other)
    result = product.classify("ꦲꦏ꧀ꦱꦫ")
    assert result.category == "other" and result.confidence < product.min_confidence
    assert result.keywords == ()
    assert product.min_confidence == product.category_model.min_confidence  # the file's, by default
    strict = Classifier(product.taxonomy, category_model=product.category_model, min_confidence=0.99)
    assert strict.classify("3幢电梯又坏了").category == "other"


def test_a_model_for_other_categories_is_refused_or_left_out(tmp_path: Path, clf: Classifier, caplog) -> None:
    small = train(rows(), lambda s: s)
    with pytest.raises(ValueError, match="minhu categories train"):
        Classifier(clf.taxonomy, category_model=small)
    small.save(tmp_path / "small.json")
    with pytest.raises(ValueError, match="CATEGORY_MODEL_FILE=off"):
        load_classifier(category_model=tmp_path / "small.json")
    # a centre's own taxonomy with other ids: the shipped model is left out, and it is said
    own = tmp_path / "tax.yaml"
    own.write_text(
        "categories:\n"
        "  - {id: water, zh: 供水, en: Water, keywords: {3: [停水]}}\n"
        "  - {id: other, zh: 其他, en: Other}\n"
        "urgency:\n  danger:\n    flood: {terms: [水漫], category: water, weight: 1}\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="nlp.classifier"):
        alone = load_classifier(own)
    assert alone.category_model is None and "does not fit" in caplog.text
    assert alone.classify("又停水了").category == "water"


def test_the_shipped_model_was_trained_on_the_labelled_sets_in_the_repository() -> None:
    labelled = [(t, c) for f in sorted(glob.glob(str(DATA / "*.csv"))) for t, c, _ in read_labelled_csv(f)]
    model = CategoryModel.load(DEFAULT_PATH)
    assert model.trained_on == category_digest(labelled), (
        "a labelled set changed: retrain with `minhu categories train tests/nlp/data/*.csv`"
    )
    assert load_classifier().category_model is not None  # and the bot loads it by default
    assert load_category_model("off") is None


def test_the_product_keeps_the_targets_on_the_dev_set(product: Classifier) -> None:
    report = evaluate(product, read_labelled_csv(DATA / "requests-dev.csv"))
    assert report.accuracy >= 0.95 and report.urgent_recall == 1.0


def test_cli_trains_a_model_the_classifier_then_reads(tmp_path: Path, capsys, monkeypatch) -> None:
    out = tmp_path / "cats.json"
    assert cli(["categories", "train", str(DATA / "requests-dev.csv"), "--out", str(out), "--min-confidence", "0.3"]) == 0
    assert "240 rows in 12 categories" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8"))["min_confidence"] == 0.3
    monkeypatch.setenv("CATEGORY_MODEL_FILE", str(out))
    assert cli(["classify", "3幢电梯又坏了", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["category"] == "repair"
    # a file whose categories are not the taxonomy's is refused with the reason
    bad = tmp_path / "bad.csv"
    bad.write_text("text,category\n电梯坏了,lifts\n", encoding="utf-8")
    assert cli(["categories", "train", str(bad), "--out", str(tmp_path / "x.json")]) == 2
    assert "unknown ['lifts']" in capsys.readouterr().err


def test_the_model_does_not_read_keywords_the_rules_found_negated(product: Classifier) -> None:
    analysis = product.analyse("不是要报修，只是问一下几点下班")
    assert "报修" in analysis.normalised and "报修" not in analysis.model_text
    assert len(analysis.model_text) == len(analysis.normalised)  # clauses stay where they were
    # a keyword negated once and said plainly later is read
    assert "报修" in product.analyse("不是要报修 算了还是报修吧 灯坏了").model_text
