"""Messages pages: the seller's inbox and threads, the buyer's "Contact seller"."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commerce import rows
from commerce import selectors as commerce_selectors
from commerce.access import buyer_order_or_404, buyer_required, seller_required
from commerce.forms import add_service_errors
from sellercentral.throttling import rate_limited

from . import selectors, services
from .forms import (
    AlternateAddressForm,
    ContactBuyerForm,
    ContactSellerForm,
    ReplyForm,
    ReplyTemplateForm,
)
from .inbox import section as inbox_section
from .models import Attachment, Message, ReplyTemplate, Thread
from .policy import MAX_TEMPLATES_PER_SELLER

TEMPLATES_PER_PAGE = 25


# --- Seller Central -------------------------------------------------------------------------
@seller_required
def inbox(request: HttpRequest) -> HttpResponse:
    found = inbox_section(request)
    return render(request, "messaging/inbox.html", {"section": found.html}, status=found.status)


def _write_message_times(messages) -> None:
    """Each message's times (``partials/message.html``), the language's format looked up once."""
    written = rows.moment()
    for message in messages:
        message.sent_iso = timezone.localtime(message.sent_at).isoformat()
        message.sent_words = written(message.sent_at)
        message.due_words = written(message.response_deadline)


def _thread_page(
    request: HttpRequest, thread, reply_form: ReplyForm, status: int = 200, *, picked=None, picker_error=""
) -> HttpResponse:
    _write_message_times(thread.messages.all())
    context = {
        "thread": thread,
        "reply_form": reply_form,
        "template_groups": selectors.template_choices(thread),
        "picked": picked,
        "picker_error": picker_error,
    }
    return render(request, "messaging/thread.html", context, status=status)


def _template_choice_or_404(thread, template_id: str) -> selectors.TemplateChoice:
    """The seller's template ``template_id`` filled in for ``thread``; anything else a 404
    (another seller's template, or no template id at all)."""
    # The query string is the visitor's to edit: only an id a row could have is looked up.
    is_id = template_id.isascii() and template_id.isdigit() and len(template_id) < 19 and int(template_id) > 0
    choice = selectors.template_choice(thread, int(template_id)) if is_id else None
    if choice is None:
        raise Http404("No such template.")
    return choice


def _missing_words(choice: selectors.TemplateChoice) -> str:
    return gettext(
        "This conversation has nothing to fill %(placeholders)s with: write this reply yourself."
    ) % {"placeholders": choice.missing_placeholders}


def _thread_with_template(request: HttpRequest, thread) -> HttpResponse:
    """The Reply box filled with a template (the picker without JavaScript: a GET)."""
    choice = _template_choice_or_404(thread, request.GET["template"])
    if not choice.usable:
        return _thread_page(
            request,
            thread,
            ReplyForm(),
            status=400,
            picked=choice.template.pk,
            picker_error=_missing_words(choice),
        )
    return _thread_page(request, thread, ReplyForm(initial={"body": choice.text}), picked=choice.template.pk)


@seller_required
@rate_limited("reply")
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(selectors.threads_for_seller(request.seller), pk=pk)
    if request.method != "POST":
        if request.GET.get("template"):
            return _thread_with_template(request, found)
        return _thread_page(request, found, ReplyForm())
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sent = services.reply_to_thread(thread=found, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(
                request, _("Your reply has been sent.") if sent else _("Marked as no response needed.")
            )
            return redirect("messaging:thread", pk=found.pk)
    return _thread_page(request, found, form, status=400)


@seller_required
@require_GET
def reply_template_text(request: HttpRequest, pk: int, template_pk: int) -> HttpResponse:
    """A template's text filled in for a thread, as plain text: what the Reply box's picker
    fetches (``static/js/app.js``) to fill the reply without reloading the page."""
    found = get_object_or_404(
        Thread.objects.select_related("order", "customer"), pk=pk, seller=request.seller
    )
    choice = _template_choice_or_404(found, str(template_pk))
    if not choice.usable:
        return HttpResponse(_missing_words(choice), status=409, content_type="text/plain; charset=utf-8")
    return HttpResponse(choice.text, content_type="text/plain; charset=utf-8")


@seller_required
@rate_limited("reply")
def contact_buyer(request: HttpRequest, order_id: str) -> HttpResponse:
    order = get_object_or_404(commerce_selectors.orders_for_seller(request.seller), order_id=order_id)
    reasons = selectors.contact_reasons_for(order)
    posted = request.method == "POST"
    form = ContactBuyerForm(
        request.POST if posted else None, request.FILES if posted else None, reasons=reasons
    )
    if posted and form.is_valid():
        try:
            sent = services.contact_buyer(order=order, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(
                request, _("Your message has been sent to %(buyer)s.") % {"buyer": order.customer.name}
            )
            return redirect("messaging:thread", pk=sent.thread_id)
    context = {"order": order, "form": form, "opted_out": order.customer.opted_out_of_unsolicited_messages}
    return render(request, "messaging/contact_buyer.html", context, status=400 if posted else 200)


@seller_required
@require_POST
def mark_no_response_needed(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk, seller=request.seller, direction=Message.Direction.RECEIVED)
    services.mark_no_response_needed(message=message, actor=request.user)
    flash.success(request, _("Marked as no response needed."))
    return redirect("messaging:thread", pk=message.thread_id)


def _download(attachment: Attachment | None) -> FileResponse:
    if attachment is None:
        raise Http404("No such attachment.")
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.filename)
    response["Content-Type"] = "application/octet-stream"  # never rendered inline in our origin
    response["X-Content-Type-Options"] = "nosniff"
    return response


@seller_required
def seller_attachment(request: HttpRequest, pk: int) -> FileResponse:
    return _download(selectors.attachment_for_seller(request.seller, pk))


@seller_required
def alternate_addresses(request: HttpRequest) -> HttpResponse:
    form = AlternateAddressForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_alternate_address(seller=request.seller, email=form.cleaned_data["email"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(request, _("The alternate address can now write to buyers through the relay."))
                return redirect("messaging:alternate_addresses")
        status = 400
    addresses = selectors.alternate_addresses(request.seller)
    return render(
        request, "messaging/alternate_addresses.html", {"form": form, "addresses": addresses}, status=status
    )


@seller_required
@require_POST
def remove_alternate_address(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.remove_alternate_address(seller=request.seller, address_id=pk):
        raise Http404("No such alternate address.")
    flash.success(request, _("The alternate address was removed."))
    return redirect("messaging:alternate_addresses")


@seller_required
def reply_templates(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.reply_templates(request.seller), TEMPLATES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "messaging/reply_templates.html", {"page": page, "limit": MAX_TEMPLATES_PER_SELLER}
    )


def _template_form(request: HttpRequest, template: ReplyTemplate | None) -> HttpResponse:
    posted = request.method == "POST"
    if template is None:
        initial = {"language": request.LANGUAGE_CODE}
    else:
        initial = {"name": template.name, "language": template.language, "body": template.body}
    form = ReplyTemplateForm(request.POST if posted else None, initial=initial)
    if posted and form.is_valid():
        try:
            if template is None:
                services.create_reply_template(seller=request.seller, **form.cleaned_data)
            else:
                services.update_reply_template(template=template, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(
                request,
                gettext("Your template “%(name)s” was saved.") % {"name": form.cleaned_data["name"].strip()},
            )
            return redirect("messaging:reply_templates")
    context = {"form": form, "template": template}
    return render(request, "messaging/reply_template_form.html", context, status=400 if posted else 200)


@seller_required
def new_reply_template(request: HttpRequest) -> HttpResponse:
    return _template_form(request, None)


@seller_required
def edit_reply_template(request: HttpRequest, pk: int) -> HttpResponse:
    return _template_form(request, get_object_or_404(selectors.reply_templates(request.seller), pk=pk))


@seller_required
def delete_reply_template(request: HttpRequest, pk: int) -> HttpResponse:
    """A GET asks to confirm; only the POST deletes."""
    template = get_object_or_404(selectors.reply_templates(request.seller), pk=pk)
    if request.method != "POST":
        return render(request, "messaging/reply_template_delete.html", {"template": template})
    services.delete_reply_template(seller=request.seller, template_id=template.pk)
    flash.success(request, gettext("Your template “%(name)s” was deleted.") % {"name": template.name})
    return redirect("messaging:reply_templates")


# --- Storefront -------------------------------------------------------------------------------
def _buyer_order(request: HttpRequest, order_id: str):
    return buyer_order_or_404(request, order_id)


@buyer_required
@rate_limited("contact_seller")
def contact_seller(request: HttpRequest, order_id: str) -> HttpResponse:
    order = _buyer_order(request, order_id)
    posted = request.method == "POST"
    form = ContactSellerForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            services.contact_seller(order=order, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(
                request, _("Your message has been sent to %(seller)s.") % {"seller": order.seller.name}
            )
            return redirect("messaging:order_messages", order_id=order.order_id)
    status = 400 if posted else 200
    return render(request, "messaging/contact_seller.html", {"order": order, "form": form}, status=status)


@buyer_required
def order_messages(request: HttpRequest, order_id: str) -> HttpResponse:
    order = _buyer_order(request, order_id)
    threads = list(selectors.threads_for_order(request.customer, order))
    for shown in threads:
        _write_message_times(shown.messages.all())
    return render(request, "messaging/order_messages.html", {"order": order, "threads": threads})


@buyer_required
def buyer_attachment(request: HttpRequest, pk: int) -> FileResponse:
    return _download(selectors.attachment_for_customer(request.customer, pk))
