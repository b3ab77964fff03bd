"""Generations: what lets a page cache what it shows and never show it stale.

Each app that owns rows a cached page shows has a *scope* (its name). A scope has, per
seller, a generation token in the shared cache; a cached value is stored under the tokens of
the scopes it was read from, so changing a token orphans every value read before. The owning
app's models change the token on every committed write to a seller's rows (``TrackedQuerySet``
for the bulk paths, ``track`` for ``save`` and ``delete``, whose signals cover cascades too).

Three rules make a stale value impossible rather than unlikely:

- tokens are read *before* the rows: a write that commits after the read replaces a token the
  value is stored under, whatever the rows read saw;
- a missing token (flushed, evicted) is created at random, so a lost token never revives an old
  value, and ``reset`` (after a loader writes with raw SQL) replaces the epoch every key holds;
- a connection with writes not yet committed reads fresh random tokens for their scopes: the
  writer sees its own writes before the commit bumps the tokens for everyone else (a rolled
  back write bumps nothing).

The foundation imports no other app: the apps call ``track`` with their own models.
"""

from __future__ import annotations

import functools
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.lookups import Exact
from django.db.models.signals import post_delete, post_save

PREFIX = "generation"
EPOCH = f"{PREFIX}:epoch"
# Longer than anything cached under a token lives: a token that expires only orphans values.
TOKEN_SECONDS = 7 * 24 * 3600


def _key(scope: str, seller_id: int) -> str:
    return f"{PREFIX}:{scope}:{seller_id}"


def _fresh() -> str:
    return secrets.token_hex(8)


def tokens(scopes: Sequence[str], seller_id: int, *, using: str = DEFAULT_DB_ALIAS) -> str:
    """One string naming the current generation of each of ``scopes`` for the seller (and the
    epoch): part of the cache key of anything read from those scopes.

    In a request, the first call reads every tracked scope's token in one ``get_many`` and the
    request's later calls reuse them: as if each had read them at the request's start, still
    before its rows (a bump by this thread forgets them)."""
    written = _written_here(using)
    found = _read(seller_id, using)
    keys = [EPOCH, *(_key(scope, seller_id) for scope in scopes)]
    if any(key not in found for key in keys):
        found.update(_read_tokens(keys))
    named = [found[key] for key in keys]
    for at, scope in enumerate(scopes, start=1):
        if (scope, seller_id) in written:
            named[at] = _fresh()  # uncommitted here: never cached, never read
    return ".".join(named)


_request = threading.local()  # the tokens read in the current request, while there is one
_tracked: set[str] = set()  # every scope ``track`` was called with


def _read(seller_id: int, using: str) -> dict[str, str]:
    memo = getattr(_request, "tokens", None)
    if memo is None:  # not in a request: read what is asked, every time
        return {}
    if (using, seller_id) not in memo:
        keys = [EPOCH, *(_key(scope, seller_id) for scope in sorted(_tracked))]
        memo[(using, seller_id)] = _read_tokens(keys)
    return memo[(using, seller_id)]


def _read_tokens(keys: list[str]) -> dict[str, str]:
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # ``add`` so that concurrent readers agree on the one created.
            cache.add(key, _fresh(), TOKEN_SECONDS)
            found[key] = cache.get(key) or _fresh()
    return found


def _request_started(**kwargs) -> None:
    _request.tokens = {}


def _request_finished(**kwargs) -> None:
    _request.tokens = None


request_started.connect(_request_started, dispatch_uid="generations:request-started")
request_finished.connect(_request_finished, dispatch_uid="generations:request-finished")


def _written_here(using: str) -> set[tuple[str, int]]:
    """The (scope, seller id) written in the connection's open transaction, not yet bumped.

    Kept on the connection (one per thread) with the transaction's outermost block: once that
    block is gone, what is still listed was rolled back (a commit removes what it bumps).
    """
    connection = connections[using]
    outermost = id(connection.atomic_blocks[0]) if connection.atomic_blocks else None
    block, written = getattr(connection, "_generation_writes", (None, set()))
    if block != outermost or outermost is None:
        written = set()
        connection._generation_writes = (outermost, written)
    return written


