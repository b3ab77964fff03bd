"""What other apps contribute to the foundation's pages (to-dos, the order page's sections).

The foundation imports no other app (tests/test_architecture.py): each app registers its
entries from its ``AppConfig.ready``, and the page reads them in ``position`` order.
"""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar


class Entry(Protocol):
    key: str
    position: int


E = TypeVar("E", bound=Entry)


class Registry(Generic[E]):
    def __init__(self) -> None:
        self._entries: dict[str, E] = {}

    def register(self, entry: E) -> None:
        """One entry per key: registering a key again replaces it (as a reload does)."""
        self._entries[entry.key] = entry

    def entries(self) -> list[E]:
        return sorted(self._entries.values(), key=lambda entry: entry.position)
