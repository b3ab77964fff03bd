"""The client's address: X-Forwarded-For is believed from our own proxies only, read from the
right, and never when no proxy is configured."""

import ipaddress

import pytest
from django.test import RequestFactory

from sellercentral.client_ip import client_ip

PROXY = "10.0.0.4"


def request_from(remote_addr: str, forwarded_for: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().post("/seller/signin/", **extra)


def trust(settings, *networks: str) -> None:
    settings.TRUSTED_PROXIES = tuple(ipaddress.ip_network(n) for n in networks)


def test_with_no_proxy_configured_the_header_is_never_read(settings):
    trust(settings)
    assert client_ip(request_from("203.0.113.9", "198.51.100.7")) == "203.0.113.9"
    assert client_ip(request_from(PROXY, "198.51.100.7")) == PROXY


def test_from_the_trusted_proxy_the_address_it_saw_is_believed(settings):
    trust(settings, PROXY)
    assert client_ip(request_from(PROXY, "198.51.100.7")) == "198.51.100.7"


def test_from_a_client_that_is_not_a_proxy_the_header_is_ignored(settings):
    trust(settings, PROXY)
    assert client_ip(request_from("203.0.113.9", "198.51.100.7")) == "203.0.113.9"
    assert client_ip(request_from("10.0.0.5", "198.51.100.7")) == "10.0.0.5"  # next door is not the proxy


def test_what_the_client_wrote_before_the_proxys_entry_counts_for_nothing(settings):
    trust(settings, PROXY)
    # The client sent "X-Forwarded-For: 192.0.2.1, 10.0.0.9"; the proxy appended the address it saw.
    request = request_from(PROXY, "192.0.2.1, 10.0.0.9, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_a_chain_of_our_own_proxies_is_walked_back_to_the_first_address_that_is_not_ours(settings):
    trust(settings, "10.0.0.0/29", "172.16.5.1")
    # load balancer 172.16.5.1 → nginx 10.0.0.2 → gunicorn; each appends the address it saw.
    request = request_from("10.0.0.2", "192.0.2.1, 198.51.100.7, 172.16.5.1")
    assert client_ip(request) == "198.51.100.7"


def test_a_request_of_the_proxy_itself_is_the_proxys(settings):
    trust(settings, PROXY)
    assert client_ip(request_from(PROXY)) == PROXY
    assert client_ip(request_from(PROXY, "")) == PROXY


def test_an_entry_that_is_not_an_address_is_never_skipped_over(settings):
    trust(settings, PROXY)
    # Skipping it would reach the client's own words ("192.0.2.1"): the proxy stands in instead.
    assert client_ip(request_from(PROXY, "192.0.2.1, unknown")) == PROXY
    # Garbage the client wrote further left is never reached.
    assert client_ip(request_from(PROXY, "<script>, 198.51.100.7")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "expected"),
    [
        (PROXY, "198.51.100.7:51234", "198.51.100.7"),  # with the client's port
        (PROXY, "2001:db8::7", "2001:db8::7"),
        (PROXY, "[2001:db8::7]:443", "2001:db8::7"),
        (f"::ffff:{PROXY}", "198.51.100.7", "198.51.100.7"),  # gunicorn on a dual-stack socket
        ("2001:db8:ffff::4", "198.51.100.7", "198.51.100.7"),
    ],
)
def test_addresses_are_read_in_the_forms_proxies_write_them(settings, remote_addr, forwarded_for, expected):
    trust(settings, PROXY, "2001:db8:ffff::/64")
    assert client_ip(request_from(remote_addr, forwarded_for)) == expected
