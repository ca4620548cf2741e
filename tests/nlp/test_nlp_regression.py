"""Figures on labelled sets, as regression thresholds.

- requests-dev.csv: a copy of /work/shared/data/requests-dev.csv (CI has no /work/shared).
  The project's targets: accuracy >= 0.95, urgent recall 1.0.
- holdout.csv and holdout2..5.csv: written by the nlp author from the labelling guide,
  each before any run of the classifier against it. Their *first* runs were the honest
  unseen figures (kept beside them as holdoutN-first-blind-run.txt, summarised in
  nlp/README.md); the rules were then improved from the kinds of mistakes they showed, so
  today's figures on them are no longer unseen figures.
  Thresholds sit a little under what the classifier achieves now.
- probes.csv, probes2.csv: hard cases written while tuning (urgency, near neighbours).
- holdout6.csv: written by the second nlp author before looking at any error of the
  grader's sample set; its first run is kept beside it (holdout6-first-blind-run.txt).
- probes3..10.csv: urgency stress (3), then fresh batches in other voices (dialect,
  typos, indirect descriptions, near neighbours), each run once before tuning on it
  (probesN-first-run.txt beside them).
- third round: holdout7.csv (dev style, written and run before any change of the round),
  probes11.csv (the emergency kinds the issue names and their look-alikes, run before
  the urgency changes), probes12.csv (more wordings of each kind, run after the first
  changes), holdout8.csv (dev style) and holdout9.csv (other voices), both written after
  the round's changes; each first run is kept beside it.
- fourth round: holdout10.csv (160 rows, dev style) and holdout11.csv (150 rows, other
  voices: dialect, chat style, typos, English), each written by an author who saw only
  the labelling guide and the dev set's format, not the rules. holdout10 was run with the
  rules of the day, then tuned on; holdout11 was run with those rules, again after the
  holdout10 changes (no better), then tuned on; holdout12 (150 rows, mixed voices) was
  written after both and run once with the round's rules, then tuned on; holdout13 (160
  rows, one winter week of an older neighbourhood) was written after all of that and run
  once, then tuned on; holdout14 (160 rows, a summer in a new high-rise estate) was
  written after all the round's changes, run once, then tuned on; holdout15 (160 rows,
  a spring in a mixed old compound) likewise after holdout14's. First runs are kept
  beside them.
- fifth round: holdout16-19 (160 rows each: a northern winter in a work-unit compound, a
  southern high-rise, a resettlement estate, an old street in autumn), written by four
  authors who saw only the guide and the dev set's format, each run once with the rules
  of the day before any change of the round, then tuned on; holdout20-21 (a university
  district, a Spring Festival fortnight) were written while the round was under way and
  run once with its rules (after the holdout16-19 changes), then tuned on; holdout22-23
  (walk-ups getting lifts, a hillside city in the rains) were written last and run once
  with the round's rules (after the holdout20-21 changes), then tuned on. First runs are
  kept beside them.
- the learned second opinion on danger (nlp/urgency_model.py): holdout24-25 (a Yangtze
  delta summer, a north-eastern factory town in November) were written after it and run
  once with the rules and the model together; then their few missed emergencies became
  rules and the model was retrained with them. Categories were not tuned on them.
- the learned category model (nlp/category_model.py): holdout26-29 (a Guizhou hillside
  town in the spring rains, a Shenzhen high-rise district in January, a Hangzhou lakeside
  neighbourhood at Spring Festival, a Wuhan university estate in July) were written by
  four authors who saw only the guide and the dev set's format, and run once with the
  product of the day (rules and urgency model), then once with the category model added
  (designed on holdout16-25 alone); their three missed emergencies became rules and both
  models were retrained with them. Categories were not tuned on them.
- the product with both learned models and the model overruling judged dangers when
  sure: holdout30-33 (a Fujian resettlement estate in typhoon season, Beijing courtyards
  in a windy March, a Chengdu community after a small earthquake, Harbin in a January
  cold snap), written after all of the above and run once with it; their three missed
  emergencies became rules and both models were retrained. Categories were not tuned.
- holdout34-37 (a Dongguan factory dormitory town after New Year, a Chongqing riverside
  old town in November fog, a Suzhou smart community in May, a Shanxi mining town in
  August), written after all of that and run once; their one missed emergency became a
  rule and both models were retrained. Categories were not tuned.
- holdout38-41 (a Xi'an old town in a July heatwave, a Shanghai lane in the plum rains, a
  Zhengzhou new-town estate in October, a Zhoushan fishing island in a December cold wave),
  written after all of that and run once; their two missed emergencies (a gas smell with
  the valve closed, a stroke told in English) became rules and both models were retrained.
  Categories were not tuned.
- probes13 and probes15 (English and mixed English/Chinese from foreign residents, broken
  English included) and probes14 (voice input: no punctuation, speech-to-text
  mishearings), 120 rows each, half of them emergencies. probes13 and probes14 were run
  once, then the English glossary (nlp/english.py) was written from the kinds of danger
  and probes13's misses; probes15 was written meanwhile by another author and run once
  before the glossary and once with it (before any change from its own misses), then
  tuned on. First runs are kept beside them.
- holdout42-45 (a Chengdu factory dormitory compound in spring, a Harbin resettled estate
  at minus 30, a Shenzhen urban village in the typhoon season, Guangzhou's Xiguan in the
  damp season, half of it in traditional characters and Cantonese) and probes16 (English,
  a third author), written after all of that and run once with the product; their missed
  emergencies, and the ones the rules alone missed (Cantonese grammar, 15 of 33 on
  holdout45), became rules, spellings and glossary entries, and both models were
  retrained. Categories were tuned only through Cantonese and dialect spellings.
- holdout46-49 (a Wuhan work-unit neighbourhood in the July heat, a Beijing hutong
  courtyard in November, an old Xiamen quarter in the typhoon season, a Chongqing hillside
  estate in winter fog) and probes17 (English in many non-native voices), written while
  the holdout42-45 changes were made and run once after them, with the retrained models;
  their missed emergencies and the rules' misses became rules and glossary entries, and
  both models were retrained. Categories were not tuned.
- holdout54-57 (a Xi'an walled-city neighbourhood with coal stoves, a Shanghai shikumen
  lane, a Qingdao coastal estate, a Hefei resettlement community typed by pinyin and
  voice), probes20 (Cantonese in traditional characters) and probes21 (English and
  pinyin from foreign residents), written after the misses of four unkept sets had
  become rules and run once then; their missed emergencies (9 of 229) and look-alikes
  became rules, spellings and glossary entries, and both models were retrained.
  Categories were not tuned.
- holdout58-61 (a Changsha riverside neighbourhood, a Shenyang factory district in the
  heating season, a Guiyang hillside estate, a Suzhou canal town), probes22 (Cantonese
  typed by older residents) and probes23 (English from helpers, spouses and teachers),
  written while holdout54-57 were worked on and run once after; their missed
  emergencies (6 of 190) and the rules' (42) became rules, spellings and glossary
  entries, and both models were retrained. Categories were not tuned.
- holdout62-65 (a Chaoshan and Hakka neighbourhood, Urumqi and Lanzhou residents writing
  Chinese as a second language, a new Hangzhou estate in internet slang, a Henan
  township merged into a city), probes24 (elderly typing: homophones, no punctuation,
  pinyin) and probes25 (English and Chinese mixed), written while holdout58-61 were
  worked on and run once after; their missed emergencies (6 of 201) and the rules' (29)
  became rules, spellings, glossary entries and the pinyin reading (nlp/pinyin.py),
  and both models were retrained. Categories were not tuned.
- holdout66-69 (a Nanchang riverside neighbourhood with workshops, a Hohhot and Baotou
  estate, an old Taiwanese apartment block in traditional characters and Taiwanese
  words, a Nanning and Liuzhou neighbourhood), probes26 (very short messages) and
  probes27 (long rambling ones), written while holdout62-65 were worked on and run once
  after; their missed emergencies (4 of 176) and the rules' (24) became rules and
  spellings (Taiwanese words for services, 著 for 着), and both models were retrained.
  Categories were tuned only through those spellings.
- holdout70-73 (a Wenzhou neighbourhood of family workshops, a Xining neighbourhood of
  Han, Hui and Tibetan residents, a Dalian seaside estate, an old Haikou neighbourhood),
  probes28 (reports relayed by others) and probes29 (elderly WeChat style), written
  while holdout66-69 were worked on and run once after; their missed emergencies (3 of
  185) and the rules' (19) became rules, and both models were retrained. Categories
  were not tuned.
- holdout74-77 (a Jinan neighbourhood of spring-water alleys, an old Fuzhou
  neighbourhood, a Shijiazhuang estate, a Yanji neighbourhood of Korean-Chinese
  residents), probes30 (children and teenagers writing) and
  probes31 (hard look-alikes, a third of them real), written while holdout70-73 were
  worked on and run once after; their missed emergencies (2 of 172) and the rules' (18)
  became rules, and both models were retrained. Categories were not tuned.
- holdout78-81 (Lanzhou by the Yellow River, Wuhan lakeside estates, a Chongqing
  hillside, Kunming and Dali), probes32 (foreign residents writing partly in Japanese
  or Korean), probes33 (messages sent between midnight and five), probes34 (residents
  with disabilities and their carers) and probes35 (follow-ups to reports already made),
  written while holdout74-77 were worked on and run once after; their missed
  emergencies (3 of 217) and the rules' (28) became rules or glosses of the new
  Japanese and Korean table, and both models were retrained. Categories were not tuned.
- holdout82-85 (Harbin in deep winter, a Shenzhen urban village, old Tianjin, Xiamen
  and Quanzhou), probes36 (internet slang and emoji) and probes37 (formal reports by
  grid workers and guards), written while holdout78-81 were worked on and run once
  after: the product missed none of their 171 emergencies; the rules' misses (17)
  became rules, and both models were retrained. Categories were not tuned.
- holdout86-89 (Beijing hutong courtyards, Guangzhou arcade buildings in Cantonese,
  Nanjing in the plum rains, a smart estate in Xiong'an) and probes39 (messages
  cluttered with forwarding headers, quotes and placeholders), written while holdout82-85
  were worked on and run once after; their missed emergencies (5 of 152) and the rules'
  (23) became rules, and both models were retrained. Categories were not tuned.
- holdout90-93 (a Hui neighbourhood of Yinchuan, Ningbo and Zhoushan fishing
  communities, old Chengdu, a resettled village of left-behind elders and children) and
  probes38 (messages of 200 to 1,000 characters), written while holdout86-89 were worked
  on and run once after; their missed emergencies (1 of 150) and the rules' (14) became
  rules, and both models were retrained. Categories were not tuned.
- lookalikes.csv: 40 harmless messages written by the nlp author to teach the urgency
  model what it flagged (a young man on a roof taking photos scored 0.97 after the
  holdout42-45 retraining); not a measure of anything.
The table holds the rules' figures (`clf`: the category model off); the product's
(everything the bot runs, trained on all these rows) are checked below it.
Urgent recall must stay 1.0 everywhere: missing an emergency is the worst error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import Classifier
from nlp.evaluate import evaluate, read_labelled_csv

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("name", "min_accuracy", "min_macro_f1"),
    [
        ("requests-dev.csv", 0.95, 0.95),
        ("holdout.csv", 0.97, 0.97),
        ("holdout2.csv", 0.95, 0.95),
        ("holdout3.csv", 0.95, 0.95),
        ("holdout4.csv", 0.95, 0.95),
        ("holdout5.csv", 0.93, 0.93),
        ("probes.csv", 0.95, 0.95),
        ("probes2.csv", 0.83, 0.75),
        ("holdout6.csv", 0.95, 0.95),
        ("probes3.csv", 0.93, 0.80),
        ("probes4.csv", 0.90, 0.62),
        ("probes5.csv", 0.95, 0.95),
        ("probes6.csv", 0.93, 0.90),
        ("probes7.csv", 0.95, 0.95),
        ("probes8.csv", 0.95, 0.95),
        ("probes9.csv", 0.95, 0.95),
        ("probes10.csv", 0.95, 0.95),
        ("holdout7.csv", 0.97, 0.97),
        ("probes11.csv", 0.92, 0.90),
        ("probes12.csv", 0.95, 0.95),
        ("holdout8.csv", 0.97, 0.97),
        ("holdout9.csv", 0.97, 0.97),
        ("holdout10.csv", 0.93, 0.93),
        ("holdout11.csv", 0.93, 0.93),
        ("holdout12.csv", 0.94, 0.94),
        ("holdout13.csv", 0.92, 0.92),
        ("holdout14.csv", 0.95, 0.95),
        ("holdout15.csv", 0.93, 0.93),
        ("holdout16.csv", 0.92, 0.92),
        ("holdout17.csv", 0.92, 0.91),
        ("holdout18.csv", 0.95, 0.95),
        ("holdout19.csv", 0.95, 0.95),
        ("holdout20.csv", 0.89, 0.90),
        ("holdout21.csv", 0.89, 0.89),
        ("holdout22.csv", 0.90, 0.90),
        ("holdout23.csv", 0.87, 0.88),
        ("holdout24.csv", 0.87, 0.87),
        ("holdout25.csv", 0.83, 0.83),
        ("holdout26.csv", 0.88, 0.87),
        ("holdout27.csv", 0.90, 0.90),
        ("holdout28.csv", 0.83, 0.83),
        ("holdout29.csv", 0.84, 0.83),
        ("holdout30.csv", 0.86, 0.86),
        ("holdout31.csv", 0.86, 0.86),
        ("holdout32.csv", 0.88, 0.88),
        ("holdout33.csv", 0.87, 0.87),
        ("holdout34.csv", 0.88, 0.88),
        ("holdout35.csv", 0.87, 0.87),
        ("holdout36.csv", 0.88, 0.87),
        ("holdout37.csv", 0.89, 0.89),
        ("holdout38.csv", 0.92, 0.92),
        ("holdout39.csv", 0.84, 0.85),
        ("holdout40.csv", 0.91, 0.92),
        ("holdout41.csv", 0.82, 0.84),
        ("probes13.csv", 0.84, 0.84),
        ("probes14.csv", 0.85, 0.90),
        ("probes15.csv", 0.77, 0.80),
        ("holdout42.csv", 0.85, 0.86),
        ("holdout43.csv", 0.80, 0.80),
        ("holdout44.csv", 0.84, 0.85),
        ("holdout45.csv", 0.84, 0.85),
        ("probes16.csv", 0.86, 0.84),
        ("holdout46.csv", 0.84, 0.84),
        ("holdout47.csv", 0.83, 0.84),
        ("holdout48.csv", 0.84, 0.84),
        ("holdout49.csv", 0.90, 0.91),
        ("probes17.csv", 0.80, 0.79),
        ("holdout54.csv", 0.86, 0.86),
        ("holdout55.csv", 0.85, 0.86),
        ("holdout56.csv", 0.85, 0.87),
        ("holdout57.csv", 0.88, 0.88),
        ("probes20.csv", 0.72, 0.77),
        ("probes21.csv", 0.75, 0.80),
        ("holdout58.csv", 0.85, 0.86),
        ("holdout59.csv", 0.87, 0.87),
        ("holdout60.csv", 0.85, 0.86),
        ("holdout61.csv", 0.88, 0.89),
        ("probes22.csv", 0.82, 0.88),
        ("probes23.csv", 0.75, 0.83),
        ("holdout62.csv", 0.76, 0.78),
        ("holdout63.csv", 0.93, 0.94),
        ("holdout64.csv", 0.85, 0.85),
        ("holdout65.csv", 0.83, 0.84),
        ("probes24.csv", 0.70, 0.78),
        ("probes25.csv", 0.77, 0.81),
        ("holdout66.csv", 0.82, 0.83),
        ("holdout67.csv", 0.88, 0.89),
        ("holdout68.csv", 0.71, 0.71),
        ("holdout69.csv", 0.88, 0.88),
        ("probes26.csv", 0.92, 0.93),
        ("probes27.csv", 0.77, 0.85),
        ("holdout70.csv", 0.85, 0.86),
        ("holdout71.csv", 0.86, 0.85),
        ("holdout72.csv", 0.90, 0.91),
        ("holdout73.csv", 0.81, 0.82),
        ("probes28.csv", 0.77, 0.75),
        ("probes29.csv", 0.75, 0.83),
        ("holdout74.csv", 0.88, 0.89),
        ("holdout75.csv", 0.87, 0.88),
        ("holdout76.csv", 0.84, 0.85),
        ("holdout77.csv", 0.85, 0.86),
        ("probes30.csv", 0.72, 0.73),
        ("probes31.csv", 0.75, 0.70),
        ("holdout78.csv", 0.87, 0.88),
        ("holdout79.csv", 0.86, 0.87),
        ("holdout80.csv", 0.90, 0.91),
        ("holdout81.csv", 0.87, 0.86),
        ("probes32.csv", 0.93, 0.91),
        ("probes33.csv", 0.93, 0.90),
        ("probes34.csv", 0.83, 0.80),
        ("probes35.csv", 0.83, 0.81),
        ("holdout82.csv", 0.81, 0.81),
        ("holdout83.csv", 0.85, 0.86),
        ("holdout84.csv", 0.85, 0.88),
        ("holdout85.csv", 0.84, 0.85),
        ("probes36.csv", 0.85, 0.88),
        ("probes37.csv", 0.83, 0.83),
        ("holdout86.csv", 0.83, 0.83),
        ("holdout87.csv", 0.76, 0.78),
        ("holdout88.csv", 0.84, 0.84),
        ("holdout89.csv", 0.84, 0.86),
        ("probes39.csv", 0.85, 0.86),
        ("holdout90.csv", 0.93, 0.93),
        ("holdout91.csv", 0.86, 0.87),
        ("holdout92.csv", 0.86, 0.87),
        ("holdout93.csv", 0.83, 0.84),
        ("probes38.csv", 0.83, 0.83),
    ],
)
def test_labelled_set(clf: Classifier, name: str, min_accuracy: float, min_macro_f1: float) -> None:
    rows = read_labelled_csv(DATA / name)
    report = evaluate(clf, rows)
    misses = "\n".join(
        f"{m.gold}->{m.predicted} urgent {m.gold_urgent}->{m.urgent}: {m.text}"
        for m in report.misclassified
    )
    assert report.urgent_recall == 1.0, misses
    assert report.accuracy >= min_accuracy, misses
    assert report.macro_f1 >= min_macro_f1, misses


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.csv")))
def test_the_product_on_every_labelled_set(product: Classifier, name: str) -> None:
    report = evaluate(product, read_labelled_csv(DATA / name))
    assert report.urgent_recall in (1.0, None)  # None: a set of look-alikes only
    assert report.accuracy >= 0.97  # trained on these rows: a guard, not an unseen figure


def test_dev_set_is_the_shared_one() -> None:
    shared = Path("/work/shared/data/requests-dev.csv")
    if not shared.exists():
        pytest.skip("no /work/shared here (a clean clone)")
    assert (DATA / "requests-dev.csv").read_bytes() == shared.read_bytes()


def test_held_out_sets_are_big_enough() -> None:
    rows = read_labelled_csv(DATA / "holdout.csv")
    assert len(rows) >= 300
    per: dict[str, int] = {}
    for _, gold, _ in rows:
        per[gold] = per.get(gold, 0) + 1
    assert len(per) == 12 and min(per.values()) >= 25
    urgent = sum(1 for *_, u in rows if u)
    assert 0.07 <= urgent / len(rows) <= 0.11
