"""The 90-day trend of the under-24 h share as plain SVG geometry (drawn by a template)."""

from __future__ import annotations

from dataclasses import dataclass

from .policy import UNDER_TARGET
from .selectors import DailyShare

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 220, 40, 24, 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    below_target: bool


def trend_bars(days: list[DailyShare]) -> dict:
    """Bars for days with counted messages; a dashed line at the 90 % target.

    Below-target bars are also hatched, so the chart reads without colour.
    """
    plot_height = HEIGHT - BOTTOM - TOP
    step = (WIDTH - LEFT) / max(1, len(days))
    bars = []
    for n, day in enumerate(days):
        if not day.counted:
            continue
        height = max(2.0, plot_height * (day.percent or 0) / 100)  # a 0 % day still shows
        bars.append(
            Bar(
                x=round(LEFT + n * step + 1, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(max(1.0, step - 2), 1),
                height=round(height, 1),
                label=f"{day.day:%d %b %Y}: {day.percent:.0f}% of {day.counted} answered within 24 hours",
                below_target=(day.percent or 0) <= UNDER_TARGET,
            )
        )
    target_y = round(TOP + plot_height * (1 - UNDER_TARGET / 100), 1)
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "top": TOP, "bottom_y": HEIGHT - BOTTOM,
        "bars": bars, "target_y": target_y, "first": days[0].day if days else None, "last": days[-1].day if days else None,
    }  # fmt: skip
