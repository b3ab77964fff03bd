"""Seller Central's reply template pages, and the thread's "Use a template" picker
(docs/messaging.md, "Reply templates")."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from messaging import policy, services
from messaging.models import ReplyTemplate

from .. import factories

pytestmark = pytest.mark.django_db
LIST = "/seller/messages/templates/"
NEW = "/seller/messages/templates/new/"
XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def _template(
    seller, name="Dispatched", body="Hello {buyer_name}, order {order_id} is on its way.", language="en-gb"
):
    return services.create_reply_template(seller=seller, name=name, language=language, body=body)


def _thread(seller, *, buyer_name="Luca de Pasqua", marketplace="uk"):
    customer = factories.CustomerFactory(name=buyer_name)
    order = factories.order_with_items(
        seller=seller, customer=customer, marketplace=factories.marketplace(marketplace)
    )
    return services.contact_seller(order=order, subject="enquiry", body="Where is it?").thread


# --- The list, create, edit, delete ------------------------------------------------------------
def test_the_inbox_links_to_the_templates_and_the_list_shows_them(seller, seller_client):
    assert f'href="{LIST}"' in seller_client.get("/seller/messages/").content.decode()
    _template(seller, name="Dispatched")
    _template(seller, name="Retour autorisé", language="fr", body="Bonjour {buyer_name}, RMA {rma}")
    _template(factories.SellerAccountFactory(), name="Someone else's")
    html = seller_client.get(LIST).content.decode()
    assert "Dispatched" in html and "Retour autorisé" in html and "Français" in html
    assert "Someone else" not in html
    assert f"2 templates of at most {policy.MAX_TEMPLATES_PER_SELLER}" in html


def test_the_list_is_paginated_in_constant_queries(seller, seller_client, django_assert_max_num_queries):
    for n in range(3):
        _template(seller, name=f"Template {n:02d}")
    # session, user, seller, count, page of templates; +1 the menu's to-do badges
    with django_assert_max_num_queries(6):
        seller_client.get(LIST)
    ReplyTemplate.objects.bulk_create(
        ReplyTemplate(seller=seller, name=f"Template {n:02d}", language="en-gb", body="Hello")
        for n in range(3, 60)
    )
    with django_assert_max_num_queries(6):
        html = seller_client.get(LIST).content.decode()
    assert html.count("/delete/") == 25 and "Page 1 of 3" in html
    last = seller_client.get(LIST + "?page=3").content.decode()
    assert last.count("/delete/") == 10 and "Template 59" in last


def test_a_seller_creates_a_template_and_sees_it_listed(seller, seller_client):
    form = seller_client.get(NEW).content.decode()
    assert 'name="name"' in form and 'name="language"' in form and 'data-counter="4000"' in form
    assert "{buyer_name}" in form and "{order_id}" in form and "{rma}" in form
    response = seller_client.post(
        NEW, {"name": "Dispatched", "language": "en-gb", "body": "Hello {buyer_name}, it is on its way."}
    )
    assert response.status_code == 302 and response["Location"] == LIST
    template = ReplyTemplate.objects.get(seller=seller)
    assert (template.name, template.body) == ("Dispatched", "Hello {buyer_name}, it is on its way.")
    assert "Your template “Dispatched” was saved." in seller_client.get(LIST).content.decode()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"body": "Hello {buyer}"}, "Unknown placeholder {buyer}"),
        ({"body": "Hello {buyer_name"}, "Braces are only for placeholders"),
        ({"body": "x" * (policy.MAX_BODY_CHARS + 1)}, "at most 4000 characters"),
        ({"name": ""}, "This field is required."),
        ({"name": "dispatched"}, "You already have a template with this name."),
        ({"language": "nl"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(seller, seller_client, fields, error):
    _template(seller, name="Dispatched")
    data = {"name": "New one", "language": "en-gb", "body": "Hello {buyer_name}", **fields}
    response = seller_client.post(NEW, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html and 'class="field__error"' in html
    assert ReplyTemplate.objects.count() == 1


def test_the_cap_is_shown_above_the_form(seller, seller_client):
    ReplyTemplate.objects.bulk_create(
        ReplyTemplate(seller=seller, name=f"T{n}", language="en-gb", body="Hello")
        for n in range(policy.MAX_TEMPLATES_PER_SELLER)
    )
    response = seller_client.post(NEW, {"name": "One more", "language": "en-gb", "body": "Hello"})
    assert response.status_code == 400
    assert f"You have {policy.MAX_TEMPLATES_PER_SELLER} templates" in response.content.decode()
    assert ReplyTemplate.objects.count() == policy.MAX_TEMPLATES_PER_SELLER


def test_a_seller_edits_a_template(seller, seller_client):
    template = _template(seller)
    url = reverse("messaging:edit_reply_template", args=[template.pk])
    assert "Hello {buyer_name}, order {order_id} is on its way." in seller_client.get(url).content.decode()
    response = seller_client.post(url, {"name": "Expédiée", "language": "fr", "body": "Bonjour {buyer_name}"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.language, template.body) == ("Expédiée", "fr", "Bonjour {buyer_name}")


def test_deleting_asks_first_and_only_the_post_deletes(seller, seller_client):
    template = _template(seller)
    url = reverse("messaging:delete_reply_template", args=[template.pk])
    html = seller_client.get(url).content.decode()
    assert "Delete this template?" in html and 'method="post"' in html
    assert ReplyTemplate.objects.filter(pk=template.pk).exists()
    assert seller_client.post(url).status_code == 302
    assert not ReplyTemplate.objects.exists()


def test_another_sellers_template_is_a_404_on_every_page(seller_client):
    theirs = _template(factories.SellerAccountFactory())
    for name in ("edit_reply_template", "delete_reply_template"):
        url = reverse(f"messaging:{name}", args=[theirs.pk])
        assert seller_client.get(url).status_code == 404
        assert seller_client.post(url, {"name": "Mine", "language": "en-gb", "body": "Hi"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Dispatched"


def test_what_a_seller_wrote_is_shown_as_text(seller, seller_client):
    _template(seller, name=XSS, body=XSS)
    html = seller_client.get(LIST).content.decode()
    assert "<script>alert(2)" not in html and "&lt;script&gt;" in html


# --- The thread's picker -----------------------------------------------------------------------
def test_the_reply_box_lists_the_templates_in_the_buyers_marketplace_language_first(seller, seller_client):
    thread = _thread(seller, marketplace="fr")
    _template(seller, name="Dispatched")
    _template(seller, name="Expédiée", language="fr", body="Bonjour {buyer_name}")
    html = seller_client.get(reverse("messaging:thread", args=[thread.pk])).content.decode()
    assert '<label for="reply-template">Use a template</label>' in html
    assert html.index('<optgroup label="Français">') < html.index('<optgroup label="English">')
    assert "data-template-picker" in html and 'data-template-target="id_body"' in html


def test_without_templates_the_reply_box_offers_to_create_some(seller, seller_client):
    thread = _thread(seller)
    html = seller_client.get(reverse("messaging:thread", args=[thread.pk])).content.decode()
    assert "reply-template" not in html and f'href="{LIST}"' in html


def test_picking_a_template_without_javascript_fills_the_reply(seller, seller_client):
    thread = _thread(seller, buyer_name="Luca de Pasqua")
    template = _template(seller)
    url = reverse("messaging:thread", args=[thread.pk])
    response = seller_client.get(url, {"template": template.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Hello Luca, order {thread.order.order_id} is on its way.</textarea>" in html
    assert f'<option value="{template.pk}" selected>' in html
    assert thread.customer.email not in html


def test_the_filled_text_for_the_script_is_plain_text(seller, seller_client):
    thread = _thread(seller)
    template = _template(seller)
    response = seller_client.get(reverse("messaging:reply_template_text", args=[thread.pk, template.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == f"Hello Luca, order {thread.order.order_id} is on its way."


def test_a_template_needing_an_rma_the_order_lacks_is_marked_and_refused(seller, seller_client):
    thread = _thread(seller)
    template = _template(seller, name="Return", body="Your RMA is {rma}.")
    url = reverse("messaging:thread", args=[thread.pk])
    html = seller_client.get(url).content.decode()
    assert f'<option value="{template.pk}" disabled>Return (nothing to fill {{rma}} with)</option>' in html
    response = seller_client.get(url, {"template": template.pk})
    assert response.status_code == 400
    assert "This conversation has nothing to fill {rma} with" in response.content.decode()
    text = seller_client.get(reverse("messaging:reply_template_text", args=[thread.pk, template.pk]))
    assert text.status_code == 409
    # Once the return is authorised, the same template fills in its number.
    factories.ReturnRequestFactory(
        order=thread.order,
        status="authorised",
        rma="Ab3dE6gHRRMA",
        authorised_at=timezone.now(),
        currency="GBP",
    )
    assert (
        "Your RMA is Ab3dE6gHRRMA.</textarea>"
        in seller_client.get(url, {"template": template.pk}).content.decode()
    )


def test_another_sellers_template_or_thread_is_a_404_in_the_picker(seller, seller_client):
    thread = _thread(seller)
    theirs = _template(factories.SellerAccountFactory())
    url = reverse("messaging:thread", args=[thread.pk])
    assert seller_client.get(url, {"template": theirs.pk}).status_code == 404
    assert seller_client.get(url, {"template": "abc"}).status_code == 404
    assert (
        seller_client.get(reverse("messaging:reply_template_text", args=[thread.pk, theirs.pk])).status_code
        == 404
    )
    mine = _template(seller)
    their_thread = _thread(factories.SellerAccountFactory())
    assert (
        seller_client.get(
            reverse("messaging:reply_template_text", args=[their_thread.pk, mine.pk])
        ).status_code
        == 404
    )


def test_the_thread_page_with_templates_runs_in_constant_queries(
    seller, seller_client, django_assert_max_num_queries
):
    thread = _thread(seller)
    factories.ReturnRequestFactory(
        order=thread.order,
        status="authorised",
        rma="Ab3dE6gHRRMA",
        authorised_at=timezone.now(),
        currency="GBP",
    )
    _template(seller, body="Your RMA is {rma}.")
    url = reverse("messaging:thread", args=[thread.pk])
    # session, user, seller, thread (joined), messages, attachments, order items, templates,
    # the order's RMA; +1 the menu's to-do badges
    with django_assert_max_num_queries(11):
        seller_client.get(url)
    ReplyTemplate.objects.bulk_create(
        ReplyTemplate(
            seller=seller, name=f"T{n}", language=("en-gb", "fr")[n % 2], body="Hi {buyer_name} {rma}"
        )
        for n in range(40)
    )
    with django_assert_max_num_queries(11):
        html = seller_client.get(url).content.decode()
    # the 41 templates and "choose", besides the header's language menu
    assert html.count("<option value=") == 42 + len(settings.LANGUAGES)


@pytest.mark.parametrize("value", ["9" * 40, "9" * 10000, "²", "-1", "0", " 1"])
def test_a_template_id_no_row_could_have_is_a_404(seller, seller_client, value):
    thread = _thread(seller)
    assert (
        seller_client.get(reverse("messaging:thread", args=[thread.pk]), {"template": value}).status_code
        == 404
    )
