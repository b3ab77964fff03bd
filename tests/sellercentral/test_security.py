"""Production settings pass Django's deployment checks; pages carry the security headers."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_with_production_settings_prints_no_warning(tmp_path):
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DEBUG", "DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "DJANGO_SETTINGS_MODULE": "sellercentral.settings",
        "SECRET_KEY": "k" * 20 + "Zq9!xP2#mL7$wR4&vT1*nB8@cF5^hJ3%",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "INBOUND_EMAIL_SECRET": "s3cret",
        "ALLOWED_HOSTS": "sellercentral.example.com",
        "VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_pages_send_csp_and_security_headers():
    response = Client().get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_server_error_is_the_plain_page_or_json_for_the_api(rf):
    from sellercentral.views import SERVER_ERROR_DETAIL, server_error

    page = server_error(rf.get("/seller/messages/"))
    api = server_error(rf.get("/api/v1/seller/messages/"))

    assert page.status_code == api.status_code == 500
    assert b"Something went wrong" in page.content and page["Content-Type"].startswith("text/html")
    assert json.loads(api.content) == {
        "errors": [{"code": "server_error", "message": SERVER_ERROR_DETAIL}],
        "detail": SERVER_ERROR_DETAIL,
    }


@pytest.mark.django_db
def test_the_health_check_is_never_cached():
    response = Client().get("/healthz/")
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
