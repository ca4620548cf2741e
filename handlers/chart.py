"""The statistics as one picture that reads well on a phone: tall, few words, big numbers.

matplotlib draws it with the Agg backend (no display), through its object API, so it is
safe off the event loop. Chinese labels need a font with Chinese characters: the first
found of a few common ones (Debian: fonts-wqy-microhei or fonts-noto-cjk). Without one
the chart is drawn with Latin labels rather than empty boxes, and a failure to draw is
logged and answered with None: the text of the report goes out regardless.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # after choosing the backend
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from handlers.metrics import STATUSES, VERDICTS, Report, WindowStats
from handlers.texts import t

log = logging.getLogger(__name__)

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
# where Debian's packages put them, for a font installed after matplotlib built its cache
CJK_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)

STATUS_COLOURS = {"open": "#d62728", "claimed": "#ff7f0e", "resolved": "#1f77b4", "done": "#2ca02c", "closed": "#9e9e9e"}
VERDICT_COLOURS = {
    "very_satisfied": "#1a9850",
    "satisfied": "#91cf60",
    "so_so": "#fee08b",
    "dissatisfied": "#fc8d59",
    "not_solved": "#d73027",
    "unrated": "#c8c8c8",
}
TIME_COLOURS = ("#9ecae1", "#3182bd")  # the shorter window lighter

_drawing = threading.Lock()  # rcParams are global: one chart at a time


@cache
def cjk_font() -> str | None:
    """The family name of a font that has Chinese characters, or None."""
    # matplotlib's font list is a cache: a font removed since is still in it
    installed = {entry.name for entry in font_manager.fontManager.ttflist if Path(entry.fname).exists()}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    for path in CJK_FILES:
        if Path(path).exists():
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except Exception:  # an unreadable font file is as good as none
                log.warning("could not load the font %s", path)
    log.warning("no font with Chinese characters found; charts get Latin labels (install fonts-wqy-microhei)")
    return None


class _Words:
    """The chart's labels: Chinese from the catalogue, or Latin ones when no font can draw Chinese."""

    def __init__(self, latin: bool, names: Callable[[str], str]) -> None:
        self.latin = latin
        self._names = names

    def __call__(self, key: str, **values: object) -> str:
        return t(f"stats.chart_latin.{key}" if self.latin else f"stats.chart.{key}", **values)

    def category(self, category_id: str) -> str:
        return category_id if self.latin else self._names(category_id)

    def status(self, status: str) -> str:
        return t(f"stats.chart_latin.status.{status}") if self.latin else t(f"stats.status.{status}")

    def verdict(self, verdict: str) -> str:
        if self.latin:
            return t(f"stats.chart_latin.rating.{verdict}")
        return t("stats.unrated") if verdict == "unrated" else t(f"rating.{verdict}")


def render(report: Report, names: Callable[[str], str], *, when: str) -> bytes | None:
    """The chart as PNG bytes; None if it could not be drawn (logged)."""
    try:
        with _drawing:
            family = cjk_font()
            words = _Words(family is None, names)
            rc = {"font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"], "axes.unicode_minus": False}
            with matplotlib.rc_context(rc):
                figure = build_figure(report, words, when=when)
                buffer = io.BytesIO()
                figure.savefig(buffer, format="png")
            return buffer.getvalue()
    except Exception:
        log.exception("could not draw the statistics chart")
        return None


def build_figure(report: Report, words: _Words, *, when: str) -> Figure:
    """The figure: per window the tickets by category and status, then the times, then
    the residents' verdicts. Kept apart from rendering so tests can read its bars."""
    category_rows = [max(2, len(w.by_category)) for w in report.windows]
    heights = [0.9 + 0.42 * rows for rows in category_rows] + [3.0, 2.2]
    figure = Figure(figsize=(7.2, sum(heights) + 0.8), dpi=110, layout="constrained")
    figure.suptitle(words("title", time=when), fontsize=17)
    axes = figure.subplots(len(heights), 1, height_ratios=heights)
    for i, (ax, window) in enumerate(zip(axes, report.windows, strict=False)):
        _categories(ax, window, words, legend=i == 0)
    _times(axes[len(report.windows)], report.windows, words)
    _verdicts(axes[len(report.windows) + 1], report.windows, words)
    return figure


