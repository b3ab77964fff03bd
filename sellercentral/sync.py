"""Incremental sync on every API list: instants to filter by, and cursor pages.

An integrator keeps a copy of its rows by asking, now and then, for what changed since the
last time (``updated_after``) and walking the pages with ``next``. The cursor pages follow
the list's own order, whose keys never change once a row exists (a message's ``sent_at``,
a return's ``requested_at`` …, then the id): a row edited during a walk keeps its place, so
every row that matched when the walk began comes exactly once, whatever changes meanwhile.
Walking in ``updated_at`` order instead would serve a row edited behind the cursor a second
time, or, with an upper bound, not at all. The next walk starts from the moment this one
began (docs/api.md, "Incremental sync").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.core import signing
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from commerce.policy import EARLIEST_FILTER_DATE, LATEST_FILTER_DATE

from .api import Pagination

EARLIEST_INSTANT = datetime.combine(EARLIEST_FILTER_DATE, time.min, tzinfo=UTC)
LATEST_INSTANT = datetime.combine(LATEST_FILTER_DATE + timedelta(days=1), time.min, tzinfo=UTC)
NOT_AN_INSTANT = gettext_lazy(
    "Enter a date and time with its zone, between 1970 and 2999, such as 2025-03-01T09:30:00Z."
)

# Each instant's lookup: ``*_after`` includes its moment, ``*_before`` does not, so one walk's
# ``updated_before`` and the next one's ``updated_after`` tile time without a gap or a double.
INSTANT_FILTERS = {
    "created_after": ("created", "gte"),
    "created_before": ("created", "lt"),
    "updated_after": ("updated_at", "gte"),
    "updated_before": ("updated_at", "lt"),
}


def asks_instants(params) -> bool:
    """Whether the query string filters by any of the instants."""
    return any(name in params for name in INSTANT_FILTERS)


def parse_instant(name: str, raw: str) -> datetime:
    """An ISO 8601 date and time with its zone; a date alone, a time without a zone or anything
    outside the filterable years is a 400 naming ``name``. A ``+`` left unencoded in the query
    string arrives as a space and is read as the ``+`` it was."""
    text = raw.strip().replace(" ", "+")
    try:
        value = parse_datetime(text) if "T" in text.upper() else None
    except ValueError:  # well formed, but no such day or hour
        value = None
    if value is None or value.utcoffset() is None or not EARLIEST_INSTANT <= value < LATEST_INSTANT:
        raise ValidationError({name: [str(NOT_AN_INSTANT)]})
    return value


class InstantFilter(BaseFilterBackend):
    """``created_after`` / ``created_before`` / ``updated_after`` / ``updated_before`` on a list
    view that names the column of its rows' creation (``created_field``); other views are
    left alone."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view) -> QuerySet:
        created = getattr(view, "created_field", None)
        if created is None:
            return queryset
        lookups = {}
        for name, (column, lookup) in INSTANT_FILTERS.items():
            raw = request.query_params.get(name)
            if raw is not None:
                field = created if column == "created" else column
                lookups[f"{field}__{lookup}"] = parse_instant(name, raw)
        return queryset.filter(**lookups)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        if getattr(view, "created_field", None) is None:
            return []
        words = {
            "created_after": "Created at or after this instant",
            "created_before": "Created before this instant",
            "updated_after": "Changed at or after this instant (anything the API shows of the row)",
            "updated_before": "Last changed before this instant",
        }
        return [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": f"{text}: ISO 8601 with its zone, e.g. 2025-03-01T09:30:00Z.",
                "schema": {"type": "string", "format": "date-time"},
            }
            for name, text in words.items()
        ]


# --- Cursor pages -----------------------------------------------------------------------
NOT_A_CURSOR = gettext_lazy("This cursor is not one this list gave: start again without it.")
PAGE_OR_CURSOR = gettext_lazy("Give page or cursor, not both.")


@dataclass(frozen=True)
class Key:
    """One key of a list's order: a column (or an expression) and its direction."""

    expression: object
    descending: bool


def order_keys(queryset: QuerySet) -> list[Key]:
    """The queryset's order as keys, ended by the id (so every position is one row's)."""
    keys = []
    for item in queryset.query.order_by or queryset.model._meta.ordering:
        if isinstance(item, str):
            name = item.lstrip("-")
            keys.append(Key(F("pk" if name == "id" else name), item.startswith("-")))
        elif isinstance(item, OrderBy):
            keys.append(Key(item.expression, item.descending))
        else:
            keys.append(Key(item, False))
    if not keys or keys[-1].expression != F("pk"):
        keys.append(Key(F("pk"), keys[-1].descending if keys else False))
    return keys


def _encoded(value: object) -> object:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, Decimal):
        return {"d": str(value)}
    return value


