"""A-to-z Guarantee claims end to end: the seller answers once, staff grant (refunding the
buyer through the returns' refund rows, once, within what the order cost) or deny with a
reason, and the buyer's page and e-mails say what happened."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from returns import policy, services
from returns.models import Claim, ClaimEvent, Refund

from .. import factories

pytestmark = pytest.mark.django_db

PAID = Decimal("21.97")  # the order fixture: 2 x 6.49 + 8.99


@pytest.fixture
def claim(order, customer) -> Claim:
    return services.file_claim(order=order, customer=customer, reason="not_received", body="Never came.")


@pytest.fixture
def staff_user():
    return factories.UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def staff(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


def _mail_to(address: str) -> str:
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message.body


# --- The seller answers ----------------------------------------------------------------------
def test_the_seller_answers_a_claim_once(claim):
    services.respond_to_claim(claim=claim, response="  Tracking says delivered.  ")
    with pytest.raises(services.TransitionRefused, match="already answered"):
        services.respond_to_claim(claim=claim, response="And another thing")
    claim.refresh_from_db()
    assert claim.seller_response == "Tracking says delivered." and claim.seller_responded_at
    assert ClaimEvent.objects.filter(claim=claim, event="seller_responded").count() == 1


@pytest.mark.parametrize("response", ["", "   ", "x" * (policy.MAX_CLAIM_CHARS + 1)])
def test_the_service_refuses_an_empty_or_too_long_answer(claim, response):
    with pytest.raises(ValidationError):
        services.respond_to_claim(claim=claim, response=response)
    assert Claim.objects.get(pk=claim.pk).seller_response == ""


def test_a_bad_answer_comes_back_as_a_form_error_beside_the_claim(claim, seller_client):
    url = reverse("returns:respond_to_claim", args=[claim.pk])
    too_long = seller_client.post(url, {"response": "x" * (policy.MAX_CLAIM_CHARS + 1)})
    assert too_long.status_code == 400
    assert 'class="field__error"' in too_long.content.decode()
    empty = seller_client.post(url, {"response": "  "})
    assert empty.status_code == 400 and "field--invalid" in empty.content.decode()
    assert Claim.objects.get(pk=claim.pk).seller_response == ""
    good = seller_client.post(url, {"response": "Tracking says delivered."})
    assert good.status_code == 302
    page = seller_client.get(reverse("returns:claims")).content.decode()
    assert "Tracking says delivered." in page and f'action="{url}"' not in page  # answered: no box


def test_a_decided_claim_cannot_be_answered(claim, staff_user):
    services.deny_claim(claim=claim, staff=staff_user, note="Delivered with a signature.")
    with pytest.raises(services.TransitionRefused, match="decided"):
        services.respond_to_claim(claim=claim, response="Late answer")


# --- Staff decide ---------------------------------------------------------------------------
def test_granting_refunds_the_buyer_what_the_order_cost(claim, staff_user):
    granted = services.grant_claim(claim=claim, staff=staff_user, note="No proof of delivery.")
    assert (granted.status, granted.refund_amount, granted.decided_by) == ("granted", PAID, staff_user)
    refund = Refund.objects.get()
    assert (refund.claim, refund.return_request, refund.amount, refund.currency) == (
        claim,
        None,
        PAID,
        claim.order.currency,
    )
    assert refund.destination == Refund.Destination.ORIGINAL_PAYMENT and refund.actor == staff_user
    assert list(ClaimEvent.objects.filter(claim=claim).values_list("event", "actor_role", "note")) == [
        ("filed", "buyer", ""),
        ("granted", "staff", "No proof of delivery."),
    ]


def test_granting_twice_refunds_once(claim, staff_user):
    services.grant_claim(claim=claim, staff=staff_user)
    with pytest.raises(services.TransitionRefused, match="decided already"):
        services.grant_claim(claim=claim, staff=staff_user)
    with pytest.raises(services.TransitionRefused):
        services.deny_claim(claim=claim, staff=staff_user, note="Changed my mind")
    # And the refund itself is keyed by the claim: a repeat returns the first one
    again = services.refund_claim(claim=Claim.objects.select_related("order").get(), actor=staff_user)
    assert Refund.objects.count() == 1 and again == Refund.objects.get()
    assert Claim.objects.get().status == "granted"


def test_a_grant_refunds_only_what_earlier_refunds_left(claim, make_request, seller_account_user, staff_user):
    request = make_request()
    services.issue_refund(
        return_request=request, actor=seller_account_user, idempotency_key="k1", amount="6.49"
    )
    granted = services.grant_claim(claim=claim, staff=staff_user)
    assert granted.refund_amount == PAID - Decimal("6.49")
    assert sum(r.amount for r in Refund.objects.all()) == PAID


def test_a_grant_on_an_order_refunded_in_full_refunds_nothing(
    order, customer, make_request, seller_account_user, staff_user, on_commit
):
    request = make_request(quantity=2)
    services.issue_refund(
        return_request=request, actor=seller_account_user, idempotency_key="k1", amount="12.98"
    )
    other = services.request_return(
        order=order,
        customer=customer,
        items=[
            services.RequestedItem(
                order_item_id=order.items.exclude(pk=request.items.get().order_item_id).get().pk,
                quantity=1,
                reason="defective",
                comment="",
            )
        ],
    )[0]
    services.issue_refund(
        return_request=other, actor=seller_account_user, idempotency_key="k2", amount="8.99"
    )
    claim = services.file_claim(order=order, customer=customer, reason="not_received", body="Never came.")
    mail.outbox.clear()
    granted = on_commit(services.grant_claim, claim=claim, staff=staff_user)
    assert granted.refund_amount == 0 and not Refund.objects.filter(claim=claim).exists()
    assert "refunded in full already" in _mail_to(customer.email)


def test_a_return_refund_after_a_granted_claim_is_capped(
    claim, make_request, seller_account_user, staff_user
):
    request = make_request()
    services.grant_claim(claim=claim, staff=staff_user)
    with pytest.raises(ValidationError, match="can still be refunded on this order"):
        services.issue_refund(
            return_request=request, actor=seller_account_user, idempotency_key="k1", amount="1.00"
        )
    assert Refund.objects.count() == 1


def test_denying_needs_a_reason_and_moves_no_money(claim, staff_user):
    with pytest.raises(ValidationError):
        services.deny_claim(claim=claim, staff=staff_user, note="  ")
    assert Claim.objects.get().status == "open"
    denied = services.deny_claim(claim=claim, staff=staff_user, note="Delivered with a signature.")
    assert (denied.status, denied.refund_amount, denied.decision_note) == (
        "denied",
        0,
        "Delivered with a signature.",
    )
    assert not Refund.objects.exists()


def test_staff_grant_from_the_list_action_and_deny_from_the_claims_page(
    order, claim, staff, customer, on_commit
):
    # The list's action grants through the service: the buyer is refunded
    on_commit(staff.post, "/admin/returns/claim/", {"action": "grant", "_selected_action": [claim.pk]})
    assert Claim.objects.get().status == "granted" and Refund.objects.get().amount == PAID
    # A second run of the action changes nothing and says why
    response = on_commit(
        staff.post, "/admin/returns/claim/", {"action": "grant", "_selected_action": [claim.pk]}, follow=True
    )
    assert "decided already" in response.content.decode() and Refund.objects.count() == 1
    # The change page of an open claim has Deny / Grant buttons that save the note first
    other = factories.order_with_items(seller=order.seller, customer=customer, status="delivered")
    second = services.file_claim(order=other, customer=customer, reason="not_received", body="Lost")
    page = staff.get(f"/admin/returns/claim/{second.pk}/change/").content.decode()
    assert 'name="_grant"' in page and 'name="_deny"' in page
    on_commit(
        staff.post,
        f"/admin/returns/claim/{second.pk}/change/",
        {"decision_note": "Tracking shows delivery.", "_deny": "Deny"},
    )
    second.refresh_from_db()
    assert (second.status, second.decision_note) == ("denied", "Tracking shows delivery.")
    assert 'name="_grant"' not in staff.get(f"/admin/returns/claim/{second.pk}/change/").content.decode()


def test_the_deny_button_without_a_note_is_refused(claim, staff):
    response = staff.post(
        f"/admin/returns/claim/{claim.pk}/change/", {"decision_note": "", "_deny": "Deny"}, follow=True
    )
    assert "Tell the buyer why" in response.content.decode()
    assert Claim.objects.get().status == "open"


# --- What the buyer sees and reads ------------------------------------------------------------
def test_the_buyer_page_shows_no_claim_form_once_a_claim_is_open(order, buyer_client):
    url = reverse("returns:claim", args=[order.order_id])
    assert "File claim" in buyer_client.get(url).content.decode()
    buyer_client.post(url, {"reason": "not_received", "body": "Never came."})
    page = buyer_client.get(url).content.decode()
    assert "File claim" not in page and "We will e-mail you our decision" in page
    again = buyer_client.post(url, {"reason": "not_received", "body": "Again"})
    assert again.status_code == 302 and Claim.objects.count() == 1


def test_the_buyer_page_shows_the_grant_with_the_amount_and_no_form(order, claim, buyer_client, staff_user):
    services.grant_claim(claim=claim, staff=staff_user, note="No proof of delivery.")
    page = buyer_client.get(reverse("returns:claim", args=[order.order_id])).content.decode()
    assert "We granted your claim and refunded £21.97 to your original payment method." in page
    assert "No proof of delivery." in page and "File claim" not in page


def test_the_buyer_page_shows_the_denial_with_its_reason_and_no_form(order, claim, buyer_client, staff_user):
    services.deny_claim(claim=claim, staff=staff_user, note="Delivered with a signature.")
    page = buyer_client.get(reverse("returns:claim", args=[order.order_id])).content.decode()
    assert "We denied your claim." in page and "Delivered with a signature." in page
    assert "File claim" not in page
    with pytest.raises(ValidationError, match="already a claim"):
        services.file_claim(order=order, customer=claim.customer, reason="not_received", body="Again")


def test_the_grant_e_mails_say_how_much_was_refunded(claim, customer, staff_user, on_commit):
    mail.outbox.clear()
    on_commit(services.grant_claim, claim=claim, staff=staff_user, note="No proof of delivery.")
    buyer = _mail_to(customer.email)
    assert (
        f"We granted your A-to-z Guarantee claim on order {claim.order.order_id}. "
        "We refunded £21.97 to your original payment method."
    ) in buyer
    assert "No proof of delivery." in buyer and "The claim has been granted." not in buyer
    seller = _mail_to("returns@test-uk-seller.example.net")
    assert f"on order {claim.order.order_id} and refunded them £21.97" in seller


def test_the_denial_e_mails_give_the_reason(claim, customer, staff_user, on_commit):
    mail.outbox.clear()
    on_commit(services.deny_claim, claim=claim, staff=staff_user, note="Delivered with a signature.")
    buyer = _mail_to(customer.email)
    assert f"We reviewed your A-to-z Guarantee claim on order {claim.order.order_id} and denied it." in buyer
    assert "Delivered with a signature." in buyer and "£" not in buyer


def test_the_api_shows_the_decision_and_the_refund(claim, seller_account_user, staff_user):
    seller_api = APIClient()
    seller_api.force_authenticate(seller_account_user)
    services.grant_claim(claim=claim, staff=staff_user, note="No proof of delivery.")
    (row,) = seller_api.get("/api/v1/seller/claims/").json()["results"]
    assert (row["status"], row["refund_amount"], row["decision_note"]) == (
        "granted",
        "21.97",
        "No proof of delivery.",
    )
