"""Performance pages: Account Health and the Feedback Manager; the buyer's order feedback."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from commerce import exports
from commerce.access import buyer_order_or_404, buyer_required, seller_required
from messaging import services as messaging
from sellercentral.throttling import rate_limited

from . import business, charts, policy, selectors, services
from .forms import BusinessReportForm, ReportForm
from .models import OrderFeedback
from .policy import MAX_FEEDBACK_CHARS
from .reports import BUSINESS_REPORT_HEADERS, REPORTS, business_report_rows

FEEDBACK_PER_PAGE = 25
BUSINESS_DAYS_PER_PAGE = 50


@seller_required
def account_health(request: HttpRequest) -> HttpResponse:
    seller = request.seller
    # The 7/30/90 figures and the 90-day trend from one scan of the seller's messages.
    crt, daily = selectors.response_figures(seller)
    week_ago = timezone.localdate() - timedelta(days=7)
    context = {
        "crt": crt,
        "rdr": selectors.return_dissatisfaction_rate(seller),
        "odr": selectors.order_defect_rate(seller),
        "chart": charts.trend_bars(daily),
        "unanswered_url": reverse("messaging:inbox") + f"?awaiting=on&since={week_ago:%Y-%m-%d}",
        "targets": {"under": policy.UNDER_TARGET, "late": policy.LATE_TARGET},
    }
    return render(request, "metrics/account_health.html", context)


@seller_required
def feedback_manager(request: HttpRequest) -> HttpResponse:
    # ``?show=to_contact``: only the negative feedback still worth contacting the buyer about.
    to_contact = request.GET.get("show") == "to_contact"
    feedback = selectors.feedback_for_seller(request.seller, to_contact=to_contact)
    page = Paginator(feedback, FEEDBACK_PER_PAGE).get_page(request.GET.get("page"))
    context = {"counts": selectors.feedback_counts(request.seller), "page": page, "to_contact": to_contact}
    return render(request, "metrics/feedback.html", context)


@seller_required
def reports(request: HttpRequest) -> HttpResponse:
    """The Reports page; with a report named, its CSV or XLSX file for the days chosen."""
    form = ReportForm(request.GET if "report" in request.GET else None)
    if form.is_bound and form.is_valid():
        report = REPORTS[form.cleaned_data["report"]]
        (first, last), (since, until) = form.days(), form.bounds()
        return exports.download(
            form.cleaned_data["format"],
            name=f"{report.key}-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}",
            title=report.title,
            headers=report.headers,
            rows=report.rows(request.seller, since, until),
        )
    chosen_format = form["format"].value() if form.is_bound else None
    context = {
        "form": form,
        "date_range": form.days(),
        "reports": REPORTS.values(),
        "file_formats": exports.FILE_FORMATS.items(),
        "chosen_format": chosen_format if chosen_format in exports.FILE_FORMATS else "csv",
    }
    return render(request, "metrics/reports.html", context)


@seller_required
def business_reports(request: HttpRequest) -> HttpResponse:
    """Orders, returns and refunds per day and marketplace: a chart, a table, two files."""
    form = BusinessReportForm(request.GET or None, seller=request.seller)
    context = {"form": form, "date_range": form.days()}
    if not form.is_bound or form.is_valid():
        (first, last), (since, until) = form.days(), form.bounds()
        marketplace = form.cleaned_data.get("marketplace") if form.is_bound else None
        figures = business.business_figures(request.seller, since=since, until=until, marketplace=marketplace)
        if form.is_bound and request.GET.get("download"):
            return exports.download(
                form.cleaned_data["download"],
                name=f"business-report-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}",
                title=_("Business report"),
                headers=[str(header) for header in BUSINESS_REPORT_HEADERS],
                rows=business_report_rows(figures),
            )
        context |= {
            "headers": BUSINESS_REPORT_HEADERS,
            "page": Paginator(figures, BUSINESS_DAYS_PER_PAGE).get_page(request.GET.get("page")),
            "totals": business.business_totals(figures),
            "chart": charts.orders_and_returns_bars(figures),
            "marketplace": marketplace,
        }
    return render(request, "metrics/business_reports.html", context)


@seller_required
@require_POST
def contact_buyer_about_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = get_object_or_404(OrderFeedback.objects.select_related("order"), pk=pk, seller=request.seller)
    thread = messaging.open_thread_for_order(order=feedback.order)
    return redirect("messaging:thread", pk=thread.pk)


def _stars(rating: int) -> str:
    return ngettext("%(count)s star", "%(count)s stars", rating) % {"count": rating}


# Lazy: the choices are built once, at import, and read in each buyer's language.
_lazy_stars = lazy(_stars, str)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rate the seller"), coerce=int, choices=[(n, _lazy_stars(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )  # fmt: skip
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=MAX_FEEDBACK_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 3, "maxlength": MAX_FEEDBACK_CHARS, "data-counter": MAX_FEEDBACK_CHARS}
        ),
    )


@buyer_required
@rate_limited("feedback")
def leave_feedback(request: HttpRequest, order_id: str) -> HttpResponse:
    order = buyer_order_or_404(request, order_id)
    existing = OrderFeedback.objects.filter(order=order).first()
    initial = {"rating": existing.rating, "comment": existing.comment} if existing else None
    form = FeedbackForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_feedback(order=order, customer=request.customer, **form.cleaned_data)
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            flash.success(request, gettext("Thank you for your feedback."))
            return redirect("storefront:order", order_id=order.order_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "metrics/leave_feedback.html",
        {"order": order, "form": form, "existing": existing},
        status=status,
    )
