"""The printable return label: an SVG barcode for the page and a PDF (reportlab)."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reportlab.graphics import renderSVG
from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from commerce.formats import day

from .models import ReturnRequest

TITLE = _("Print this return authorisation and include a copy in your return package")


def barcode_svg(rma: str) -> str:
    """The RMA as a Code 128 barcode, as inline SVG markup (no external asset)."""
    drawing = createBarcodeDrawing(
        "Code128", value=rma, barHeight=18 * mm, barWidth=0.45 * mm, humanReadable=True
    )
    svg = renderSVG.drawToString(drawing)
    return svg[svg.index("<svg") :]


def label_pdf(return_request: ReturnRequest) -> bytes:
    """One A4 page: the return-by date, the RMA and its barcode, each item (order, title,
    quantity, reason, comment) and the return address; its text layer carries the RMA."""
    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    page.setTitle(gettext("Return label %(rma)s") % {"rma": return_request.rma})
    _width, height = A4
    x, y = 20 * mm, height - 25 * mm

    def line(text: str, size: int = 10, bold: bool = False, gap: float = 5.5) -> None:
        nonlocal y
        page.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        page.drawString(x, y, text)
        y -= gap * mm

    line(str(TITLE), 13, bold=True, gap=9)
    return_by = day(return_request.return_by)  # as the pages write it: "30 déc. 2026" in French
    line(gettext("All the items must be returned by %(day)s.") % {"day": return_by}, 12, bold=True, gap=9)
    line(
        gettext("Return authorisation number (RMA): %(rma)s") % {"rma": return_request.rma},
        12,
        bold=True,
        gap=4,
    )
    drawing = createBarcodeDrawing(
        "Code128", value=return_request.rma, barHeight=16 * mm, barWidth=0.5 * mm, humanReadable=True
    )
    y -= 20 * mm
    drawing.drawOn(page, x, y)
    y -= 8 * mm
    for n, item in enumerate(return_request.items.all(), start=1):
        product = item.order_item.product
        reason = item.get_reason_display()
        line(
            gettext("%(n)s of %(asin)s: %(reason)s") % {"n": n, "asin": product.asin, "reason": reason},
            11,
            bold=True,
        )
        line(gettext("Date: %(day)s") % {"day": day(return_request.requested_at)})
        line(gettext("Order ID: %(order_id)s") % {"order_id": return_request.order.order_id})
        line(gettext("Title: %(title)s") % {"title": product.title})
        line(gettext("Quantity: %(quantity)s") % {"quantity": item.quantity})
        line(gettext("Reason: %(reason)s") % {"reason": reason})
        line(gettext("Return Details: %(details)s") % {"details": item.comment or "-"})
        line(gettext("Action Requested: Refund"), gap=8)
    line(gettext("Return address"), 11, bold=True)
    for address_line in _address_lines(return_request.return_address or {}):
        line(address_line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _address_lines(address: dict) -> list[str]:
    region = ", ".join(p for p in [address.get("city", ""), address.get("region", "")] if p)
    keys = [
        address.get("name"),
        address.get("line1"),
        address.get("line2"),
        region,
        address.get("postcode"),
        address.get("country"),
    ]
    return [str(part) for part in keys if part]
