"""A list's links and times built once per page (``commerce.rows``) write exactly what the
per-row tags wrote: ``{% url %}``, ``|date:'c'`` and the inbox's ``inbox_time``."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from commerce.rows import list_time, moment, url_for_each


@pytest.mark.parametrize("value", ["114-1234567-1234567", "a b ç?#&", "0"])
def test_url_for_each_writes_what_reverse_writes(value):
    # Given an order id, even one with characters an address must quote
    # When it is put into the address reversed once for the page
    # Then it reads as reverse() writes it
    assert url_for_each("seller:order")(value) == reverse("seller:order", args=[value])


def test_url_for_each_with_an_integer_id():
    assert url_for_each("messaging:thread")(42) == reverse("messaging:thread", args=[42])


@pytest.mark.parametrize("language", ["en", "fr", "de"])
@time_machine.travel(datetime(2026, 3, 10, 15, 0, tzinfo=UTC), tick=False)
def test_list_time_writes_what_the_filters_wrote(language):
    template = Template("{{ value|date:'c' }}|{{ value|inbox_time }}")
    with translation.override(language):
        written = list_time()
        for value in (
            datetime(2026, 3, 10, 9, 5, tzinfo=UTC),  # today: the time
            datetime(2026, 3, 9, 23, 59, tzinfo=UTC),  # yesterday: the date
            datetime(2026, 3, 10, 15, 0, tzinfo=UTC) - timedelta(days=400),
        ):
            # Given a moment; when the page writes it; then as the per-row filters did
            assert "|".join(written(value)) == template.render(Context({"value": value}))


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_moment_writes_what_the_datetime_format_wrote(language):
    template = Template('{{ value|date:"DATETIME_FORMAT" }}')
    value = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # already tomorrow in some zones
    with translation.override(language):
        assert moment()(value) == template.render(Context({"value": value}))
        assert moment()(None) == ""
