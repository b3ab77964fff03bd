"""A product's picture: a small SVG drawn from its ASIN (colour and shape) and its brand.

The catalogue has no photographs, so each listing gets a picture of its own that is the same
on every page and every run: the ASIN's digest picks the colour and the shape, the brand (or
the category) gives the label. The SVG is built from fixed shapes and an escaped label only:
no script, no link, no style sheet, nothing fetched; it is served as an image
(``views.product_picture``) under a policy that allows nothing else.
"""

from __future__ import annotations

import hashlib
from xml.sax.saxutils import escape

SIZE = 128
LABEL_CHARS = 12
CONTENT_TYPE = "image/svg+xml"
# Served alone, the picture may load nothing: no script, no style, no font, no other image.
CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'self'; sandbox"

# Each shape fits the upper two thirds of the square, above the label.
SHAPES = (
    '<circle cx="64" cy="52" r="34" fill="{fg}"/>',
    '<rect x="30" y="20" width="68" height="64" rx="10" fill="{fg}"/>',
    '<polygon points="64,16 102,84 26,84" fill="{fg}"/>',
    '<polygon points="64,14 100,50 64,86 28,50" fill="{fg}"/>',
    '<rect x="26" y="30" width="76" height="44" rx="22" fill="{fg}"/>',
    '<polygon points="64,16 98,36 98,72 64,92 30,72 30,36" fill="{fg}"/>',
)


def _hsl(hue: int, saturation: int, lightness: int) -> str:
    return f"hsl({hue},{saturation}%,{lightness}%)"


def label_for(*, brand: str, category: str, asin: str) -> str:
    """The brand, else the category, else the ASIN, cut to fit under the shape."""
    words = (brand or category or asin).strip()
    return words if len(words) <= LABEL_CHARS else words[: LABEL_CHARS - 1].rstrip() + "…"


def product_svg(asin: str, label: str) -> str:
    """The picture of ``asin``: the same bytes for the same ASIN and label, every time."""
    digest = hashlib.sha256(asin.encode()).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    shape = SHAPES[digest[2] % len(SHAPES)]
    background, foreground = _hsl(hue, 55, 92), _hsl(hue, 50, 42)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img" aria-label="{escape(label, {chr(34): "&quot;"})}">'
        f'<rect width="{SIZE}" height="{SIZE}" rx="12" fill="{background}"/>'
        + shape.format(fg=foreground)
        + f'<text x="64" y="114" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" '
        f'font-size="15" font-weight="700" fill="{_hsl(hue, 45, 22)}">{escape(label)}</text></svg>'
    )
