"""The shipped classifier, loaded and warmed up once for all the nlp tests that read it."""

from __future__ import annotations

import pytest

from nlp import Classifier, load_classifier


@pytest.fixture(scope="session")
def clf() -> Classifier:
    c = load_classifier()
    c.warm_up()
    return c
