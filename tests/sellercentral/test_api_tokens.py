"""API tokens: a new one per sign-in, with an expiry; revoked by DELETE, by signing out in the
browser and by a password change; never kept in clear."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from .. import factories

pytestmark = pytest.mark.django_db

TOKEN_PATH = "/api/v1/auth/token/"
ORDERS = "/api/v1/buyer/orders/"


def sign_in(user, password: str = factories.PASSWORD) -> dict:
    response = APIClient().post(TOKEN_PATH, {"username": user.username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def status_with(token: str, path: str = ORDERS) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(path).status_code


def test_every_sign_in_gets_a_new_token_and_its_expiry(customer, settings):
    settings.API_TOKEN_TTL = timedelta(hours=3)
    before = timezone.now()
    first, second = sign_in(customer.user), sign_in(customer.user)
    assert set(first) == {"token", "expiry"}
    assert first["token"] != second["token"]
    expiry = parse_datetime(first["expiry"])
    assert expiry.tzinfo is not None
    assert before + timedelta(hours=3) <= expiry <= timezone.now() + timedelta(hours=3)
    assert status_with(first["token"]) == 200
    assert status_with(second["token"]) == 200


def test_a_token_stops_working_at_its_expiry(customer, settings):
    settings.API_TOKEN_TTL = timedelta(hours=2)
    token = sign_in(customer.user)["token"]
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=59)):
        assert status_with(token) == 200
    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1)):
        assert status_with(token) == 401


def test_the_database_holds_no_token_in_clear(customer):
    from knox.models import AuthToken

    token = sign_in(customer.user)["token"]
    stored = AuthToken.objects.get(user=customer.user)
    assert token not in (stored.digest, stored.token_key)
    assert stored.token_key == token[: len(stored.token_key)] and len(stored.token_key) < len(token) / 2


def test_delete_revokes_the_token_used_and_no_other(customer):
    used, other = sign_in(customer.user)["token"], sign_in(customer.user)["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {used}")
    assert client.delete(TOKEN_PATH).status_code == 204
    assert status_with(used) == 401
    assert client.delete(TOKEN_PATH).status_code == 401  # already gone
    assert status_with(other) == 200


def test_delete_needs_a_token_not_a_session(customer):
    token = sign_in(customer.user)["token"]
    client = APIClient()
    client.force_login(customer.user)
    assert client.delete(TOKEN_PATH).status_code == 401
    assert status_with(token) == 200


def test_a_sign_in_with_a_wrong_password_issues_nothing(customer):
    response = APIClient().post(
        TOKEN_PATH, {"username": customer.user.username, "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


@pytest.mark.parametrize(
    ("sign_in_path", "sign_out_path"), [("/signin/", "/signout/"), ("/admin/login/", "/admin/logout/")]
)
def test_signing_out_in_the_browser_revokes_the_users_tokens(customer, sign_in_path, sign_out_path):
    if sign_in_path.startswith("/admin/"):
        customer.user.is_staff = True
        customer.user.save(update_fields=["is_staff"])
    someone_else = factories.CustomerFactory()
    tokens = [sign_in(customer.user)["token"], sign_in(customer.user)["token"]]
    theirs = sign_in(someone_else.user)["token"]
    browser = Client()
    signed_in = browser.post(
        sign_in_path, {"username": customer.user.username, "password": factories.PASSWORD}
    )
    assert signed_in.status_code == 302
    browser.post(sign_out_path)
    assert [status_with(token) for token in tokens] == [401, 401]
    assert status_with(theirs) == 200


def test_signing_out_of_seller_central_revokes_the_sellers_tokens(seller):
    user = factories.seller_user(seller)
    token = sign_in(user)["token"]
    assert status_with(token, "/api/v1/seller/returns/") == 200
    browser = Client()
    browser.force_login(user)
    browser.post("/seller/signout/")
    assert status_with(token, "/api/v1/seller/returns/") == 401


def test_a_password_change_revokes_the_users_tokens(customer):
    someone_else = factories.CustomerFactory()
    token, theirs = sign_in(customer.user)["token"], sign_in(someone_else.user)["token"]
    customer.user.set_password("a brand new passphrase")
    customer.user.save()
    assert status_with(token) == 401
    assert status_with(theirs) == 200
    assert status_with(sign_in(customer.user, "a brand new passphrase")["token"]) == 200


@pytest.mark.parametrize(
    "form",
    [
        {
            "usable_password": "true",
            "password1": "a brand new passphrase",
            "password2": "a brand new passphrase",
        },
        # The password taken away ("Disable password-based authentication"): the account is locked.
        {"usable_password": "false", "unset-password": "Disable password-based authentication"},
    ],
    ids=["changed", "disabled"],
)
def test_a_password_changed_by_staff_in_the_admin_revokes_that_users_tokens(customer, form):
    token = sign_in(customer.user)["token"]
    staff = Client()
    staff.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    response = staff.post(f"/admin/auth/user/{customer.user.pk}/password/", form)
    assert response.status_code == 302 and response["Location"].endswith(f"/{customer.user.pk}/change/")
    assert status_with(token) == 401


def test_signing_in_again_keeps_the_tokens_even_when_the_password_is_re_hashed(customer, settings):
    # Django re-hashes a password stored with an older hasher when it is next checked: that is
    # not a change of password, and the user's tokens must survive it.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    customer.user.password = make_password(factories.PASSWORD, hasher="md5")
    customer.user.save(update_fields=["password"])
    token = sign_in(customer.user)["token"]
    customer.user.refresh_from_db()
    assert customer.user.password.startswith("pbkdf2_sha1$")  # re-hashed at that sign-in
    sign_in(customer.user)
    assert status_with(token) == 200
