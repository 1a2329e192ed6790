"""Geometry for the report's inline SVG charts.

Templates draw the shapes; the arithmetic (scales, positions, label clipping) lives here
so a template never computes a coordinate. Every number is rounded to one decimal so the
SVG is stable and diff-friendly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

WIDTH = 520  # a half-width panel: SVG text then shows at about its nominal size
WIDE = 1040  # a full-width panel
LABEL_WIDTH = 150
VALUE_GUTTER = 40
ROW_HEIGHT = 28
BAR_HEIGHT = 16
TOP = 8
LABEL_CHARS = 24


def _clip(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


def _r(value: float) -> float:
    return round(value, 1)


def bar_chart(
    items: Sequence[tuple[str, int, str]], title: str, width: int = WIDTH
) -> dict[str, Any]:
    """A horizontal bar chart of ``(label, value, css_class)`` rows on one scale."""
    span = width - LABEL_WIDTH - VALUE_GUTTER
    top = max((value for _, value, _ in items), default=0)
    bars = []
    for index, (label, value, css) in enumerate(items):
        y = TOP + index * ROW_HEIGHT
        length = span * value / top if top else 0.0
        bars.append(
            {
                "label": _clip(label),
                "full_label": label,
                "value": value,
                "css": css,
                "x": LABEL_WIDTH,
                "y": _r(y + (ROW_HEIGHT - BAR_HEIGHT) / 2),
                "width": _r(max(length, 2.0 if value else 0.0)),
                "height": BAR_HEIGHT,
                "text_y": _r(y + ROW_HEIGHT / 2 + 4),
                "value_x": _r(LABEL_WIDTH + length + 6),
            }
        )
    return {
        "title": title,
        "width": width,
        "wide": width > WIDTH,
        "height": TOP * 2 + ROW_HEIGHT * len(items),
        "label_x": LABEL_WIDTH - 8,
        "bars": bars,
        "empty": not items,
    }


def stacked_chart(
    rows: Sequence[tuple[str, str, Sequence[tuple[str, int, str]]]],
    title: str,
    width: int = WIDTH,
) -> dict[str, Any]:
    """One stacked bar per ``(label, anchor, [(segment, value, css_class), ...])`` row.

    The legend lists the segments that occur, in the order they are given.
    """
    span = width - LABEL_WIDTH - VALUE_GUTTER
    legend: dict[str, str] = {}
    totals = [sum(value for _, value, _ in segments) for _, _, segments in rows]
    top = max(totals, default=0)
    out = []
    for index, ((label, anchor, segments), total) in enumerate(zip(rows, totals)):
        y = TOP + index * ROW_HEIGHT
        x = float(LABEL_WIDTH)
        parts = []
        for name, value, css in segments:
            if not value:
                continue
            legend.setdefault(css, name)
            length = span * value / top if top else 0.0
            parts.append(
                {
                    "name": name,
                    "value": value,
                    "css": css,
                    "x": _r(x),
                    "width": _r(length),
                }
            )
            x += length
        out.append(
            {
                "label": _clip(label),
                "full_label": label,
                "anchor": anchor,
                "total": total,
                "y": _r(y + (ROW_HEIGHT - BAR_HEIGHT) / 2),
                "height": BAR_HEIGHT,
                "text_y": _r(y + ROW_HEIGHT / 2 + 4),
                "value_x": _r(x + 6),
                "segments": parts,
            }
        )
    return {
        "title": title,
        "width": width,
        "wide": width > WIDTH,
        "height": TOP * 2 + ROW_HEIGHT * len(rows),
        "label_x": LABEL_WIDTH - 8,
        "rows": out,
        "legend": [{"css": css, "name": name} for css, name in legend.items()],
        "empty": not rows,
    }
