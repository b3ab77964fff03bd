"""What Manage Returns and the buyer's pages do once per page instead of once per row (issue
18) still gives each row what it gave before: the same addresses, labels in the reader's
language, every field of a card without a query of its own."""

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix
from django.utils import translation

from returns import services
from returns.models import CloseReason, ReturnReason, ReturnStatus
from returns.templatetags.returns_tags import actor_role_label, close_reason_label, reason_label, status_label

from .conftest import ADDRESS

pytestmark = pytest.mark.django_db

LINKED = [
    ("seller:order", ["202-0697275-2144321", "203-1111111-2222222"]),
    ("storefront:product_picture", ["B0000F2F36", "B0C0FFEE11"]),
    ("returns:refund", [1, 7, 1234]),
    ("returns:claim", ["202-0697275-2144321", "203-1111111-2222222"]),
]


@pytest.mark.parametrize("name, arguments", LINKED)
def test_a_rows_link_is_the_address_url_gives(name, arguments):
    template = Template("{% load links %}{{ argument|link:name }}")
    try:
        for prefix in ["/", "/shop/"]:  # a site under a path: the prefix is part of the address
            set_script_prefix(prefix)
            for argument in arguments:
                rendered = template.render(Context({"argument": argument, "name": name}))
                assert rendered == reverse(name, args=[argument])
                assert rendered.startswith(prefix)
    finally:
        set_script_prefix("/")


def test_labels_follow_the_readers_language_row_after_row():
    for language in ["en-gb", "fr", "de", "en-gb"]:
        with translation.override(language):
            assert reason_label("missing_parts") == str(ReturnReason.MISSING_PARTS.label)
            assert status_label("authorisation_required") == str(ReturnStatus.AUTHORISATION_REQUIRED.label)
            assert close_reason_label("withdrawn_by_buyer") == str(CloseReason.WITHDRAWN_BY_BUYER.label)
    with translation.override("fr"):
        assert reason_label("missing_parts") == "Pièces ou accessoires manquants"
        assert actor_role_label("seller") == "vendeur"
    with translation.override("de"):
        assert status_label("authorisation_required") == "Genehmigung erforderlich"
    assert status_label("no_such_status") == "no_such_status"


@pytest.fixture
def every_kind_of_card(make_request, seller_account_user):
    """A request waiting, one authorised (RMA, return-by, address), one denied with a message,
    one withdrawn by the buyer."""
    waiting = make_request()
    authorised = services.authorise_return(return_request=make_request(), actor=seller_account_user)
    denied = services.deny_return(
        return_request=make_request(), actor=seller_account_user, reason="other", message="Opened box"
    )
    withdrawn = services.cancel_return(return_request=make_request(), actor=None)
    return waiting, authorised, denied, withdrawn


def test_manage_returns_shows_every_kind_of_card_in_constant_queries(
    every_kind_of_card, seller_client, django_assert_max_num_queries
):
    waiting, authorised, denied, _ = every_kind_of_card
    # session, user, seller, counts by status, page, items, history, the menu's to-do badges
    with django_assert_max_num_queries(8):
        html = seller_client.get("/seller/returns/").content.decode()
    for shown in [
        authorised.rma,
        ADDRESS["postcode"],
        "Opened box",
        "Withdrawn by buyer",
        "Missing parts or accessories",
        'href="/seller/orders/202-0697275-2144321/"',
        'src="/products/B0000F2F36/picture.svg"',
        f'href="{reverse("returns:authorise", args=[waiting.pk])}"',
        f'action="{reverse("returns:contact_buyer", args=[denied.pk])}"',
    ]:
        assert shown in html, shown
    assert html.count('class="card return-card"') == 4


def test_your_returns_lists_in_constant_queries(every_kind_of_card, buyer_client, django_assert_num_queries):
    # session, user, customer, count, page, items (the list shows no history)
    with django_assert_num_queries(6):
        html = buyer_client.get(reverse("returns:your_returns")).content.decode()
    waiting, authorised, _, _ = every_kind_of_card
    assert f'href="{reverse("returns:label", args=[authorised.pk])}"' in html
    assert f'href="{reverse("returns:cancel", args=[waiting.pk])}"' in html
    assert "Cancelled by the buyer" in html


def test_your_returns_words_the_rating_choices_in_the_readers_language(
    every_kind_of_card, buyer_client, customer
):
    # The withdrawn request is closed and not rated yet: its rating form is shown.
    english = buyer_client.get(reverse("returns:your_returns")).content.decode()
    assert '<option value="5">5 stars</option>' in english and '<option value="1">1 star</option>' in english
    customer.chosen_language = "fr"
    customer.save(update_fields=["chosen_language"])
    french = buyer_client.get(reverse("returns:your_returns")).content.decode()
    assert (
        '<option value="5">5 étoiles</option>' in french and '<option value="1">1 étoile</option>' in french
    )
