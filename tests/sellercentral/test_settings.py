"""Settings come from the environment and refuse bad values at start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL, settings.DEBUG)"


def _load_settings(tmp_path, probe=PROBE, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY"}
        and not k.startswith("RELAY_")
    }
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "sellercentral.settings", "VAR_DIR": str(tmp_path / "var"), **env}
    )
    return subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=clean, capture_output=True, text=True, check=False
    )


def test_development_defaults_need_no_server_and_generate_a_secret_key(tmp_path):
    result = _load_settings(tmp_path, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://", "True"]
    assert len((tmp_path / "var" / "secret_key").read_text()) >= 50
    assert (tmp_path / "var" / "broker" / "in").is_dir()


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "SECRET_KEY is required"),
        ({"SECRET_KEY": "short"}, "at least 50 characters"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"DEBUG": "true", "DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL is not a database URL"),
        ({"DEBUG": "true", "CELERY_BROKER_URL": "amqp://guest@localhost//"}, "CELERY_BROKER_URL must be"),
        ({"DEBUG": "true", "EMAIL_PORT": "twenty-five"}, "EMAIL_PORT must be a whole number"),
        ({"DEBUG": "true", "RELAY_DOMAINS": "xx=mail.example"}, "unknown marketplace 'xx'"),
        ({"DEBUG": "true", "RELAY_DNS_NAMESERVERS": "ns1.example"}, "not an IP address"),
        ({"DEBUG": "true", "RELAY_DNS_NAMESERVERS": "127.0.0.1:99999"}, "has no valid port"),
        ({"DEBUG": "true", "RELAY_TRUSTED_NETWORKS": "10.0.0.0/33"}, "'10.0.0.0/33' is not a network"),
        ({"DEBUG": "true", "RELAY_TRUSTED_NETWORKS": "10.1.2.3/8"}, "has host bits set"),
        ({"DEBUG": "true", "RELAY_DKIM_SELECTOR": "s_1"}, "RELAY_DKIM_SELECTOR must be a DNS label"),
        ({"DEBUG": "true", "RELAY_AUTHSERV_ID": "mx.example; spf=pass"}, "RELAY_AUTHSERV_ID must be"),
        ({"DEBUG": "true", "RELAY_RATE_PER_SENDER": "60 an hour"}, "must be a rate like 60/hour"),
        ({"DEBUG": "true", "RELAY_RATE_PER_ALIAS": "0/hour"}, "must allow at least 1"),
        ({"DEBUG": "true", "RELAY_MAX_SESSIONS": "0"}, "RELAY_MAX_SESSIONS must be at least 1"),
        ({"DEBUG": "true", "RELAY_HOSTNAME": "localhost"}, "RELAY_HOSTNAME must be a fully qualified"),
        ({"DEBUG": "true", "RELAY_TLS_KEY": "/etc/hostname"}, "RELAY_TLS_KEY is set without RELAY_TLS_CERT"),
        (
            {"DEBUG": "true", "TRUSTED_PROXIES": "proxy.example"},
            "TRUSTED_PROXIES: 'proxy.example' is not a network",
        ),
        ({"DEBUG": "true", "API_TOKEN_TTL_HOURS": "0"}, "API_TOKEN_TTL_HOURS must be at least 1"),
    ],
)
def test_bad_or_missing_values_stop_start_up_with_a_reason(tmp_path, env, complaint):
    result = _load_settings(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_production_runs_on_postgresql_and_redis_when_given(tmp_path):
    result = _load_settings(
        tmp_path,
        SECRET_KEY="x" * 60,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/sellercentral",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        INBOUND_EMAIL_SECRET="s3cret",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "redis://127.0.0.1:6379/0", "False"]


def test_relay_authentication_settings_are_read_and_normalised(tmp_path):
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.RELAY_DNS_NAMESERVERS, [str(n) for n in s.RELAY_TRUSTED_NETWORKS], "
        "s.RELAY_DKIM_SELECTOR, s.RELAY_DKIM_KEY_DIR, repr(s.RELAY_AUTHSERV_ID))"
    )
    defaults = _load_settings(tmp_path, probe, DEBUG="true")
    assert defaults.returncode == 0, defaults.stderr
    assert defaults.stdout.split() == ["[]", "[]", "sc1", str(tmp_path / "var" / "dkim"), "''"]
    given = _load_settings(
        tmp_path,
        probe,
        DEBUG="true",
        RELAY_DNS_NAMESERVERS="10.0.0.2, 127.0.0.1:5353,[::1]:5300",
        RELAY_TRUSTED_NETWORKS="127.0.0.0/8,::1/128, 192.0.2.7",
        RELAY_DKIM_SELECTOR="SC2026",
        RELAY_AUTHSERV_ID="mx.provider.example",
    )
    assert given.returncode == 0, given.stderr
    assert given.stdout.strip() == (
        "[('10.0.0.2', 53), ('127.0.0.1', 5353), ('::1', 5300)] ['127.0.0.0/8', '::1/128', '192.0.2.7/32'] "
        f"sc2026 {tmp_path / 'var' / 'dkim'} 'mx.provider.example'"
    )


def test_relay_limits_are_read_from_rates_and_default_to_the_policy(tmp_path):
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "from messaging import policy; "
        "print(policy.sender_rate(), policy.alias_rate(), s.RELAY_MAX_SESSIONS)"
    )
    defaults = _load_settings(tmp_path, probe, DEBUG="true")
    assert defaults.returncode == 0, defaults.stderr
    assert defaults.stdout.strip() == "(60, 3600) (300, 3600) 100"
    given = _load_settings(
        tmp_path,
        probe,
        DEBUG="true",
        RELAY_RATE_PER_SENDER="10/minute",
        RELAY_RATE_PER_ALIAS=" 1000 / Day ",
        RELAY_MAX_SESSIONS="40",
    )
    assert given.returncode == 0, given.stderr
    assert given.stdout.strip() == "(10, 60) (1000, 86400) 40"


def test_the_proxy_chain_and_the_token_lifetime_are_read_with_safe_defaults(tmp_path):
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(','.join(str(n) for n in s.TRUSTED_PROXIES) or '-', int(s.API_TOKEN_TTL.total_seconds()), "
        "int(s.REST_KNOX['TOKEN_TTL'].total_seconds()), s.AXES_CLIENT_IP_CALLABLE)"
    )
    defaults = _load_settings(tmp_path, probe, DEBUG="true")
    assert defaults.returncode == 0, defaults.stderr
    assert defaults.stdout.split() == ["-", "36000", "36000", "sellercentral.client_ip.client_ip"]
    given = _load_settings(
        tmp_path, probe, DEBUG="true", TRUSTED_PROXIES="10.0.0.4, 172.16.0.0/12", API_TOKEN_TTL_HOURS="24"
    )
    assert given.returncode == 0, given.stderr
    assert given.stdout.split()[:3] == ["10.0.0.4/32,172.16.0.0/12", "86400", "86400"]
