"""Automatic rules, the return timers and the e-mail action links (docs/returns.md)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from returns import automation, services, tokens
from returns.models import ReturnEvent, ReturnRequest

from .. import factories

pytestmark = pytest.mark.django_db
SELLER_MAIL = "returns@test-uk-seller.example.net"


def _rules(seller, rule="all", window=30, links=False):
    services.update_return_settings(
        seller=seller, email_quick_links=links, return_window_days=window, rules={"uk": rule}
    )


def _recipients():
    return sorted(m.to[0] for m in mail.outbox)


def test_authorise_all_authorises_at_once_and_mails_only_the_buyer(seller, make_request, on_commit, customer):
    _rules(seller, "all")
    request = on_commit(make_request)
    request = ReturnRequest.objects.get(pk=request.pk)
    assert (request.status, request.rule) == ("authorised", "all") and request.rma
    assert _recipients() == [customer.email]
    assert "Print return label" in mail.outbox[0].body
    assert request.history.last().actor_role == "system"


def test_meets_policy_is_authorised(seller, make_request, on_commit):
    _rules(seller, "policy")
    assert ReturnRequest.objects.get(pk=on_commit(make_request).pk).status == "authorised"


def test_outside_the_window_is_not_authorised_and_both_are_mailed(
    seller, order, make_request, on_commit, customer
):
    _rules(seller, "policy", window=3)
    order.placed_at = timezone.now() - timedelta(days=4)
    order.save()
    request = ReturnRequest.objects.get(pk=on_commit(make_request).pk)
    assert request.status == "not_authorised"
    assert _recipients() == sorted([customer.email, SELLER_MAIL])


def test_a_non_returnable_category_is_not_authorised(seller, card, make_request, on_commit):
    _rules(seller, "policy")
    card.product.is_returnable = False
    card.product.save()
    assert ReturnRequest.objects.get(pk=on_commit(make_request).pk).status == "not_authorised"


def test_manual_leaves_it_to_the_seller(seller, make_request, on_commit, customer):
    request = ReturnRequest.objects.get(pk=on_commit(make_request).pk)
    assert (request.status, request.rule) == ("authorisation_required", "manual")
    assert _recipients() == sorted([customer.email, SELLER_MAIL])


def test_changed_settings_do_not_move_open_requests(seller, make_request):
    request = make_request()  # manual when submitted
    _rules(seller, "all")
    ReturnRequest.objects.filter(pk=request.pk).update(rule_applied_at=None)
    assert automation.apply_return_rule(return_request_id=request.pk) == "waiting for the seller"
    assert ReturnRequest.objects.get(pk=request.pk).status == "authorisation_required"


def test_the_rule_acts_once_however_often_it_runs(seller, make_request):
    _rules(seller, "all")
    request = make_request()  # the task waits for a commit that a test transaction never makes
    assert automation.apply_return_rule(return_request_id=request.pk) == "authorised"
    assert automation.apply_return_rule(return_request_id=request.pk) == "already applied"
    assert ReturnEvent.objects.filter(return_request=request, event="authorise").count() == 1


def test_a_seller_who_acted_first_is_left_alone(
    seller, make_request, seller_account_user, django_capture_on_commit_callbacks
):
    _rules(seller, "all")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        request = make_request()  # the rule task is queued, not run
    services.deny_return(return_request=request, actor=seller_account_user, reason="other", message="No")
    for callback in queued:
        callback()
    assert automation.apply_return_rule(return_request_id=request.pk) == "already applied"
    request = ReturnRequest.objects.get(pk=request.pk)
    assert (request.status, request.rma) == ("closed", None)


def test_the_sweep_applies_rules_whose_task_was_lost(
    seller, make_request, django_capture_on_commit_callbacks
):
    _rules(seller, "all")
    with django_capture_on_commit_callbacks(execute=False):
        request = make_request()  # the broker "lost" the task
    assert automation.apply_missed_rules() == 0  # not due yet: the task may still come
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert automation.apply_missed_rules() == 1
        assert automation.apply_missed_rules() == 0
    assert ReturnRequest.objects.get(pk=request.pk).status == "authorised"


def test_the_24_hour_reminder_goes_once(make_request, on_commit):
    request = make_request()
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(hours=23, minutes=59)):
        assert automation.send_reminders() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1)):
        assert on_commit(automation.send_reminders) == 1
        assert automation.send_reminders() == 0
    assert [m.to for m in mail.outbox] == [[SELLER_MAIL]] and "Reminder" in mail.outbox[0].subject
    assert ReturnRequest.objects.get(pk=request.pk).reminder_sent_at is not None


def test_48_hours_without_action_is_a_late_response(make_request, seller_account_user):
    late = make_request()
    handled = make_request()
    services.authorise_return(return_request=handled, actor=seller_account_user)
    with time_machine.travel(timezone.now() + timedelta(hours=47, minutes=59)):
        assert automation.mark_late_responses() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=48, minutes=1)):
        assert automation.mark_late_responses() == 1
        assert automation.mark_late_responses() == 0
    late = ReturnRequest.objects.get(pk=late.pk)
    assert late.late_at == late.requested_at + timedelta(hours=48)
    assert ReturnRequest.objects.get(pk=handled.pk).late_at is None


def test_an_unreturned_authorisation_expires_after_the_return_by_date(
    make_request, seller_account_user, on_commit, customer
):
    request = services.authorise_return(return_request=make_request(), actor=seller_account_user)
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert automation.expire_unreturned() == 0  # the return-by day itself still counts
    with time_machine.travel(timezone.now() + timedelta(days=31, hours=1)):
        assert on_commit(automation.expire_unreturned) == 1
        assert automation.expire_unreturned() == 0
    request = ReturnRequest.objects.get(pk=request.pk)
    assert (request.status, request.close_reason) == ("closed", "expired")
    assert [m.to for m in mail.outbox] == [[customer.email]]


def test_a_refunded_authorisation_does_not_expire(make_request, seller_account_user):
    request = services.authorise_return(return_request=make_request(quantity=2), actor=seller_account_user)
    services.issue_refund(
        return_request=request, actor=seller_account_user, idempotency_key="p", amount="1.00"
    )
    with time_machine.travel(timezone.now() + timedelta(days=40)):
        assert automation.expire_unreturned() == 0


def test_fifty_days_without_action_close_the_request(make_request, on_commit):
    request = make_request()
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=49, hours=23)):
        assert automation.expire_stale_requests() == 0
    with time_machine.travel(timezone.now() + timedelta(days=50, minutes=1)):
        assert on_commit(automation.expire_stale_requests) == 1
        assert automation.expire_stale_requests() == 0
    request = ReturnRequest.objects.get(pk=request.pk)
    assert (request.status, request.close_reason) == ("closed", "expired_without_action")
    assert [m.to for m in mail.outbox] == [[SELLER_MAIL]]


def test_nothing_due_is_a_no_op(make_request):
    make_request()
    assert automation.run_return_timers() == {"rules": 0, "reminders": 0, "late": 0, "expired": 0, "stale": 0}


# --- e-mail action links -------------------------------------------------------------------
@pytest.fixture
def links(seller, make_request, on_commit):
    _rules(seller, "manual", links=True)
    request = on_commit(make_request)
    [to_seller] = [m for m in mail.outbox if m.to == [SELLER_MAIL]]
    found = {
        label: line.split(": ", 1)[1]
        for line in to_seller.body.splitlines()
        for label in ["Authorise", "Close", "Reply"]
        if line.startswith(f"{label}: ")
    }
    assert set(found) == {"Authorise", "Close", "Reply"}
    return request, {label: url.replace("http://127.0.0.1:8000", "") for label, url in found.items()}


def test_the_authorise_link_shows_a_page_and_only_a_post_acts(links, seller_client):
    request, urls = links
    page = seller_client.get(urls["Authorise"])
    assert page.status_code == 200 and "Confirm Your Return Address" in page.content.decode()
    assert ReturnRequest.objects.get(pk=request.pk).status == "authorisation_required"  # GET changed nothing
    response = seller_client.post(urls["Authorise"])
    assert response["Location"] == reverse("returns:authorised", args=[request.pk])
    used = seller_client.post(urls["Authorise"])
    assert used.status_code == 410 and "changed since the e-mail was sent" in used.content.decode()
    assert ReturnEvent.objects.filter(return_request=request, event="authorise").count() == 1


def test_the_close_link_asks_for_reason_and_message(links, seller_client):
    request, urls = links
    assert "Deny Reason" in seller_client.get(urls["Close"]).content.decode()
    assert seller_client.post(urls["Close"], {"reason": "other"}).status_code == 400
    assert seller_client.post(urls["Close"], {"reason": "other", "message": "Sorry"})["Location"] == reverse(
        "returns:denied", args=[request.pk]
    )


def test_the_reply_link_opens_the_thread_on_post(links, seller_client):
    _request, urls = links
    assert seller_client.post(urls["Reply"])["Location"].startswith("/seller/messages/threads/")


def test_links_need_the_sellers_own_sign_in(links):
    _request, urls = links
    anonymous = Client().get(urls["Authorise"])
    assert anonymous["Location"].startswith("/seller/signin/")
    other = Client()
    other.force_login(factories.seller_user())
    response = other.post(urls["Authorise"])
    assert response.status_code == 410 and "another seller account" in response.content.decode()


def test_forged_expired_and_state_changed_links_are_refused(links, seller_client, seller_account_user):
    request, urls = links
    token = urls["Authorise"].rstrip("/").rsplit("/", 1)[1]
    forged = seller_client.post(reverse("returns:email_action", args=[token[:-2] + "xx"]))
    assert forged.status_code == 410 and "not valid" in forged.content.decode()
    with time_machine.travel(timezone.now() + timedelta(hours=72, minutes=1)):
        expired = seller_client.post(urls["Authorise"])
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    services.issue_refund(
        return_request=request, actor=seller_account_user, idempotency_key="x", amount="1.00"
    )
    changed = seller_client.post(urls["Close"], {"reason": "other", "message": "no"})
    assert changed.status_code == 410
    assert ReturnRequest.objects.get(pk=request.pk).status == "authorisation_required"


def test_a_token_for_a_request_cannot_act_on_another(links, seller_client, make_request):
    request, _urls = links
    other = make_request()
    token = tokens.make_token(request, "authorise")
    seller_client.post(reverse("returns:email_action", args=[token]))
    assert ReturnRequest.objects.get(pk=other.pk).status == "authorisation_required"


# --- settings page and API -------------------------------------------------------------------
def test_the_returns_settings_page(seller, seller_client):
    seller.marketplaces.add(factories.marketplace("fr"))
    page = seller_client.get("/seller/settings/returns/").content.decode()
    for text in [
        "Return Email Setting",
        "Receive return request e-mails with links to Authorise, Close or Reply",
        "Amazon.fr",
        "Amazon.co.uk",
        "automatically authorise all requests that meet Amazon policy",
        "Your changes will not affect open requests.",
    ]:
        assert text in page, text
    response = seller_client.post(
        "/seller/settings/returns/",
        {"email_quick_links": "on", "marketplaces": ["fr"], "rule": "all", "return_window_days": "14"},
    )
    assert response.status_code == 302
    assert services.rules_in_force(seller, factories.marketplace("fr")) == ("all", 14)
    assert services.rules_in_force(seller, factories.marketplace("uk")) == ("manual", 14)
    bad = seller_client.post(
        "/seller/settings/returns/", {"marketplaces": [], "rule": "all", "return_window_days": "31"}
    )
    assert bad.status_code == 400


def test_the_return_settings_api(seller, seller_account_user):
    client = APIClient()
    client.force_authenticate(seller_account_user)
    assert client.get("/api/v1/seller/return-settings/").json() == {
        "email_quick_links": False,
        "return_window_days": 30,
        "rules": {"uk": "manual"},
    }
    put = client.put(
        "/api/v1/seller/return-settings/",
        {"email_quick_links": True, "return_window_days": 10, "rules": {"uk": "policy"}},
        format="json",
    )
    assert put.status_code == 200 and put.json()["rules"] == {"uk": "policy"}
    for bad in [
        {"email_quick_links": True, "return_window_days": 0, "rules": {}},
        {"email_quick_links": True, "return_window_days": 5, "rules": {"de": "all"}},
        {"email_quick_links": True, "return_window_days": 5, "rules": {"uk": "sometimes"}},
    ]:
        assert client.put("/api/v1/seller/return-settings/", bad, format="json").status_code == 400
