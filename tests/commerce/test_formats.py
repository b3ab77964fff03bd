"""Dates, times and numbers in the reader's language, one style per page (issue 17): the named
formats of ``sellercentral/formats``, used by every template and by ``commerce.formats``."""

import ast
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format

from commerce.formats import day, moment, month_day
from commerce.models import SellerMembership

from .. import factories

ROOT = Path(__file__).resolve().parents[2]
NAMED = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "TIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
}
# What a machine reads (a <time datetime>, an <input type="date"> value, a link's query).
MACHINE = {"c", "U", "Y-m-d"}
PRODUCT_APPS = ["commerce", "messaging", "returns", "metrics", "sellercentral"]


# --- No literal formats -------------------------------------------------------------------

DATE_FILTER = re.compile(r"""\|(?:date|time):(["'])(.*?)\1|\{%\s*now\s+(["'])(.*?)\3""")


def literal_template_formats(source: str) -> list[str]:
    """Each ``|date:"…"``, ``|time:"…"`` or ``{% now "…" %}`` whose format is neither named nor
    a machine format inside a tag (an attribute's value, where no reader sees it)."""
    found = []
    for match in DATE_FILTER.finditer(source):
        fmt = match.group(2) if match.group(2) is not None else match.group(4)
        if fmt in NAMED:
            continue
        before = source[: match.start()]
        inside_tag = before.rfind("<") > before.rfind(">")
        if fmt in MACHINE and inside_tag:
            continue
        found.append(fmt)
    return found


def test_the_rule_finds_literal_formats_and_lets_named_and_machine_ones_through():
    assert literal_template_formats('<dd>{{ d|date:"j M Y" }}</dd>{{ d|date:"l j M Y" }}') == [
        "j M Y",
        "l j M Y",
    ]
    assert literal_template_formats("""<p>{{ d|date:'c' }}</p>{% now "Y" %}""") == ["c", "Y"]
    assert not literal_template_formats(
        """<time datetime="{{ d|date:'c' }}">{{ d|date:"DATETIME_FORMAT" }}</time>{{ d|date }}"""
        """<input value="{{ d|date:'Y-m-d' }}">{{ d|date:"MONTH_DAY_FORMAT" }}"""
    )


def test_no_template_writes_a_date_in_a_format_of_its_own():
    templates = [p for p in ROOT.glob("**/templates/**/*") if p.is_file() and ".venv" not in p.parts]
    offenders = {
        str(path.relative_to(ROOT)): formats
        for path in templates
        if (formats := literal_template_formats(path.read_text()))
    }
    assert offenders == {}


# A machine format starts with the year (ISO 8601 order) and names nothing; any other is shown.
NAMES = re.compile(r"%-?[aAbBhpIcxX]")


