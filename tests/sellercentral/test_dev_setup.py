"""Development set-up: links in e-mails follow the address `make run` serves on, and the
start banner names every sign-in, address and process."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from commerce import demo
from sellercentral.env import site_url_for_bind
from sellercentral.management.commands.dev_banner import procfile_processes

from .test_settings import _load_settings

ROOT = Path(__file__).resolve().parents[2]
SITE_URL_PROBE = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"


@pytest.mark.parametrize(
    ("bind", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("127.0.0.1:8100", "http://127.0.0.1:8100"),
        ("0.0.0.0:8100", "http://127.0.0.1:8100"),  # every interface: reached through loopback
        ("[::]:8100", "http://[::1]:8100"),
        ("[::1]:8200", "http://[::1]:8200"),
        ("localhost:8300", "http://localhost:8300"),
    ],
)
def test_a_bind_address_gives_the_url_a_browser_here_uses(bind, url):
    assert site_url_for_bind(bind) == url


@pytest.mark.parametrize("bind", ["8100", "127.0.0.1:", "127.0.0.1:99999", "unix:/tmp/web.sock", "a b:80"])
def test_a_bind_address_without_a_port_is_refused(bind):
    with pytest.raises(ImproperlyConfigured):
        site_url_for_bind(bind)


def test_development_links_follow_web_bind(tmp_path):
    moved = _load_settings(tmp_path, SITE_URL_PROBE, DEBUG="true", WEB_BIND="127.0.0.1:8100")
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.strip() == "http://127.0.0.1:8100"
    default = _load_settings(tmp_path, SITE_URL_PROBE, DEBUG="true")
    assert default.stdout.strip() == "http://127.0.0.1:8000"
    # SITE_URL, when given, is the address (a proxy in front, another host name)
    given = _load_settings(
        tmp_path, SITE_URL_PROBE, DEBUG="true", WEB_BIND="127.0.0.1:8100", SITE_URL="https://dev.example"
    )
    assert given.stdout.strip() == "https://dev.example"
    bad = _load_settings(tmp_path, SITE_URL_PROBE, DEBUG="true", WEB_BIND="somewhere")
    assert bad.returncode != 0 and "WEB_BIND must be host:port" in bad.stderr
    told = _load_settings(
        tmp_path, SITE_URL_PROBE, DEBUG="true", WEB_BIND="unix:/tmp/web.sock", SITE_URL="http://dev.test"
    )
    assert told.returncode == 0 and told.stdout.strip() == "http://dev.test"


def test_the_makefile_hands_web_bind_to_every_process_and_prints_the_banner():
    makefile = (ROOT / "Makefile").read_text()
    run_env = makefile[makefile.index("RUN_ENV :=") : makefile.index("\n\n", makefile.index("RUN_ENV :="))]
    assert "WEB_BIND=$(WEB_BIND)" in run_env and "RELAY_SMTP_PORT=$(RELAY_SMTP_PORT)" in run_env
    assert makefile.index("WEB_BIND ?=") < makefile.index("RUN_ENV :=")  # := reads it at once
    assert "manage.py dev_banner" in makefile and "Ctrl-C stops web, worker and beat" not in makefile


def test_the_banner_names_every_sign_in_service_and_process(settings, capsys):
    settings.SITE_URL, settings.RELAY_SMTP_PORT = "http://127.0.0.1:8100", 2626
    call_command("dev_banner")
    banner = capsys.readouterr().out
    for username in [*demo.SELLERS, *demo.BUYERS, demo.DEMO_ADMIN]:
        assert f"{username}/{username}" in banner, username
    assert "marie/marie (fr)" in banner
    for path in ["/seller/", "/admin/", "/dev/mailbox/", "/api/docs/", "/api/schema/"]:
        assert f"http://127.0.0.1:8100{path}" in banner
    assert ":8000" not in banner
    assert "Relay (SMTP)    127.0.0.1:2626" in banner
    assert "Links in e-mails point to http://127.0.0.1:8100/" in banner
    assert procfile_processes(ROOT / "Procfile") == ["web", "worker", "beat", "relay"]
    assert (
        "Ctrl-C stops the web server, Celery worker, Celery beat and relay SMTP server (4 processes)."
        in banner
    )
