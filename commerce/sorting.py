"""A list's sort orders, read from ``?sort=``: a whitelist, never a column name from the URL.

A list names its columns (``Column``): the key shown in the query string, the label, the
fields it orders by and the direction a first click takes. ``?sort=placed`` sorts a column
ascending, ``?sort=-placed`` descending; any other value is ignored and the list keeps its
default order (an old bookmark or an edited link still shows the list). Each order ends on
the primary key, so pages never overlap, and each is backed by an index of the owning app
(see the models' ``Meta.indexes``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, OrderBy
from django.http import QueryDict

SORT_PARAM = "sort"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    fields: tuple[str, ...]
    first_descending: bool = False  # dates and amounts: the newest or largest first
    # Only the first direction is offered: a nullable column is indexed with its nulls last
    # in that direction alone (a return-by date: the soonest first, requests without one after).
    one_way: bool = False
    nullable: bool = False

    def allows(self, descending: bool) -> bool:
        return not self.one_way or descending == self.first_descending

    def ordering(self, descending: bool) -> list[OrderBy]:
        # A NOT NULL column is ordered plainly, so its index (nulls in the default place)
        # still serves the order; a nullable one keeps rows without a value last.
        nulls = {"nulls_last": True} if self.nullable else {}
        return [F(field).desc(**nulls) if descending else F(field).asc(**nulls) for field in self.fields] + [
            F("pk").desc() if descending else F("pk").asc()
        ]


@dataclass(frozen=True)
class SortLink:
    """One header's link: where it leads and what the list's order is now."""

    column: Column
    url: str
    aria_sort: str  # "ascending", "descending" or "" when the list is not sorted by it

    @property
    def label(self) -> str:
        return self.column.label


@dataclass(frozen=True)
class Sorting:
    columns: tuple[Column, ...]
    default: str  # "-placed": the order without (or with an unknown) ``?sort=``

    def read(self, value: str | None) -> str:
        """The whitelisted sort named by ``value``, else the default."""
        value = (value or "").strip()
        column = self._column(value.removeprefix("-"))
        return value if column is not None and column.allows(value.startswith("-")) else self.default

    def order_by(self, value: str) -> list[OrderBy]:
        """The ORDER BY of a value ``read`` returned."""
        value = self.read(value)
        return self._column(value.removeprefix("-")).ordering(value.startswith("-"))

    def links(self, params: QueryDict, current: str) -> list[SortLink]:
        """A link per column that keeps the list's filters and search (a new order starts on
        its first page, whether the list pages by number or by cursor)."""
        active, descending = current.removeprefix("-"), current.startswith("-")
        links = []
        for column in self.columns:
            if column.key == active:
                flipped = column.key if descending else f"-{column.key}"
                target = flipped if column.allows(not descending) else current
                aria_sort = "descending" if descending else "ascending"
            else:
                target = f"-{column.key}" if column.first_descending else column.key
                aria_sort = ""
            query = params.copy()
            for position in ("page", "before", "after"):  # numbered or keyset pages
                query.pop(position, None)
            query[SORT_PARAM] = target
            links.append(SortLink(column, f"?{query.urlencode()}", aria_sort))
        return links

    def _column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)
