"""Manage Returns' bulk bar and the sortable lists, clicked through in headless Chromium."""

from playwright.sync_api import expect

from returns import services as returns
from returns.models import ReturnRequest

from .. import factories
from .conftest import sign_in


def _waiting_requests(world, n: int) -> list[ReturnRequest]:
    made = []
    for _ in range(n):
        order = factories.order_with_items(seller=world["seller"], customer=world["customer"])
        request, _ = returns.request_return(
            order=order,
            customer=world["customer"],
            items=[returns.RequestedItem(order.items.get().pk, 1, "missing_parts", "The adapter is missing")],
        )
        made.append(request)
    return made


def test_seller_authorises_several_requests_at_once(world, live_server, page, axe, screenshot):
    first, second, third = _waiting_requests(world, 3)
    authorised = returns.authorise_return(return_request=_waiting_requests(world, 1)[0], actor=None)
    sign_in(page, live_server, who="seller", seller=True)
    page.goto(live_server.url + "/seller/returns/")
    # Only the requests waiting for a decision can be ticked
    expect(page.locator("input[name=ids]")).to_have_count(3)
    expect(page.locator(f"#select-{authorised.pk}")).to_have_count(0)
    page.check("#bulk-all")  # app.js ticks every row of the page
    for request in (first, second, third):
        expect(page.locator(f"#select-{request.pk}")).to_be_checked()
    page.uncheck(f"#select-{third.pk}")  # ... and "all" follows a row ticked off by hand
    expect(page.locator("#bulk-all")).not_to_be_checked()
    axe("Manage Returns with the bulk bar")
    screenshot(page, "28-bulk-authorise")
    page.click("button:has-text('Authorise selected')")
    expect(page.locator("h1")).to_have_text("Authorise selected requests")
    expect(page.locator("body")).to_contain_text("2 requests will be authorised")
    expect(page.locator("tbody tr")).to_have_count(2)
    assert ReturnRequest.objects.filter(status="authorised").count() == 1  # nothing changed yet
    axe("Bulk confirmation")
    page.click("button:has-text('Authorise 2 requests')")
    expect(page.locator("h1")).to_have_text("Authorise selected: results")
    expect(page.locator(".bulk-result--authorised")).to_have_count(2)
    axe("Bulk results")
    screenshot(page, "29-bulk-results")
    assert ReturnRequest.objects.get(pk=third.pk).status == "authorisation_required"
    assert {ReturnRequest.objects.get(pk=r.pk).status for r in (first, second)} == {"authorised"}


def test_seller_denies_several_requests_with_one_message(world, live_server, page, axe):
    requests = _waiting_requests(world, 2)
    sign_in(page, live_server, who="seller", seller=True)
    page.goto(live_server.url + "/seller/returns/")
    page.check("#bulk-all")
    page.click("button:has-text('Deny selected')")
    expect(page.locator("body")).to_contain_text("2 requests will be denied")
    page.click("button:has-text('Deny 2 requests')")  # no reason yet: the form says so
    expect(page.locator(".field__error").first).to_be_visible()
    axe("Bulk deny with errors")
    page.select_option("select[name=reason]", label="Return requested outside the return window")
    page.fill("textarea[name=message]", "Sorry, this was asked after the return window.")
    page.click("button:has-text('Deny 2 requests')")
    expect(page.locator(".bulk-result--denied")).to_have_count(2)
    assert {ReturnRequest.objects.get(pk=r.pk).close_reason for r in requests} == {"denied_by_seller"}


def test_seller_sorts_the_lists(world, live_server, page, axe):
    factories.order_with_items(seller=world["seller"], customer=world["customer"], items=3)
    sign_in(page, live_server, who="seller", seller=True)
    page.goto(live_server.url + "/seller/orders/")
    page.click("th >> text=Total")
    expect(page.locator("th[aria-sort=descending]")).to_have_text("Total ▼")
    page.click("th >> text=Total")
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Total ▲")
    axe("Manage Orders sorted")
    _waiting_requests(world, 1)
    page.goto(live_server.url + "/seller/returns/")
    page.click(".sort-options >> text=Request date")
    expect(page.locator(".sort-options a[aria-current=true]")).to_contain_text("Request date")
    assert "sort=requested" in page.url
    axe("Manage Returns sorted")
    page.goto(live_server.url + "/seller/returns/claims/")
    page.click(".sort-options >> text=Status")
    assert "sort=status" in page.url
    axe("Claims sorted")
    page.goto(live_server.url + "/seller/messages/")
    page.click("th >> text=Date")
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Date ▲")
    axe("Inbox oldest first")
