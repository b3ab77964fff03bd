"""Querysets compiled to SQL once and run again with other values: the relay's hot reads.

Building and compiling a queryset costs Django more than PostgreSQL needs to run it: a thread
lookup with two joins and an ``EXISTS`` is ~2 ms of Python before a 0.2 ms query. For the
few reads done on every mail, ``CompiledQuery`` builds the queryset once, with a placeholder
for each value, keeps its SQL, and afterwards only puts the values in and turns the rows into
objects as Django itself would (model instances with their ``select_related`` rows and
annotations, or ``values_list`` tuples).

A value must reach the SQL as it was given (a lookup such as ``exact`` or ``in`` on an id or a
string does; ``contains`` wraps it and is refused when compiling). Values are typed: ``int``,
``str``, or a ``list`` of either with a fixed length (``(str, 11)``). The SQL and what reads the
rows are kept per thread and database connection, as Django keeps connections.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.db.transaction import TransactionManagementError

_INT_PLACEHOLDER = 1_900_000_000  # ids this large stand for a value; in range of any integer column


@dataclass(frozen=True)
class _Compiled:
    sql: str
    slots: list[tuple[str, int | None] | None]  # per parameter: (value name, list index), or None
    constants: list[Any]
    compiler: Any
    rows_as: str  # "models" or "tuples"
    init: tuple[Any, ...] = ()  # for models: the model, its columns' range and attnames, populators
    locks: bool = False


class CompiledQuery:
    """``build(**placeholders)`` returns the queryset; ``query(**values)`` runs it with ``values``.

    ``types`` names each value's type: ``int``, ``str``, or ``(int, n)`` / ``(str, n)`` for a
    list of ``n`` values (an ``__in`` lookup)."""

    def __init__(
        self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS, **types: Any
    ) -> None:
        self.build = build
        self.using = using
        self.types = types
        self._local = threading.local()

    def __call__(self, **values: Any) -> list[Any]:
        for name, kind in self.types.items():
            if isinstance(kind, tuple) and len(values[name]) != kind[1]:
                raise ValueError(f"{name} must hold {kind[1]} values")
        connection = connections[self.using]
        compiled = getattr(self._local, "compiled", None)
        if compiled is None or getattr(self._local, "connection", None) is not connection:
            compiled = self._compile()
            self._local.compiled, self._local.connection = compiled, connection
        if compiled.locks and connection.get_autocommit():  # as Django refuses it
            raise TransactionManagementError("A locking read cannot be used outside of a transaction.")
        params = [
            constant if slot is None else (values[slot[0]] if slot[1] is None else values[slot[0]][slot[1]])
            for slot, constant in zip(compiled.slots, compiled.constants, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return self._objects(compiled, rows)

    def _placeholders(self) -> tuple[dict[str, Any], dict[Any, tuple[str, int | None]]]:
        counter = iter(range(10_000))

        def one(kind: type) -> Any:
            n = next(counter)
            return _INT_PLACEHOLDER + n if kind is int else f"\x1fcompiled-query-{n}\x1f"

        given, slots = {}, {}
        for name, kind in self.types.items():
            if isinstance(kind, tuple):
                given[name] = [one(kind[0]) for _ in range(kind[1])]
                slots.update({value: (name, index) for index, value in enumerate(given[name])})
            else:
                given[name] = one(kind)
                slots[given[name]] = (name, None)
        return given, slots

    def _compile(self) -> _Compiled:
        given, placeholders = self._placeholders()
        queryset = self.build(**given)
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        slots = [placeholders.get(param) if _hashable(param) else None for param in params]
        missing = set(placeholders.values()) - set(filter(None, slots))
        inlined = [str(p) for p in placeholders if str(p) in sql]
        if missing or inlined:
            raise ValueError(
                f"values changed or written into the SQL, cannot be substituted: {missing or inlined}"
            )
        constants = [None if slot else param for slot, param in zip(slots, params, strict=True)]
        locks = connections[self.using].ops.for_update_sql() in sql
        if queryset._iterable_class is ModelIterable:
            klass_info, select = compiler.klass_info, compiler.select
            fields = klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            attnames = [column[0].target.attname for column in select[start:end]]
            populators = get_related_populators(klass_info, select, self.using)
            init = (klass_info["model"], start, end, attnames, populators, compiler.annotation_col_map)
            return _Compiled(sql, slots, constants, compiler, "models", init, locks)
        if queryset._iterable_class is ValuesListIterable:
            return _Compiled(sql, slots, constants, compiler, "tuples", (), locks)
        raise TypeError("a CompiledQuery returns model instances or values_list() tuples")

    def _objects(self, compiled: _Compiled, rows: list[tuple]) -> list[Any]:
        converted = compiled.compiler.results_iter(results=[rows], tuple_expected=True)
        if compiled.rows_as == "tuples":
            return list(converted)
        model, start, end, attnames, populators, annotations = compiled.init
        objects = []
        for row in converted:
            obj: Model = model.from_db(self.using, attnames, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in (annotations or {}).items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