def _decoded(value: object) -> object:
    if isinstance(value, dict):
        if "t" in value:
            return datetime.fromisoformat(value["t"])
        return Decimal(value["d"])
    return value


class SyncPagination(Pagination):
    """Cursor pages by default, numbered pages where ``page`` is given (never both: a 400).

    A cursor is signed, and only good on the list that gave it: an edited one is a 400 naming
    ``cursor``. ``count`` is the number of rows the filters matched when the walk began:
    counted once on its first page and carried by the cursor, so a deep page costs no count
    of a million rows and every page of a walk says the same total."""

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset: QuerySet, request: Request, view=None) -> list | None:
        cursor = request.query_params.get(self.cursor_query_param, "")
        if self.page_query_param in request.query_params:
            if cursor:
                raise ValidationError({self.cursor_query_param: [str(PAGE_OR_CURSOR)]})
            self.cursor_mode = False
            return super().paginate_queryset(queryset, request, view)
        self.cursor_mode, self.display_page_controls = True, False
        self.request, self.salt = request, f"sellercentral.sync:{request.path}"
        keys = order_keys(queryset)
        queryset = queryset.annotate(**{f"_sync_{n}": key.expression for n, key in enumerate(keys)})
        position, backwards, self.walk_count = self._read(cursor, len(keys))
        if self.walk_count is None:
            self.walk_count = queryset.count()
        size = self.get_page_size(request)
        order = [(n, key.descending != backwards) for n, key in enumerate(keys)]
        rows = queryset.order_by(*(f"{'-' if desc else ''}_sync_{n}" for n, desc in order))
        if position is not None:
            rows = rows.filter(_beyond(position, order))
        rows = list(rows[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        self.next_position = self._position(rows[-1], keys) if rows and (more or backwards) else None
        has_previous = more if backwards else position is not None
        self.previous_position = self._position(rows[0], keys) if rows and has_previous else None
        return rows

    def get_paginated_response(self, data) -> Response:
        if not self.cursor_mode:
            return super().get_paginated_response(data)
        return Response(
            {
                "count": self.walk_count,
                "next": self._link(self.next_position, backwards=False),
                "previous": self._link(self.previous_position, backwards=True),
                "results": data,
            }
        )

    def _read(self, cursor: str, width: int) -> tuple[list | None, bool, int | None]:
        if not cursor:
            return None, False, None
        try:
            payload = signing.loads(cursor, salt=self.salt)
            position = [_decoded(value) for value in payload["k"]]
            backwards, count = bool(payload["b"]), int(payload["n"])
        except (signing.BadSignature, KeyError, TypeError, ValueError, ArithmeticError):
            raise ValidationError({self.cursor_query_param: [str(NOT_A_CURSOR)]}) from None
        if len(position) != width:  # signed by this list, but when it was ordered otherwise
            raise ValidationError({self.cursor_query_param: [str(NOT_A_CURSOR)]})
        return position, backwards, count

    @staticmethod
    def _position(row, keys: list[Key]) -> list:
        return [getattr(row, f"_sync_{n}") for n in range(len(keys))]

    def _link(self, position: list | None, *, backwards: bool) -> str | None:
        if position is None:
            return None
        token = signing.dumps(
            {"k": [_encoded(value) for value in position], "b": backwards, "n": self.walk_count},
            salt=self.salt,
            compress=True,
        )
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, token)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        cursor = {
            "name": self.cursor_query_param,
            "in": "query",
            "required": False,
            "description": "A page of the list, from a `next` or `previous` link; not with `page`.",
            "schema": {"type": "string"},
        }
        return [*super().get_schema_operation_parameters(view), cursor]

    def get_paginated_response_schema(self, schema: dict) -> dict:
        described = super().get_paginated_response_schema(schema)
        link = "https://sellercentral.example/api/v1/seller/messages/?cursor=eyJrIjpbIjIwMjYtMTEtMzAiLDQyXX0"
        described["properties"]["count"]["description"] = (
            "Rows matching the filters (on cursor pages: when the walk's first page was served)"
        )
        described["properties"]["next"]["example"] = link
        described["properties"]["previous"]["example"] = link
        described["required"] = ["count", "next", "previous", "results"]  # next, previous: null at the ends
        return described


def _beyond(position: list, order: list[tuple[int, bool]]) -> Q:
    """Rows after ``position`` in ``order`` ((key number, descending) pairs): ties on the first
    keys broken by the next ones, down to the id. The first key's bound is said on its own
    too, so the database walks the list's index from the position."""
    beyond = Q()
    for depth, (n, descending) in enumerate(order):
        same = Q(**{f"_sync_{m}": position[m] for m, _ in order[:depth]})
        beyond |= same & Q(**{f"_sync_{n}__{'lt' if descending else 'gt'}": position[n]})
    first, descending = order[0]
    return beyond & Q(**{f"_sync_{first}__{'lte' if descending else 'gte'}": position[first]})