def bump(scope: str, seller_ids: Iterable[int | None], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Replace the sellers' tokens of ``scope`` once the current transaction commits."""
    written = _written_here(using)
    for seller_id in {seller_id for seller_id in seller_ids if seller_id is not None}:
        if (scope, seller_id) in written:
            continue  # already bumped by this transaction's commit
        written.add((scope, seller_id))
        transaction.on_commit(functools.partial(_replace, scope, seller_id, using), using=using)


def is_bump(callback: Callable) -> bool:
    """Whether an on-commit callback is a ``bump``'s (for tests counting what a write defers)."""
    return getattr(callback, "func", None) is _replace


def _replace(scope: str, seller_id: int, using: str) -> None:
    _written_here(using).discard((scope, seller_id))
    cache.set(_key(scope, seller_id), _fresh(), TOKEN_SECONDS)
    if getattr(_request, "tokens", None):
        _request.tokens.pop((using, seller_id), None)  # read it again, as replaced


def reset() -> None:
    """Orphan every cached value of every seller: after rows were written without the ORM
    (the bench's COPY loader)."""
    cache.set(EPOCH, _fresh(), TOKEN_SECONDS)
    if getattr(_request, "tokens", None):
        _request.tokens.clear()


class TrackedQuerySet(models.QuerySet):
    """The bulk writes of a tracked model (``update``, ``delete``, ``bulk_create``,
    ``bulk_update``) bump the scope of every seller whose rows they touch."""

    def _sellers_written(self) -> set[int]:
        pinned = _pinned_seller(self)
        if pinned is not None:
            return {pinned}
        # One query for a write not filtered by seller: which sellers' rows it changes.
        return set(self.order_by().values_list("seller_id", flat=True).distinct())

    def update(self, **kwargs) -> int:
        with transaction.atomic(using=self.db, savepoint=False):
            bump(self.model.generation_scope, self._sellers_written(), using=self.db)
            return super().update(**kwargs)

    update.alters_data = True

    def delete(self):
        # The collector sends ``post_delete`` for each row (``track``'s receivers).
        return super().delete()

    delete.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            bump(self.model.generation_scope, (obj.seller_id for obj in objs), using=self.db)
            return super().bulk_create(objs, *args, **kwargs)

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            bump(self.model.generation_scope, (obj.seller_id for obj in objs), using=self.db)
            return super().bulk_update(objs, fields, batch_size)

    bulk_update.alters_data = True


def _pinned_seller(queryset: models.QuerySet) -> int | None:
    """The seller id a queryset is filtered to (``filter(seller=…)``), when it is: then a bulk
    write needs no query to know whose rows it changes."""
    where = queryset.query.where
    if where.connector != "AND" or where.negated:
        return None
    for child in where.children:
        if (
            isinstance(child, Exact)
            and getattr(child.lhs, "alias", None) == queryset.model._meta.db_table
            and getattr(getattr(child.lhs, "target", None), "attname", None) == "seller_id"
            and isinstance(child.rhs, int)
        ):
            return child.rhs
    return None


def track(model: type[models.Model], scope: str) -> None:
    """Every write to ``model`` (with a ``seller`` foreign key and ``TrackedQuerySet`` as its
    manager's queryset) bumps ``scope`` for the seller whose row it is. Called from the owning
    app's ``ready``."""
    if not isinstance(model._default_manager.get_queryset(), TrackedQuerySet):
        raise TypeError(f"{model.__name__}'s manager must use a TrackedQuerySet")
    model.generation_scope = scope
    _tracked.add(scope)

    def written(sender, instance, using, **kwargs) -> None:
        bump(scope, [instance.seller_id], using=using)

    post_save.connect(written, sender=model, weak=False, dispatch_uid=f"generation:{model._meta.label}")
    post_delete.connect(written, sender=model, weak=False, dispatch_uid=f"generation-del:{model._meta.label}")
