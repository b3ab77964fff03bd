"""A seller writing first about an order ("Contact buyer"): the reasons its state offers, and
a buyer's opt-out of unsolicited messages (docs/messaging.md)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from commerce import services as commerce_services
from messaging import policy, selectors, services
from messaging.models import Message, Thread
from messaging.policy import ContactReason, OrderStage

from .. import factories
from .conftest import BUYER_REAL

pytestmark = pytest.mark.django_db

NOT_DISPATCHED = {"status": "placed", "dispatched_at": None, "delivered_at": None}


def _opt_out(customer) -> None:
    commerce_services.set_communication_preferences(customer=customer, opted_out_of_unsolicited_messages=True)


# --- The policy table ------------------------------------------------------------------------
def test_each_order_stage_offers_the_marketplaces_reasons():
    assert policy.contact_reasons(OrderStage.NOT_DISPATCHED) == [
        ContactReason.FULFILMENT_PROBLEM,
        ContactReason.ADDITIONAL_INFORMATION,
        ContactReason.CUSTOMISATION,
    ]
    assert policy.contact_reasons(OrderStage.DISPATCHED) == [
        ContactReason.DELIVERY_INFORMATION,
        ContactReason.ADDITIONAL_INFORMATION,
    ]
    assert policy.contact_reasons(OrderStage.RETURN_REQUESTED)[:2] == [
        ContactReason.RETURN_ADDITIONAL_INFORMATION,
        ContactReason.RETURN_ITEM_RECEIVED,
    ]
    assert ContactReason.FULFILMENT_PROBLEM.label == "Unexpected problem with fulfilment"


def test_a_return_request_outranks_dispatch():
    assert policy.order_stage(dispatched=False, return_requested=False) == OrderStage.NOT_DISPATCHED
    assert policy.order_stage(dispatched=True, return_requested=False) == OrderStage.DISPATCHED
    assert policy.order_stage(dispatched=True, return_requested=True) == OrderStage.RETURN_REQUESTED


@pytest.mark.parametrize(
    ("reason", "subject", "critical"),
    [
        ("additional_information", "", True),
        ("return_additional_information", "", True),
        ("delivery_information", "", False),
        ("", "[Important] Your address is incomplete", True),
        ("", "Re: [IMPORTANT] order 202-0697275-2144321", True),
        ("", "Important news about our shop", False),
    ],
)
def test_critical_messages_are_a_critical_reason_or_an_important_subject(reason, subject, critical):
    assert policy.is_critical(reason=reason, subject=subject) is critical


def test_only_an_opted_out_buyer_refuses_and_only_what_is_neither_critical_nor_an_answer():
    def never_read() -> bool:
        raise AssertionError("the thread is read only when it decides")

    assert not policy.refuses_unsolicited(opted_out=False, critical=False, buyer_has_written=never_read)
    assert not policy.refuses_unsolicited(opted_out=True, critical=True, buyer_has_written=never_read)
    assert not policy.refuses_unsolicited(opted_out=True, critical=False, buyer_has_written=lambda: True)
    assert policy.refuses_unsolicited(opted_out=True, critical=False, buyer_has_written=lambda: False)


# --- The reasons an order offers ----------------------------------------------------------
def test_the_orders_state_decides_its_reasons(order):
    assert ContactReason.DELIVERY_INFORMATION in selectors.contact_reasons_for(order)
    waiting = factories.order_with_items(seller=order.seller, customer=order.customer, **NOT_DISPATCHED)
    assert selectors.contact_reasons_for(waiting)[0] == ContactReason.FULFILMENT_PROBLEM
    returned = factories.ReturnRequestFactory(order=order)
    assert selectors.contact_reasons_for(order)[0] == ContactReason.RETURN_ADDITIONAL_INFORMATION
    returned.status, returned.close_reason = "closed", "withdrawn_by_buyer"
    returned.save(update_fields=["status", "close_reason"])
    assert selectors.contact_reasons_for(order)[0] == ContactReason.DELIVERY_INFORMATION


# --- The service ------------------------------------------------------------------------------
def test_the_seller_writes_first_and_the_buyer_gets_it_by_mail(order, on_commit):
    message = on_commit(
        services.contact_buyer,
        order=order,
        reason="delivery_information",
        body="It left today by Royal Mail.",
    )
    assert (message.direction, message.channel, message.thread.order) == ("sent", "web", order)
    assert message.subject == f"Delivery information (Order: {order.order_id})"
    [relayed] = mail.outbox
    assert relayed.to == [BUYER_REAL]
    assert "It left today by Royal Mail." in relayed.body


def test_a_critical_reasons_subject_is_marked_important(order):
    message = services.contact_buyer(order=order, reason="additional_information", body="Which colour?")
    assert message.subject == f"[Important] Additional information required (Order: {order.order_id})"


def test_a_reason_the_order_does_not_offer_is_refused_and_nothing_stored(order):
    with pytest.raises(ValidationError) as refused:
        services.contact_buyer(order=order, reason="fulfilment_problem", body="Out of stock")
    assert refused.value.message_dict == {"reason": [str(policy.REASON_NOT_OFFERED)]}
    assert not Thread.objects.exists()


def test_the_bodys_limits_apply(order):
    with pytest.raises(ValidationError, match="4,000"):
        services.contact_buyer(order=order, reason="delivery_information", body="x" * 4001)


def test_an_opted_out_buyer_is_sent_nothing_unsolicited(order):
    _opt_out(order.customer)
    with pytest.raises(ValidationError) as refused:
        services.contact_buyer(order=order, reason="delivery_information", body="Our summer sale!")
    assert refused.value.messages == [str(policy.UNSOLICITED_REFUSED)]
    assert not Thread.objects.exists() and not Message.objects.exists()
    assert mail.outbox == []


def test_an_opted_out_buyer_still_gets_additional_information_required(order, on_commit):
    _opt_out(order.customer)
    on_commit(services.contact_buyer, order=order, reason="additional_information", body="Which colour?")
    assert len(mail.outbox) == 1


def test_an_opted_out_buyer_still_gets_answers_in_a_conversation_they_started(order, on_commit):
    _opt_out(order.customer)
    asked = services.contact_seller(order=order, subject="order_delivery", body="Where is it?")
    mail.outbox.clear()
    on_commit(services.contact_buyer, order=order, reason="delivery_information", body="It left today.")
    reply = on_commit(services.reply_to_thread, thread=asked.thread, body="Tracking: RM123")
    assert reply.thread_id == asked.thread_id
    assert len(mail.outbox) == 2


def test_the_reply_box_refuses_the_same_unsolicited_message(order):
    _opt_out(order.customer)
    thread = services.open_thread_for_order(order=order)  # returns' and feedback's "Contact buyer"
    with pytest.raises(ValidationError, match="chosen not to receive unsolicited"):
        services.reply_to_thread(thread=thread, body="Please change your feedback")
    assert not Message.objects.exists()


def test_a_buyers_automatic_reply_does_not_make_a_conversation_theirs(order):
    _opt_out(order.customer)
    critical = services.contact_buyer(order=order, reason="additional_information", body="Which colour?")
    services.contact_seller(order=order, subject="other", body="I am away")
    Message.objects.filter(direction="received").update(
        is_auto_reply=True, needs_response=False, response_deadline=None
    )
    assert not selectors.buyer_has_written(critical.thread_id)


# --- The page ---------------------------------------------------------------------------------
def _page(order) -> str:
    return reverse("messaging:contact_buyer", args=[order.order_id])


def test_the_page_offers_the_reasons_of_the_orders_state(order, seller_client):
    waiting = factories.order_with_items(seller=order.seller, customer=order.customer, **NOT_DISPATCHED)
    html = seller_client.get(_page(waiting)).content.decode()
    assert "Unexpected problem with fulfilment" in html and "Additional information required" in html
    assert "Delivery information" not in html
    html = seller_client.get(_page(order)).content.decode()
    assert "Delivery information" in html and "Unexpected problem with fulfilment" not in html
    factories.ReturnRequestFactory(order=order)
    html = seller_client.get(_page(order)).content.decode()
    assert "Return: additional information required" in html and "Return: item received" in html


def test_the_order_page_links_to_contact_buyer(order, seller_client):
    html = seller_client.get(reverse("seller:order", args=[order.order_id])).content.decode()
    assert f'href="{_page(order)}"' in html


def test_the_page_sends_and_opens_the_conversation(order, seller_client, on_commit):
    response = on_commit(
        seller_client.post, _page(order), {"reason": "delivery_information", "body": "Sent!"}
    )
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:thread", args=[message.thread_id])
    assert len(mail.outbox) == 1


def test_the_page_refuses_a_reason_not_offered_with_a_form_error(order, seller_client):
    response = seller_client.post(_page(order), {"reason": "fulfilment_problem", "body": "Out of stock"})
    assert response.status_code == 400
    assert str(policy.REASON_NOT_OFFERED) in response.content.decode()
    assert not Message.objects.exists()


def test_the_page_tells_the_seller_the_buyer_opted_out_and_sends_nothing(order, seller_client):
    _opt_out(order.customer)
    page = seller_client.get(_page(order)).content.decode()
    assert "has chosen not to receive unsolicited messages" in page
    response = seller_client.post(_page(order), {"reason": "delivery_information", "body": "Our sale!"})
    assert response.status_code == 400
    assert (
        'role="alert">This buyer has chosen not to receive unsolicited messages' in response.content.decode()
    )
    assert not Message.objects.exists() and mail.outbox == []


def test_the_page_sends_a_critical_message_to_an_opted_out_buyer(order, seller_client):
    _opt_out(order.customer)
    response = seller_client.post(_page(order), {"reason": "additional_information", "body": "Which colour?"})
    assert response.status_code == 302
    assert Message.objects.get().subject.startswith("[Important] Additional information required")


def test_the_thread_pages_reply_box_shows_the_refusal_and_the_way_to_contact_the_buyer(order, seller_client):
    _opt_out(order.customer)
    thread = services.open_thread_for_order(order=order)  # returns' "Contact buyer" opens it
    url = reverse("messaging:thread", args=[thread.pk])
    response = seller_client.post(url, {"body": "Please change your feedback"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This buyer has chosen not to receive unsolicited messages" in html
    assert f'href="{_page(order)}"' in html
    assert not Message.objects.exists()


def test_another_sellers_order_is_a_404(order, client):
    client.force_login(factories.seller_user())
    assert client.get(_page(order)).status_code == 404


@pytest.mark.parametrize("items", [1, 6])
def test_the_page_reads_the_same_number_of_queries_whatever_the_order(
    seller, seller_client, items, django_assert_num_queries
):
    order = factories.order_with_items(seller=seller, items=items)
    # 1 session, 1 user, 1 seller account with the membership, 1 the order with its marketplace,
    # seller and buyer, 1 its items with their products, 1 "has a return request?", 1 the
    # menu's badges
    with django_assert_num_queries(7):
        html = seller_client.get(_page(order)).content.decode()
    assert html.count("Flash memory card") == items
