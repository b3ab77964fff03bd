"""Reply templates: saving them (names, placeholders, the cap) and filling them in for a
thread (docs/messaging.md, "Reply templates")."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commerce.demo import DemoWorld
from messaging import policy, selectors, services
from messaging.demo import REPLY_TEMPLATES, seed_reply_templates
from messaging.models import ReplyTemplate

from .. import factories

pytestmark = pytest.mark.django_db


def _template(
    seller, name="Dispatched", body="Hello {buyer_name}, order {order_id} is on its way.", **fields
):
    return services.create_reply_template(
        seller=seller, name=name, language=fields.pop("language", "en-gb"), body=body, **fields
    )


def _thread(seller, *, buyer_name="Luca de Pasqua", marketplace="uk", email="luca@example.com"):
    customer = factories.CustomerFactory(name=buyer_name, email=email)
    order = factories.order_with_items(
        seller=seller, customer=customer, marketplace=factories.marketplace(marketplace)
    )
    return services.contact_seller(order=order, subject="enquiry", body="Where is it?").thread


def _authorised_return(order, rma="Ab3dE6gHRRMA"):
    return factories.ReturnRequestFactory(
        order=order, status="authorised", rma=rma, authorised_at=timezone.now(), currency="GBP"
    )


# --- Saving ------------------------------------------------------------------------------------
def test_a_template_is_saved_with_its_name_trimmed(seller):
    template = _template(seller, name="  Dispatched  ")
    assert ReplyTemplate.objects.get() == template
    assert (template.name, template.language, template.seller) == ("Dispatched", "en-gb", seller)


def test_a_name_is_used_once_per_seller_whatever_its_case(seller):
    _template(seller, name="Dispatched")
    with pytest.raises(ValidationError) as refused:
        _template(seller, name="DISPATCHED")
    assert list(refused.value.message_dict) == ["name"]
    # Another seller's templates are its own business.
    _template(factories.SellerAccountFactory(), name="Dispatched")
    assert ReplyTemplate.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("Hello {buyer}, thanks", "Unknown placeholder {buyer}"),
        ("Your return {RMA}", "Unknown placeholder {RMA}"),
        ("Hello {buyer_name, thanks", "Braces are only for placeholders"),
        ("Hello buyer_name}, thanks", "Braces are only for placeholders"),
        ("Hello {{buyer_name}}", "Braces are only for placeholders"),
        ("Hello {}", "Unknown placeholder {}"),
    ],
)
def test_an_unknown_placeholder_or_a_stray_brace_is_refused(seller, body, says):
    with pytest.raises(ValidationError) as refused:
        _template(seller, body=body)
    assert says in " ".join(refused.value.message_dict["body"])
    assert not ReplyTemplate.objects.exists()


def test_the_body_has_a_messages_limit_and_the_name_its_own(seller):
    _template(seller, body="x" * policy.MAX_BODY_CHARS)
    with pytest.raises(ValidationError) as refused:
        _template(seller, name="Long", body="x" * (policy.MAX_BODY_CHARS + 1))
    assert refused.value.message_dict["body"] == [policy.BODY_TOO_LONG]
    with pytest.raises(ValidationError) as refused:
        _template(seller, name="n" * (policy.MAX_TEMPLATE_NAME_CHARS + 1))
    assert list(refused.value.message_dict) == ["name"]


def test_an_empty_name_or_text_and_an_unknown_language_are_refused(seller):
    with pytest.raises(ValidationError) as refused:
        _template(seller, name="  ", body=" \n ")
    assert set(refused.value.message_dict) == {"name", "body"}
    with pytest.raises(ValidationError) as refused:
        _template(seller, language="nl")
    assert list(refused.value.message_dict) == ["language"]


def test_a_seller_keeps_at_most_the_policys_number_of_templates(seller):
    ReplyTemplate.objects.bulk_create(
        ReplyTemplate(seller=seller, name=f"T{n}", language="en-gb", body="Hello")
        for n in range(policy.MAX_TEMPLATES_PER_SELLER)
    )
    with pytest.raises(ValidationError) as refused:
        _template(seller, name="One more")
    assert f"You have {policy.MAX_TEMPLATES_PER_SELLER} templates" in refused.value.messages[0]
    assert ReplyTemplate.objects.filter(seller=seller).count() == policy.MAX_TEMPLATES_PER_SELLER
    # The cap is per seller; and once one is deleted there is room again.
    _template(factories.SellerAccountFactory(), name="One more")
    services.delete_reply_template(
        seller=seller, template_id=ReplyTemplate.objects.filter(seller=seller)[0].pk
    )
    _template(seller, name="One more")


def test_changing_a_template_keeps_its_name_or_takes_a_free_one(seller):
    template = _template(seller, name="Dispatched")
    _template(seller, name="Thank you")
    services.update_reply_template(
        template=template, name="dispatched", language="fr", body="Bonjour {buyer_name}"
    )
    template.refresh_from_db()
    assert (template.name, template.language, template.body) == ("dispatched", "fr", "Bonjour {buyer_name}")
    with pytest.raises(ValidationError) as refused:
        services.update_reply_template(template=template, name="Thank You", language="fr", body="Merci {x}")
    assert set(refused.value.message_dict) == {"name", "body"}
    template.refresh_from_db()
    assert template.name == "dispatched"


def test_a_seller_deletes_only_its_own_templates(seller):
    theirs = _template(factories.SellerAccountFactory())
    assert services.delete_reply_template(seller=seller, template_id=theirs.pk) is False
    mine = _template(seller)
    assert services.delete_reply_template(seller=seller, template_id=mine.pk) is True
    assert list(ReplyTemplate.objects.all()) == [theirs]


# --- Filling in for a thread -------------------------------------------------------------------
def test_a_template_is_filled_with_the_buyers_first_name_and_the_order(seller):
    thread = _thread(seller, buyer_name="Luca de Pasqua")
    template = _template(seller)
    choice = selectors.template_choice(thread, template.pk)
    assert choice.usable
    assert choice.text == f"Hello Luca, order {thread.order.order_id} is on its way."
    assert "luca@example.com" not in choice.text and "Pasqua" not in choice.text


def test_the_rma_is_the_orders_newest_authorised_return(seller):
    thread = _thread(seller)
    factories.ReturnRequestFactory(order=thread.order, currency="GBP")  # waiting: no RMA yet
    _authorised_return(thread.order, rma="Older000RRMA")
    _authorised_return(thread.order, rma="Newer000RRMA")
    template = _template(seller, name="Return", body="Your RMA is {rma}.")
    assert selectors.template_choice(thread, template.pk).text == "Your RMA is Newer000RRMA."


def test_without_a_return_a_template_using_rma_is_listed_but_cannot_be_used(seller):
    thread = _thread(seller)
    factories.ReturnRequestFactory(order=thread.order, currency="GBP")  # not authorised: no RMA
    template = _template(seller, name="Return", body="Hello {buyer_name}, your RMA is {rma}.")
    choice = selectors.template_choice(thread, template.pk)
    assert not choice.usable and choice.missing == ("rma",) and choice.text == ""
    [(_, [listed])] = selectors.template_choices(thread)
    assert listed.template == template and not listed.usable


def test_a_thread_without_an_order_cannot_fill_order_id_or_rma(seller):
    thread = _thread(seller)
    thread.order = None
    thread.save(update_fields=["order"])
    thread.refresh_from_db()
    template = _template(seller, body="Order {order_id}, return {rma}")
    assert selectors.template_choice(thread, template.pk).missing == ("order_id", "rma")
    thanks = _template(seller, name="Thanks", body="Thank you {buyer_name}!")
    assert selectors.template_choice(thread, thanks.pk).text == "Thank you Luca!"


def test_a_buyer_named_by_an_address_has_no_first_name_to_fill(seller):
    thread = _thread(seller, buyer_name="luca@example.com")
    template = _template(seller)
    assert selectors.template_choice(thread, template.pk).missing == ("buyer_name",)


def test_another_sellers_template_is_not_offered(seller):
    thread = _thread(seller)
    theirs = _template(factories.SellerAccountFactory())
    assert selectors.template_choice(thread, theirs.pk) is None
    assert selectors.template_choices(thread) == []


def test_the_threads_marketplace_language_comes_first(seller):
    thread = _thread(seller, marketplace="fr")
    _template(seller, name="Dispatched", language="en-gb")
    _template(seller, name="Expédiée", language="fr")
    _template(seller, name="Versandt", language="de")
    _template(seller, name="Arrived", language="en-gb")
    groups = [
        (language, [c.template.name for c in choices])
        for language, choices in selectors.template_choices(thread)
    ]
    assert groups == [
        ("Français", ["Expédiée"]),
        ("English", ["Arrived", "Dispatched"]),
        ("Deutsch", ["Versandt"]),
    ]


def test_the_demo_seller_gets_english_and_french_templates_once(seller):
    world = DemoWorld(sellers={"seller": seller})
    seed_reply_templates(world)
    seed_reply_templates(world)
    templates = ReplyTemplate.objects.filter(seller=seller)
    assert templates.count() == len(REPLY_TEMPLATES)
    assert set(templates.values_list("language", flat=True)) == {"en-gb", "fr"}
    assert all(not policy.placeholder_problems(t.body) for t in templates)
