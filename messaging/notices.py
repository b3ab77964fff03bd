"""The product's own words in a thread ("Return authorised (order …)", "Refund issued"), kept
as sentences to translate rather than as text, so each reader reads them in their language.

A system message is written once and read by the buyer and by each of the seller's users,
each in their own language. So it stores its sentences' msgids (marked with
``gettext_noop`` where they are written, for the catalogues) and their values, and is
rendered when it is read. The values keep their kind: a label to translate (a return
reason), a date or an amount to write in the reader's format, or what a user typed, shown as
typed. The message's ``subject`` and ``body_text`` keep the default language's rendering,
for search, the admin and any reader older than this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from commerce.formats import day, money

Value = str | int | dict[str, Any]


@dataclass(frozen=True)
class Notice:
    """One sentence: ``text`` is an English msgid with ``%(name)s`` placeholders."""

    text: str
    values: dict[str, Value] = field(default_factory=dict)

    @classmethod
    def typed(cls, text: str) -> Notice:
        """What a person wrote (a denial's message, a claim): shown as written, in any language."""
        return cls("%(text)s", {"text": text})

    def with_typed(self, change: Callable[[str], str]) -> Notice:
        """The same sentence with ``change`` applied to what people typed (to mask addresses)."""
        return Notice(self.text, {k: _typed_value(v, change) for k, v in self.values.items()})

    def stored(self) -> str:
        """The sentence in the product's default language: what the row's text column keeps."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.render()

    def render(self) -> str:
        """The sentence in the active language."""
        return gettext(self.text) % {name: _render_value(value) for name, value in self.values.items()}

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "values": self.values}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Notice:
        return cls(data["text"], data.get("values", {}))


def label(msgid: str) -> dict[str, str]:
    """A value that is itself words to translate, such as a choice's label."""
    return {"label": msgid}


def label_of(choice: Any) -> dict[str, str]:
    """A ``TextChoices`` member's label as a value to translate (its English msgid)."""
    with translation.override(None):  # no catalogue: the lazy label gives its msgid
        return label(str(choice.label))


def sentence(notice: Notice) -> dict[str, Any]:
    """A value that is itself a sentence, rendered in the reader's language (a reply's subject)."""
    return {"notice": notice.as_json()}


def _typed_value(value: Value, change: Callable[[str], str]) -> Value:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict) and "notice" in value:
        return sentence(Notice.from_json(value["notice"]).with_typed(change))
    return value


def on_day(value: date) -> dict[str, str]:
    return {"date": value.isoformat()}


def amount(value: Decimal, currency: str) -> dict[str, str]:
    return {"money": str(value), "currency": currency}


def _render_value(value: Value) -> str | int:
    if not isinstance(value, dict):
        return value
    if "label" in value:
        return gettext(value["label"])
    if "notice" in value:
        return Notice.from_json(value["notice"]).render()
    if "date" in value:
        return day(date.fromisoformat(value["date"]))
    if "money" in value:
        return money(Decimal(value["money"]), value["currency"])
    raise ValueError(f"unknown notice value {value!r}")


@dataclass(frozen=True)
class ThreadNotice:
    """A message's subject, and for a system message its paragraphs (``None``: a person's
    message, whose body is theirs, stored as written)."""

    subject: Notice
    paragraphs: list[Notice] | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"subject": self.subject.as_json()}
        if self.paragraphs is not None:
            data["paragraphs"] = [p.as_json() for p in self.paragraphs]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ThreadNotice:
        paragraphs = data.get("paragraphs")
        return cls(
            Notice.from_json(data["subject"]),
            None if paragraphs is None else [Notice.from_json(p) for p in paragraphs],
        )

    def with_typed(self, change: Callable[[str], str]) -> ThreadNotice:
        paragraphs = None if self.paragraphs is None else [p.with_typed(change) for p in self.paragraphs]
        return ThreadNotice(self.subject.with_typed(change), paragraphs)

    def stored(self) -> tuple[str, str]:
        """Subject and body in the product's default language, for the row's text columns."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.render_subject(), self.render_body()

    def render_subject(self) -> str:
        return self.subject.render()

    def render_body(self) -> str:
        return "\n\n".join(text for text in (p.render() for p in self.paragraphs or []) if text)
