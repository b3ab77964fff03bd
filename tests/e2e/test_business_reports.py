"""The Reports menu in headless Chromium: a report as XLSX, then Business Reports' figures."""

from playwright.sync_api import expect

from returns import services as returns

from ..xlsx import read_xlsx
from .conftest import sign_in


def test_seller_downloads_a_report_as_xlsx_and_reads_the_business_figures(
    world, live_server, page, browser, axe, screenshot
):
    item = world["order"].items.get()
    returns.request_return(
        order=world["order"],
        customer=world["customer"],
        items=[returns.RequestedItem(item.pk, 1, "missing_parts", "It came without its adapter")],
    )
    sign_in(page, live_server, who="seller", seller=True)

    # Reports: the file type chosen once, then the report's own button.
    page.click("summary:has-text('REPORTS')")
    page.click(".sc-menu a:text-is('Reports')")
    expect(page.locator("h1")).to_have_text("Reports")
    axe("Reports")
    screenshot(page, "24-reports")
    page.check("input[name=format][value=xlsx]")
    with page.expect_download() as download:
        page.click("button[name=report][value=returns]")
    assert download.value.suggested_filename.startswith("returns-")
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = read_xlsx(open(download.value.path(), "rb").read())  # noqa: SIM115
    assert sheet.rows[0][:2] == ["Request Date", "Order ID"] and len(sheet.rows) == 2
    assert sheet.rows[1][1] == world["order"].order_id and sheet.formulas == 0

    # Business Reports: the last 30 days, the order and its return request.
    page.click("summary:has-text('REPORTS')")
    page.click(".sc-menu a:text-is('Business Reports')")
    expect(page.locator("h1")).to_have_text("Business Reports")
    expect(page.locator("#business-totals + .table-wrap")).to_contain_text("Amazon.co.uk")
    expect(page.locator("svg[aria-labelledby='business-chart-title business-chart-desc']")).to_be_visible()
    axe("Business Reports")
    screenshot(page, "25-business-reports")
    with page.expect_download() as download:
        page.click("button[name=download][value=csv]")
    assert download.value.suggested_filename.endswith(".csv")

    # A reversed range is an error beside its field, not a file.
    page.fill("#id_since", "2026-06-10")
    page.fill("#id_until", "2026-06-01")
    page.click("button:text-is('Show')")
    expect(page.locator("[role=alert]")).to_contain_text("The end date must be on or after the start date.")
    axe("Business Reports with an error")

    # At a phone's width the page scrolls its tables, not itself.
    phone = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(phone, live_server, who="seller", seller=True)
    phone.goto(live_server.url + "/seller/reports/business/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