def hand_formatted_dates(source: str) -> list[str]:
    """The date formats a module spells itself: ``strftime("…")`` and f-string specs such as
    ``{day:%d %b %Y}``, unless ISO-ordered (``%Y-%m-%d``, for links, file names and logs), and
    Django format strings given to ``dateformat.format`` / ``date_format`` instead of a name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and _called(node) in {"format", "date_format", "time_format"}
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and (_called(node) != "format" or _owner(node) in {"dateformat", "timeformat"})
        ):
            if node.args[1].value not in NAMED:
                found.append(node.args[1].value)
            continue
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "strftime"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            fmt = str(node.args[0].value)
        elif isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
            fmt = "".join(str(v.value) for v in node.format_spec.values if isinstance(v, ast.Constant))
            if not re.search(r"%-?[A-Za-z]", fmt):
                continue  # a number's spec: ".0f", ".0%"
        else:
            continue
        if NAMES.search(fmt) or not fmt.startswith("%Y"):
            found.append(fmt)
    return found


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _owner(call: ast.Call) -> str:
    func = call.func
    return getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""


def test_the_python_rule_finds_shown_formats_and_lets_iso_ones_through():
    assert sorted(hand_formatted_dates('x = f"{d:%d %b %Y}"; y = t.strftime("%-I:%M %p")')) == [
        "%-I:%M %p",
        "%d %b %Y",
    ]
    assert hand_formatted_dates('x = dateformat.format(d, "j b. Y") + date_format(d, "DATE_FORMAT")') == [
        "j b. Y"
    ]
    assert hand_formatted_dates('x = f"{d:%H:%M}"') == ["%H:%M"]
    assert not hand_formatted_dates('x = f"{d:%Y-%m-%d %H:%M} {n:.0f}"; s = t.strftime("%Y%m%dT%H%M%S")')


def test_no_product_module_formats_a_shown_date_itself():
    modules = [p for app in PRODUCT_APPS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    offenders = {
        str(path.relative_to(ROOT)): formats
        for path in modules
        if (formats := hand_formatted_dates(path.read_text()))
    }
    assert offenders == {}


# --- Each language's formats ----------------------------------------------------------------

WINTER = datetime(2026, 11, 26, 14, 5, tzinfo=UTC)  # 14:05 GMT in London
SUMMER = datetime(2026, 6, 3, 9, 30, tzinfo=UTC)  # 10:30 BST
EXPECTED = {
    "en-gb": ("26 Nov 2026", "26 Nov 2026, 14:05 GMT", "3 Jun 2026, 10:30 BST", "26 Nov", "1,234.5"),
    "fr": ("26 nov. 2026", "26 nov. 2026, 14:05 GMT", "3 juin 2026, 10:30 BST", "26 nov.", "1\xa0234,5"),
    "de": ("26. Nov. 2026", "26. Nov. 2026, 14:05 GMT", "3. Juni 2026, 10:30 BST", "26. Nov.", "1.234,5"),
    "it": ("26 nov 2026", "26 nov 2026, 14:05 GMT", "3 giu 2026, 10:30 BST", "26 nov", "1.234,5"),
    "es": ("26 nov 2026", "26 nov 2026, 14:05 GMT", "3 jun 2026, 10:30 BST", "26 nov", "1\xa0234,5"),
}


@pytest.mark.parametrize("language", EXPECTED)
def test_each_language_writes_dates_times_and_numbers_its_own_way(language, settings):
    settings.TIME_ZONE = "Europe/London"
    date_text, winter, summer, axis, number = EXPECTED[language]
    with translation.override(language):
        assert (day(date(2026, 11, 26)), moment(WINTER), moment(SUMMER)) == (date_text, winter, summer)
        assert month_day(date(2026, 11, 26)) == axis
        assert number_format(Decimal("1234.5"), 1, force_grouping=True) == number
        # The pages write exactly what Python writes (e-mails, the label PDF, chart labels).
        page = Template('{{ d|date }}|{{ t|date:"DATETIME_FORMAT" }}|{{ d|date:"MONTH_DAY_FORMAT" }}')
        assert page.render(Context({"d": date(2026, 11, 26), "t": WINTER})) == f"{date_text}|{winter}|{axis}"


def test_a_datetime_is_written_for_the_day_it_falls_on_locally(settings):
    settings.TIME_ZONE = "Europe/London"
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # already 1 July in London
    with translation.override("en-gb"):
        assert (day(late), moment(late)) == ("1 Jul 2026", "1 Jul 2026, 00:30 BST")
    assert (day(None), moment(None), month_day(None)) == ("", "", "")


# --- A real page in German ------------------------------------------------------------------

GERMAN_DATE = r"\d{1,2}\. (?:Jan\.|Feb\.|März|April|Mai|Juni|Juli|Aug\.|Sept\.|Okt\.|Nov\.|Dez\.) \d{4}"
# Anything that looks like a date in any style: "26 Nov 2026", "Nov 26, 2026", "26.11.2026".
ANY_DATE = re.compile(
    r"\b\d{1,2}\.? ?[^\W\d_]+\.? \d{4}\b|\b[^\W\d_]+\.? \d{1,2}, \d{4}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
)
WEEKDAYS = re.compile(
    r"\b(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


@pytest.mark.django_db
def test_the_order_page_in_german_writes_every_date_in_one_style(seller, settings):
    settings.TIME_ZONE = "Europe/London"
    order = factories.order_with_items(
        seller=seller,
        items=1,
        placed_at=datetime(2026, 11, 20, 9, 15, tzinfo=UTC),
        dispatched_at=datetime(2026, 11, 21, 16, 40, tzinfo=UTC),
        delivery_estimate_start=date(2026, 11, 25),
        delivery_estimate_end=date(2026, 11, 27),  # a Friday: the page used to say "Freitag"
    )
    user = factories.seller_user(seller)
    SellerMembership.objects.filter(user=user).update(language="de")
    client = Client()
    client.force_login(user)
    html = client.get(reverse("seller:order", args=[order.order_id])).content.decode()

    text = re.sub(r"<[^>]+>", " ", html)
    for shown in ["20. Nov. 2026, 09:15 GMT", "25. Nov. 2026 \u2013 27. Nov. 2026", "21. Nov. 2026"]:
        assert shown in text, shown
    dates = ANY_DATE.findall(text)
    assert len(dates) >= 4
    assert [d for d in dates if not re.fullmatch(GERMAN_DATE, d)] == []
    assert not WEEKDAYS.search(text)
