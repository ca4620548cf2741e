"""Loading and validating taxonomy files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nlp import DEFAULT_TAXONOMY, Classifier, TaxonomyError, load_taxonomy

CATEGORIES_MD_IDS = (
    "repair", "environment", "parking", "safety", "dispute", "elderly",
    "health", "education", "culture", "affairs", "assistance", "other",
)  # fmt: skip

MINIMAL = """
categories:
  - id: repair
    zh: 物业维修
    en: Repairs
    keywords: {3: [电梯], 1: [坏了]}
  - id: other
    zh: 其他
    en: Other
urgency:
  danger:
    fire: {terms: [着火], category: repair, weight: 1}
"""


def write(tmp_path: Path, text: str, name: str = "tax.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_default_taxonomy_has_exactly_the_labelling_guide_ids() -> None:
    tax = load_taxonomy()
    assert tax.ids == CATEGORIES_MD_IDS
    assert tax.source == str(DEFAULT_TAXONOMY)
    for cid in tax.ids:
        cat = tax.get(cid)
        assert cat.name_zh and cat.name_en
        if cid != "other":
            assert cat.keywords, cid
    assert tax.name("repair") == "物业维修"
    assert tax.name("repair", "en") == "Repairs"
    assert 0 < tax.min_confidence < 1


def test_default_taxonomy_is_package_data() -> None:
    assert DEFAULT_TAXONOMY.is_file()
    assert DEFAULT_TAXONOMY.parent.name == "data"
    assert DEFAULT_TAXONOMY.parent.parent.name == "nlp"


def test_get_unknown_id_raises_key_error() -> None:
    with pytest.raises(KeyError):
        load_taxonomy().get("nope")


def test_minimal_yaml_and_toml_load(tmp_path: Path) -> None:
    tax = load_taxonomy(write(tmp_path, MINIMAL))
    assert tax.ids == ("repair", "other")
    assert tax.get("repair").keywords == {"电梯": 3.0, "坏了": 1.0}
    toml = write(
        tmp_path,
        """
[[categories]]
id = "repair"
zh = "物业维修"
en = "Repairs"
keywords = { "3" = ["電梯"] }

[[categories]]
id = "other"
zh = "其他"
en = "Other"

