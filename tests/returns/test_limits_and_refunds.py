"""Server-side limits (field errors, nothing changed) and refunds (docs/returns.md)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from returns import selectors, services
from returns.models import Refund, ReturnRequest

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("quantity", "reason", "comment", "field"),
    [
        (1, "missing_parts", "x" * 201, "items.0.comment"),
        (0, "missing_parts", "", "items.0.quantity"),
        (3, "missing_parts", "", "items.0.quantity"),
        (1, "because", "", "items.0.reason"),
    ],
)
def test_bad_lines_are_field_errors_and_store_nothing(
    order, customer, card, quantity, reason, comment, field
):
    with pytest.raises(ValidationError) as error:
        services.request_return(
            order=order, customer=customer, items=[services.RequestedItem(card.pk, quantity, reason, comment)]
        )
    assert field in error.value.message_dict
    assert not ReturnRequest.objects.exists()


def test_200_characters_of_comment_are_fine(order, customer, card):
    request, _ = services.request_return(
        order=order, customer=customer, items=[services.RequestedItem(card.pk, 1, "unwanted", "y" * 200)]
    )
    assert len(request.items.get().comment) == 200


def test_an_item_of_another_order_is_refused(order, customer):
    other = factories.order_with_items()
    with pytest.raises(ValidationError, match="not part of the order"):
        services.request_return(
            order=order,
            customer=customer,
            items=[services.RequestedItem(other.items.get().pk, 1, "unwanted")],
        )


def test_asking_again_for_an_item_warns_about_the_open_request(make_request, order, customer, card):
    make_request()
    _, warnings = services.request_return(
        order=order, customer=customer, items=[services.RequestedItem(card.pk, 1, "unwanted")]
    )
    assert warnings == [f"You already have an open return request for {card.product.title}."]


def test_authorised_and_refunded_items_are_no_longer_returnable(
    make_request, order, card, seller_account_user
):
    assert selectors.returnable_quantities([order.pk])[card.pk] == 2
    request = make_request(quantity=2)
    services.authorise_return(return_request=request, actor=seller_account_user)
    assert selectors.returnable_quantities([order.pk])[card.pk] == 0


def test_a_denied_request_gives_the_quantity_back(make_request, order, card, seller_account_user):
    request = make_request(quantity=2)
    services.authorise_return(return_request=request, actor=seller_account_user)
    ReturnRequest.objects.filter(pk=request.pk).update(status="closed", close_reason="expired")
    assert selectors.returnable_quantities([order.pk])[card.pk] == 2


def test_a_deny_message_over_3000_characters_is_refused(make_request, seller_account_user):
    request = make_request()
    with pytest.raises(ValidationError) as error:
        services.deny_return(
            return_request=request, actor=seller_account_user, reason="other", message="m" * 3001
        )
    assert "message" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.deny_return(return_request=request, actor=seller_account_user, reason="nope", message="fine")
    assert "reason" in error.value.message_dict
    assert ReturnRequest.objects.get(pk=request.pk).status == "authorisation_required"


def test_a_partial_then_the_rest_refunds_in_full_and_closes(
    make_request, seller_account_user, on_commit, customer
):
    request = make_request(quantity=2)  # paid 2 x 6.49 = 12.98
    services.authorise_return(return_request=request, actor=seller_account_user)
    mail.outbox.clear()
    first = on_commit(
        services.issue_refund,
        return_request=request,
        actor=seller_account_user,
        idempotency_key="a",
        amount="5.00",
        reason="Box opened",
    )
    assert ReturnRequest.objects.get(pk=request.pk).status == "authorised"
    assert "£5.00" in mail.outbox[0].body and mail.outbox[0].to == [customer.email]
    second = services.issue_refund(
        return_request=request, actor=seller_account_user, idempotency_key="b", amount="7.98"
    )
    request = ReturnRequest.objects.get(pk=request.pk)
    assert (first.amount, second.amount, request.refunded_total) == (
        Decimal("5.00"),
        Decimal("7.98"),
        Decimal("12.98"),
    )
    assert (request.status, request.close_reason) == ("closed", "refunded")
    with pytest.raises(ValidationError, match=r"At most 0\.00"):
        services.issue_refund(
            return_request=request, actor=seller_account_user, idempotency_key="c", amount="0.01"
        )


def test_a_refund_over_what_was_paid_is_refused_and_changes_nothing(make_request, seller_account_user):
    request = make_request(quantity=1)
    with pytest.raises(ValidationError) as error:
        services.issue_refund(
            return_request=request, actor=seller_account_user, idempotency_key="a", amount="6.50"
        )
    assert "At most 6.49" in str(error.value)
    with pytest.raises(ValidationError):
        services.issue_refund(
            return_request=request,
            actor=seller_account_user,
            idempotency_key="b",
            item_amounts={request.items.get().pk: "6.50"},
        )
    assert not Refund.objects.exists()
    assert ReturnRequest.objects.get(pk=request.pk).refunded_total == 0


@pytest.mark.parametrize("amount", ["0", "-1", "abc", "NaN"])
def test_nonsense_amounts_are_refused(make_request, seller_account_user, amount):
    with pytest.raises(ValidationError):
        services.issue_refund(
            return_request=make_request(), actor=seller_account_user, idempotency_key="a", amount=amount
        )


def test_the_same_refund_submitted_twice_refunds_once(make_request, seller_account_user):
    request = make_request()
    first = services.issue_refund(
        return_request=request, actor=seller_account_user, idempotency_key="same", amount="2.00"
    )
    again = services.issue_refund(
        return_request=request, actor=seller_account_user, idempotency_key="same", amount="2.00"
    )
    assert first.pk == again.pk
    assert ReturnRequest.objects.get(pk=request.pk).refunded_total == Decimal("2.00")


def test_refund_stays_available_on_a_closed_request(make_request, seller_account_user):
    request = make_request()
    services.deny_return(return_request=request, actor=seller_account_user, reason="other", message="No")
    services.issue_refund(
        return_request=request, actor=seller_account_user, idempotency_key="goodwill", amount="6.49"
    )
    request = ReturnRequest.objects.get(pk=request.pk)
    assert (request.close_reason, request.refunded_total) == ("denied_by_seller", Decimal("6.49"))


def test_a_gift_return_is_refunded_to_the_recipient_as_gift_credit(order, card, seller_account_user):
    recipient = factories.CustomerFactory(name="Gift Recipient")
    order.is_gift, order.gift_receipt_number = True, "GR7K-M4QD-9XWP"
    order.save()
    request, _ = services.request_return(
        order=order,
        customer=recipient,
        is_gift=True,
        gift_receipt_number="GR7K-M4QD-9XWP",
        items=[services.RequestedItem(card.pk, 1, "unwanted")],
    )
    refund = services.issue_refund(
        return_request=request, actor=seller_account_user, idempotency_key="g", amount="6.49"
    )
    assert refund.destination == Refund.Destination.GIFT_CREDIT
    assert ReturnRequest.objects.get(pk=request.pk).customer == recipient


def test_the_buyer_cannot_use_the_gift_door_for_their_own_order(order, customer, card):
    order.is_gift, order.gift_receipt_number = True, "GR7K-M4QD-9XWP"
    order.save()
    with pytest.raises(ValidationError, match="You bought this order"):
        services.request_return(
            order=order,
            customer=customer,
            is_gift=True,
            gift_receipt_number="GR7K-M4QD-9XWP",
            items=[services.RequestedItem(card.pk, 1, "unwanted")],
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "wc2a 2hd", "capitals"),
        ("region", "NJ", "in full"),
        ("phone", "call me", "phone"),
        ("name", "", "required"),
    ],
)
def test_return_addresses_follow_the_rules(seller, field, value, message):
    from .conftest import ADDRESS

    with pytest.raises(ValidationError) as error:
        services.save_return_address(seller=seller, marketplace=None, data={**ADDRESS, field: value})
    assert message in " ".join(error.value.message_dict[field])


def test_an_exception_only_for_a_marketplace_the_seller_sells_on(seller):
    from .conftest import ADDRESS

    with pytest.raises(ValidationError, match=r"do not sell on Amazon\.de"):
        services.save_return_address(seller=seller, marketplace=factories.marketplace("de"), data=ADDRESS)


def test_the_same_units_cannot_be_authorised_or_refunded_twice(make_request, seller_account_user):
    """Two waiting requests for both cards: the first authorisation takes them back."""
    first, second = make_request(quantity=2), make_request(quantity=2)
    services.authorise_return(return_request=first, actor=seller_account_user)
    with pytest.raises(services.TransitionRefused, match="already being returned"):
        services.authorise_return(return_request=second, actor=seller_account_user)
    assert ReturnRequest.objects.get(pk=second.pk).status == "authorisation_required"
    services.issue_refund(
        return_request=first, actor=seller_account_user, idempotency_key="a", amount="12.98"
    )
    with pytest.raises(ValidationError, match=r"At most 0\.00"):
        services.issue_refund(
            return_request=second, actor=seller_account_user, idempotency_key="b", amount="1.00"
        )
