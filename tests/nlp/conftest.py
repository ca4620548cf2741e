"""The shipped classifier, loaded and warmed up once for all the nlp tests that read it:
`clf`, the rules as written (with the learned second opinion on danger, without the
learned category model), which the tests of each rule kind check; `rules`, the rules
alone (no learned model), for kinds that must not lean on the urgency model; `product`,
everything as the bot runs it."""

from __future__ import annotations

import pytest

from nlp import Classifier, load_classifier


@pytest.fixture(scope="session")
def clf() -> Classifier:
    c = load_classifier(category_model="off")
    c.warm_up()
    return c


@pytest.fixture(scope="session")
def rules(clf: Classifier) -> Classifier:
    return Classifier(clf.taxonomy)


@pytest.fixture(scope="session")
def product() -> Classifier:
    c = load_classifier()
    c.warm_up()
    return c