[urgency.danger.fire]
terms = ["着火"]
""",
        "tax.toml",
    )
    tax2 = load_taxonomy(toml)
    assert tax2.get("repair").keywords == {"电梯": 3.0}  # traditional folded at load
    assert Classifier(tax2).classify("电梯坏了").category == "repair"


def error_for(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    message = str(info.value)
    # one clear sentence that names the file
    assert message.startswith(str(path))
    assert message.endswith(".")
    assert "\n" not in message
    return message


def test_duplicate_id(tmp_path: Path) -> None:
    msg = error_for(tmp_path, MINIMAL.replace("id: other", "id: repair"))
    assert "category 'repair'" in msg and "duplicate" in msg


def test_unknown_id_in_a_rule(tmp_path: Path) -> None:
    msg = error_for(
        tmp_path,
        MINIMAL + "rules:\n  - name: leak\n    when: 漏水\n    add: {plumbing: 2}\n",
    )
    assert "rule 'leak'" in msg and "unknown category id 'plumbing'" in msg


def test_unknown_id_in_a_danger_kind(tmp_path: Path) -> None:
    msg = error_for(tmp_path, MINIMAL.replace("category: repair", "category: fire_brigade"))
    assert "urgency danger 'fire'" in msg and "unknown category id 'fire_brigade'" in msg


def test_a_danger_can_outlast_only_a_resolved_cue(tmp_path: Path) -> None:
    msg = error_for(
        tmp_path,
        MINIMAL.replace("weight: 1}", "weight: 1, outlasts: [阀门关了]}")
        + "  lower: {resolved: [没事了]}\n",
    )
    assert "urgency danger 'fire'" in msg and "'阀门关了'" in msg and "lower.resolved" in msg


def test_a_danger_outlasts_the_cues_it_names_and_no_others(tmp_path: Path) -> None:
    tax = load_taxonomy(
        write(
            tmp_path,
            MINIMAL.replace("weight: 1}", "weight: 1}\n    gas: {terms: [煤气味], outlasts: [阀门关了]}")
            + "  lower: {resolved: [阀门关了, 没事了]}\n",
        )
    )
    clf = Classifier(tax)
    assert clf.classify("厨房一股煤气味 阀门关了").urgent
    assert not clf.classify("厨房一股煤气味 没事了").urgent
    assert not clf.classify("厨房着火了 阀门关了").urgent  # fire does not outlast it


def test_badly_formed_id(tmp_path: Path) -> None:
    msg = error_for(tmp_path, MINIMAL.replace("id: repair", "id: Repair Team"))
    assert "'Repair Team'" in msg


def test_empty_keyword_list(tmp_path: Path) -> None:
    msg = error_for(tmp_path, MINIMAL.replace("keywords: {3: [电梯], 1: [坏了]}", "keywords: {}"))
    assert "category 'repair'" in msg and "empty keyword list" in msg
    msg = error_for(
        tmp_path, MINIMAL.replace("keywords: {3: [电梯], 1: [坏了]}", "keywords: {3: []}")
    )
    assert "category 'repair'" in msg and "empty" in msg


def test_ambiguous_keyword_without_tie_break(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "  - id: other",
        "  - id: safety\n    zh: 治安消防\n    en: Safety\n    keywords: {1: [坏了, 小偷]}\n  - id: other",
    )
    msg = error_for(tmp_path, text)
    assert "category 'safety'" in msg
    assert "'坏了'" in msg and "'repair'" in msg and "same weight" in msg
    # different weights break the tie: accepted
    load_taxonomy(write(tmp_path, text.replace("{1: [坏了, 小偷]}", "{2: [坏了, 小偷]}")))


def test_ambiguous_after_normalisation(tmp_path: Path) -> None:
    # 電梯 (traditional) is the same word as 电梯
    text = MINIMAL.replace(
        "  - id: other",
        "  - id: safety\n    zh: 治安\n    en: Safety\n    keywords: {3: [電梯]}\n  - id: other",
    )
    assert "'电梯'" in error_for(tmp_path, text)


def test_missing_required_category(tmp_path: Path) -> None:
    text = re.sub(r"  - id: other\n    zh: 其他\n    en: Other\n", "", MINIMAL)
    msg = error_for(tmp_path, text)
    assert "required category 'other' is missing" in msg


def test_keyword_listed_twice_with_two_weights(tmp_path: Path) -> None:
    msg = error_for(tmp_path, MINIMAL.replace("1: [坏了]", "1: [坏了, 电梯]"))
    assert "'电梯' twice" in msg


def test_missing_names(tmp_path: Path) -> None:
    msg = error_for(tmp_path, MINIMAL.replace("    en: Repairs\n", ""))
    assert "category 'repair'" in msg and "English name" in msg


def test_bad_weight(tmp_path: Path) -> None:
    msg = error_for(tmp_path, MINIMAL.replace("3: [电梯]", "-3: [电梯]"))
    assert "greater than 0" in msg


def test_unknown_key_is_a_typo_not_silence(tmp_path: Path) -> None:
    assert "unknown top-level key 'categorys'" in error_for(tmp_path, MINIMAL + "categorys: []\n")
    msg = error_for(
        tmp_path, MINIMAL.replace("    en: Repairs\n", "    en: Repairs\n    keyword: {}\n")
    )
    assert "unknown key 'keyword'" in msg


def test_misspelling_that_would_shadow_a_keyword(tmp_path: Path) -> None:
    msg = error_for(tmp_path, "spelling: {电梯: 电悌}\n" + MINIMAL)
    assert "misspelling '电梯'" in msg


def test_undefined_lexicon_reference(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "keywords: {3: [电梯], 1: [坏了]}",
        "keywords: {3: [电梯]}\n    phrases: {'@stairs + 黑': 2}",
    )
    assert "'@stairs'" in error_for(tmp_path, text)


def test_no_danger_at_all(tmp_path: Path) -> None:
    text = MINIMAL.split("urgency:")[0]
    assert "nothing could ever be urgent" in error_for(tmp_path, text)


def test_not_yaml(tmp_path: Path) -> None:
    assert "not a valid taxonomy file" in error_for(tmp_path, "categories: [\n  - id: x\n")


def test_not_a_mapping(tmp_path: Path) -> None:
    assert "must be a mapping" in error_for(tmp_path, "- just\n- a list\n")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(TaxonomyError, match="taxonomy file not found"):
        load_taxonomy(path)


def test_taxonomy_error_is_a_value_error() -> None:
    assert issubclass(TaxonomyError, ValueError)


def test_from_file_passes_min_confidence(tmp_path: Path) -> None:
    clf = Classifier.from_file(write(tmp_path, MINIMAL), min_confidence=0.9)
    assert clf.min_confidence == 0.9
    assert clf.taxonomy.ids == ("repair", "other")


def test_key_written_twice_is_reported(tmp_path: Path) -> None:
    text = MINIMAL + "spelling:\n  电悌: 电梯\n  拉圾: 垃圾\n  电悌: 电体\n"
    msg = error_for(tmp_path, text)
    assert "'电悌' is written twice" in msg


def test_foreign_words_are_read_and_checked(tmp_path: Path) -> None:
    tax = load_taxonomy(write(tmp_path, MINIMAL + "foreign:\n  火事: 着火\n"))
    assert Classifier(tax).classify("火事です").urgent
    msg = error_for(tmp_path, MINIMAL + "foreign:\n  fire: 着火\n")
    assert "foreign 'fire'" in msg and "Japanese or Korean" in msg
    msg = error_for(tmp_path, MINIMAL + "foreign:\n  火事: fire\n")
    assert "gloss is the Chinese" in msg
    # ｶﾞｽ folds to ガス: the same word written twice
    msg = error_for(tmp_path, MINIMAL + "foreign:\n  ガス: 煤气\n  ｶﾞｽ: 燃气\n")
    assert "twice" in msg
    # a word the spelling table rewrites first could never be found
    msg = error_for(tmp_path, MINIMAL + "spelling:\n  幼稚园: 幼儿园\nforeign:\n  幼稚園: 幼儿园\n")
    assert "misspelling" in msg
