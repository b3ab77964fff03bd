"""A pseudo language for tests, and the rule that tells translated text from what is left.

Every msgid of the project's catalogue (the French one's, the source English) and of Django's
own English catalogues is "translated" into itself between markers, ``⟦…⟧``: a page rendered
in the pseudo language shows every string that went through gettext between markers, so any
other text a person reads was never marked for translation — unless a rule says it is not
the product's words (numbers, dates, money, e-mail addresses, brand names, what users typed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import rest_framework

PSEUDO = "en-xa"  # a code no marketplace uses: registered only in the tests' settings
OPEN, CLOSE = "⟦", "⟧"
PROJECT_CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES" / "django.po"
# Django's own words (month names, "This field is required.", pagination) come from its
# catalogues: the pseudo language wraps them too, so only the project's own gaps remain.
DJANGO_CATALOGUES = sorted(Path(django.__file__).parent.glob("**/locale/en/LC_MESSAGES/django.po"))
# The REST framework's words (its API errors: "Method not allowed") are its catalogues' too;
# it ships its English one compiled only.
DRF_CATALOGUE = Path(rest_framework.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.mo"


def wrap(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}" if text else text


def write_catalogue(locale_dir: Path) -> Path:
    """``<locale_dir>/en_XA/LC_MESSAGES/django.mo``, built with polib (no GNU gettext needed)."""
    pseudo = polib.POFile()
    pseudo.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "en_XA",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    seen: set[tuple[str | None, str]] = set()
    catalogues = [polib.pofile(str(source)) for source in [PROJECT_CATALOGUE, *DJANGO_CATALOGUES]]
    for catalogue in [*catalogues, polib.mofile(str(DRF_CATALOGUE))]:
        for entry in catalogue:
            key = (entry.msgctxt, entry.msgid)
            if entry.obsolete or not entry.msgid or key in seen:
                continue
            seen.add(key)
            pseudo.append(
                polib.POEntry(
                    msgctxt=entry.msgctxt,
                    msgid=entry.msgid,
                    msgid_plural=entry.msgid_plural,
                    # Placeholders stay as they are, so formatting still works.
                    msgstr="" if entry.msgid_plural else wrap(entry.msgid),
                    msgstr_plural=(
                        {0: wrap(entry.msgid), 1: wrap(entry.msgid_plural)} if entry.msgid_plural else {}
                    ),
                )
            )
    target = locale_dir / "en_XA" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    pseudo.save_as_mofile(str(target / "django.mo"))
    return target / "django.mo"


# --- What a person reads on a page -------------------------------------------------------

READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label"}
BUTTON_VALUES = {"submit", "button", "reset"}
HIDDEN = {"script", "style", "template", "noscript"}
# Inline elements continue a sentence ("seller<span>central</span>"); other edges end a run.
INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s",
          "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}  # fmt: skip
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []  # one stream, so markers may span elements
        self.attributes: list[str] = []
        self.hidden = 0  # inside a script or style
        # Open elements, each with whether it says translate="no" (HTML's own mark for a
        # brand, an address, a code: words that are nobody's to translate).
        self.open: list[tuple[str, bool]] = []

    @property
    def kept_as_is(self) -> bool:
        return any(no for _tag, no in self.open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in HIDDEN:
            self.hidden += 1
            return
        if tag not in VOID:
            self.open.append((tag, (values.get("translate") or "").lower() == "no"))
        if self.kept_as_is:
            return
        for name in READ_ATTRIBUTES & values.keys():
            self.attributes.append(values[name] or "")
        if tag == "input" and (values.get("type") or "") in BUTTON_VALUES and values.get("value"):
            self.attributes.append(values["value"] or "")
        if tag in INLINE:
            self.text.append(" ")
        elif tag not in VOID or tag in {"br", "hr", "img", "input"}:
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            return
        if any(name == tag for name, _no in self.open):  # close it and what it left open
            while self.open.pop()[0] != tag:
                pass
        self.text.append(" " if tag in INLINE else "\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden and not self.kept_as_is:
            self.text.append(data)


def read_html(html: str) -> list[str]:
    """The texts people read: the page's text stream, then each read attribute on its own."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return ["".join(reader.text), *reader.attributes]


def outside_markers(text: str) -> list[str]:
    """The runs of ``text`` outside ``⟦…⟧`` (nested markers count as one), split at line ends."""
    runs, current, depth = [], [], 0
    for char in text:
        if char == OPEN:
            depth += 1
            runs.append("".join(current))
            current = []
        elif char == CLOSE and depth:
            depth -= 1
        elif depth == 0:
            if char == "\n":
                runs.append("".join(current))
                current = []
            else:
                current.append(char)
    runs.append("".join(current))
    return [run for run in runs if run.strip()]


# --- The rule: what is not the product's words --------------------------------------------

MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
NOT_WORDS = [
    re.compile(r"^Re:(?=\s|$)", re.I),  # RFC 5322's reply prefix: the same in every language
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"https?://\S+"),  # links shown as text
    re.compile(rf"\b\d{{1,2}}\s+{MONTHS}\s+\d{{4}}\b"),  # 21 Nov 2012
    re.compile(rf"\b{MONTHS}\s+\d{{1,2}},?\s+\d{{4}}\b"),  # Nov 21, 2012
    re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?", re.I),  # times
    re.compile(r"[£€$]\s?\d+(?:[.,]\d+)*|\d+(?:[.,]\d+)*\s?[£€$]"),  # money
    re.compile(r"\b[A-Z0-9]*\d[A-Z0-9-]*\b"),  # ids, order numbers, ASINs, RMAs, counts
    re.compile(r"\b(?=\w*\d)(?=\w*[A-Za-z])\w{6,}\b"),  # RMAs, tokens: letters and digits mixed
]
LETTER = re.compile(r"[^\W\d_]")


def _bare(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


class Rule:
    """Masks what is not the product's words: brand names, the texts the world's users typed
    (longest first), then the generic shapes. A typed text that is one plain word ("Return",
    a reply template's name) masks only a run that is that word alone, so the product's own
    "Return authorised" is still found."""

    def __init__(self, *, typed: Iterable[str], brands: Iterable[str]) -> None:
        typed = {" ".join(t.split()) for t in typed if t and LETTER.search(t)}
        words = {t for t in typed if t.isalpha() and (t.islower() or t.istitle() or t.isupper())}
        phrases = sorted((typed - words) | {b for b in brands if b}, key=len, reverse=True)
        either = "|".join(re.escape(t) for t in phrases)
        self.phrases = re.compile(rf"(?<!\w)(?:{either})(?!\w)", re.I) if phrases else None
        self.words = {_bare(t) for t in words}

    def mask(self, run: str) -> str:
        run = " ".join(run.split())
        if _bare(run) in self.words:
            return "…"
        for pattern in NOT_WORDS[:3]:  # an address's domain may be a brand's
            run = pattern.sub("…", run)
        if self.phrases is not None:
            run = self.phrases.sub("…", run)
        for pattern in NOT_WORDS[3:]:
            run = pattern.sub("…", run)
        return run

    def untranslated(self, texts: Iterable[str]) -> list[str]:
        """The runs outside markers that still hold words once the rule masked the rest."""
        found = []
        for text in texts:
            for run in outside_markers(text):
                masked = self.mask(run)
                if LETTER.search(masked):
                    found.append(masked)
        return found
