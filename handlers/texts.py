"""Every text people see, looked up by id in one catalogue per language (locale/*.yaml)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DEFAULT_LANGUAGE = "zh_CN"
_LOCALE_DIR = Path(__file__).with_name("locale")


@cache
def catalogue(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    with (_LOCALE_DIR / f"{language}.yaml").open(encoding="utf-8") as fh:
        # libyaml's loader when present: the catalogue is read once, but before the first answer
        return _flatten(yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value).rstrip("\n")
    return flat


def t(key: str, /, **values: object) -> str:
    """The text for `key`, with {placeholders} filled. A missing key is a bug: KeyError."""
    text = catalogue()[key]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in catalogue()