def _empty(ax: Axes, words: _Words) -> None:
    ax.text(0.5, 0.5, words("none"), ha="center", va="center", fontsize=14, color="#777777", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _categories(ax: Axes, window: WindowStats, words: _Words, *, legend: bool) -> None:
    ax.set_title(words("categories", days=window.days), fontsize=14, loc="left")
    if not window.total:
        _empty(ax, words)
        return
    categories = list(window.by_category)[::-1]  # busiest at the top
    labels = [words.category(c) for c in categories]
    left = [0] * len(categories)
    for status in STATUSES:
        counts = [window.by_category[c][status] for c in categories]
        ax.barh(labels, counts, left=left, color=STATUS_COLOURS[status], label=words.status(status), gid=f"status:{status}")
        left = [a + b for a, b in zip(left, counts, strict=True)]
    for y, total in enumerate(left):
        ax.text(total, y, f" {total}", va="center", fontsize=13)
    ax.set_xlim(0, max(left) * 1.15 + 0.5)
    ax.tick_params(axis="y", labelsize=12)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if legend:  # the same colours below: one legend, under the first panel
        ax.legend(ncols=len(STATUSES), fontsize=10, loc="upper center", frameon=False, bbox_to_anchor=(0.5, -0.1))
    ax.spines[["top", "right"]].set_visible(False)


def _hours(minutes: float | None) -> float:
    return round(minutes / 60, 1) if minutes is not None else 0.0


def _times(ax: Axes, windows: list[WindowStats], words: _Words) -> None:
    ax.set_title(words("times"), fontsize=14, loc="left")
    if not any(w.claim or w.resolve for w in windows):
        _empty(ax, words)
        return
    measures = ("median_claim", "p90_claim", "median_resolve", "p90_resolve")
    height = 0.8 / len(windows)
    top = 0.0
    for i, window in enumerate(windows):
        values = [
            _hours(window.claim.median if window.claim else None),
            _hours(window.claim.p90 if window.claim else None),
            _hours(window.resolve.median if window.resolve else None),
            _hours(window.resolve.p90 if window.resolve else None),
        ]
        ys = [m + i * height for m in range(len(measures))]
        bars = ax.barh(ys, values, height=height, color=TIME_COLOURS[i % 2], label=words("window", days=window.days), gid=f"times:{window.days}")
        ax.bar_label(bars, labels=[f"{v:g}" for v in values], padding=3, fontsize=10)
        top = max(top, *values)
    ax.set_yticks([m + height * (len(windows) - 1) / 2 for m in range(len(measures))], [words(m) for m in measures], fontsize=11)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.2 + 0.5)
    ax.legend(ncols=len(windows), fontsize=10, loc="upper center", frameon=False, bbox_to_anchor=(0.5, -0.12))
    ax.spines[["top", "right"]].set_visible(False)


def _verdicts(ax: Axes, windows: list[WindowStats], words: _Words) -> None:
    ax.set_title(words("satisfaction"), fontsize=14, loc="left")
    if not any(sum(w.verdicts.values()) for w in windows):
        _empty(ax, words)
        return
    labels = [words("window", days=w.days) for w in windows]
    left = [0] * len(windows)
    for verdict in VERDICTS:
        counts = [w.verdicts[verdict] for w in windows]
        bars = ax.barh(labels, counts, left=left, color=VERDICT_COLOURS[verdict], label=words.verdict(verdict), gid=f"verdict:{verdict}")
        ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], label_type="center", fontsize=11)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=12)
    ax.set_xticks([])
    ax.legend(ncols=3, fontsize=9, loc="upper center", frameon=False, bbox_to_anchor=(0.5, -0.05))
    ax.spines[["top", "right", "bottom"]].set_visible(False)
