"""Seller Central's Webhooks pages (Settings > Webhooks): list and add webhooks, read one's
delivery log, send it a test event, delete it. Another seller's webhook is a 404."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from commerce.access import seller_required
from commerce.forms import add_service_errors

from . import policy, selectors, services
from .forms import SubscriptionForm
from .models import Subscription


def _own(request: HttpRequest, pk: int) -> Subscription:
    return get_object_or_404(Subscription, pk=pk, seller=request.seller)


@seller_required
def webhooks(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.create_subscription(seller=request.seller, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The secret is shown on this one answer and never again.
            context = {"subscription": subscription, "secret": subscription.secret}
            return render(request, "integrations/created.html", context)
    context = {"form": form, "subscriptions": list(selectors.subscriptions_for_seller(request.seller))}
    return render(request, "integrations/webhooks.html", context, status=400 if form.errors else 200)


@seller_required
def webhook(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _own(request, pk)
    page = Paginator(
        selectors.deliveries_for_subscription(subscription), policy.DELIVERY_LOG_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "integrations/webhook.html", {"subscription": subscription, "page": page})


@seller_required
@require_POST
def send_test(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _own(request, pk)
    try:
        services.send_test_event(subscription=subscription)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    else:
        flash.success(request, gettext("Test event sent: its delivery is in the log below."))
    return redirect("integrations:webhook", pk=pk)


@seller_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.delete_subscription(subscription=_own(request, pk))
    flash.success(request, gettext("Webhook deleted."))
    return redirect("integrations:webhooks")
