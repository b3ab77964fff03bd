"""Manage Returns' bulk bar: the ticked requests, a confirmation, then a result per request.

One address, posted to twice: from Manage Returns (the selection and the action) it shows
what would be done; with ``confirmed=yes`` (and, to deny, the reason and the message) it
does it. Nothing changes before the seller confirms. The view holds no transaction: each
request is decided in its own (``services.decide_in_bulk``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from commerce.access import seller_required
from commerce.forms import add_service_errors

from .. import policy, services
from ..forms import BulkSelectionForm, DenyForm


@seller_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    selection = BulkSelectionForm(request.POST)
    if not selection.is_valid():
        return _refused(request, [error for errors in selection.errors.values() for error in errors])
    action = services.BulkAction(selection.cleaned_data["action"])
    ids = selection.selected_ids()
    try:
        selected = services.selected_returns(seller=request.seller, ids=ids)
    except ValidationError as error:
        return _refused(request, error.messages)
    confirmed = request.POST.get("confirmed") == "yes"
    deny_form = DenyForm(request.POST if confirmed and action == services.BulkAction.DENY else None)
    if confirmed and (action == services.BulkAction.AUTHORISE or deny_form.is_valid()):
        denial = deny_form.cleaned_data if deny_form.is_bound else {}
        try:
            results = services.decide_in_bulk(
                seller=request.seller, actor=request.user, ids=ids, action=action, **denial
            )
        except ValidationError as error:
            add_service_errors(deny_form, error)
        else:
            return render(request, "returns/bulk_results.html", {"action": action, "results": results})
    context = {
        "action": action,
        "rows": [(r, services.would_apply(action, r)) for r in selected],
        "ids": ids,
        "deny_form": deny_form,
        "to_apply": sum(services.would_apply(action, r) for r in selected),
    }
    return render(request, "returns/bulk_confirm.html", context, status=400 if confirmed else 200)


def _refused(request: HttpRequest, errors: list[str]) -> HttpResponse:
    """The selection as a whole was refused: nothing is done, the page says why."""
    context = {"errors": errors, "cap": policy.MAX_BULK_DECISIONS}
    return render(request, "returns/bulk_confirm.html", context, status=400)
