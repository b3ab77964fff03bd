"""Charts as plain SVG geometry, drawn by a template: the 90-day trend of the under-24 h share
(Account Health), and orders beside return requests per day (Business Reports)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from commerce import formats

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
    # Looked up once, not per bar: the label's translation and the language's date format
    # (``formats.day`` writes a date with DATE_FORMAT, as here).
    label = _("%(day)s: %(percent)s%% of %(counted)s answered within 24 hours")
    date_format = get_format("DATE_FORMAT")
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
                label=label
                % {
                    "day": dateformat.format(day.day, date_format),
                    "percent": f"{day.percent:.0f}",
                    "counted": day.counted,
                },
                below_target=(day.percent or 0) <= UNDER_TARGET,
            )
        )
    target_y = round(TOP + plot_height * (1 - UNDER_TARGET / 100), 1)
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "top": TOP, "bottom_y": HEIGHT - BOTTOM,
        "bars": bars, "target_y": target_y, "first": days[0].day if days else None, "last": days[-1].day if days else None,
    }  # fmt: skip


@dataclass(frozen=True)
class DayBars:
    label: str
    orders: Bar
    returns: Bar


def orders_and_returns_bars(figures: list) -> dict:
    """Per day, all marketplaces together: a bar of orders and, beside it, a hatched bar of
    return requests (told apart without colour), on one scale from 0 to the busiest day."""
    days: dict = {}
    for row in figures:
        orders, returns = days.get(row.day, (0, 0))
        days[row.day] = (orders + row.orders, returns + row.returns_requested)
    plot_height = HEIGHT - BOTTOM - TOP
    top = max([1, *(max(pair) for pair in days.values())])
    step = (WIDTH - LEFT) / max(1, len(days))
    width = round(max(0.5, (step - 2) / 2), 2)

    def bar(x: float, value: int) -> Bar:
        height = plot_height * value / top
        return Bar(
            x=round(x, 2), y=round(TOP + plot_height - height, 2), width=width, height=round(height, 2),
            label="", below_target=False,
        )  # fmt: skip

    groups = []
    for n, (day, (orders, returns)) in enumerate(days.items()):
        x = LEFT + n * step + 1
        label = _("%(day)s: %(orders)s orders, %(returns)s return requests") % {
            "day": formats.day(day), "orders": orders, "returns": returns,
        }  # fmt: skip
        groups.append(DayBars(label=label, orders=bar(x, orders), returns=bar(x + width, returns)))
    day_list = list(days)
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "top": TOP, "bottom_y": HEIGHT - BOTTOM,
        "groups": groups, "maximum": top, "first": day_list[0] if day_list else None,
        "last": day_list[-1] if day_list else None,
        "empty": not any(orders or returns for orders, returns in days.values()),
    }  # fmt: skip
