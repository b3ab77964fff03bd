"""API tokens (django-rest-knox): a new token per sign-in, valid for ``API_TOKEN_TTL``.

knox keeps only a digest of each token, so a database dump holds no usable one. A token ends
at its expiry, when its holder revokes it (``DELETE /api/v1/auth/token/``), and with all the
user's others when the user signs out in the browser or the password changes (or is taken
away): whoever got hold of a token, or of the old password, loses the API with the pages.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from knox.models import AuthToken


def issue_token(*, user: AbstractBaseUser, request: HttpRequest) -> tuple[str, datetime]:
    """A new token for ``user``, who has just given their password: (token, expiry)."""
    # Expired tokens of this user go now; knox itself only drops them when one is used, so a
    # client that signs in for every run would otherwise leave a row per run behind.
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    instance, token = AuthToken.objects.create(user=user, expiry=settings.API_TOKEN_TTL)
    # As a sign-in on a page does: last_login, and django-axes clears the failed attempts.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return token, instance.expiry


def revoke_token(*, token: AuthToken) -> None:
    """The one token its holder signs out with; the user's other tokens go on working."""
    token.delete()


def revoke_all_tokens(*, user: AbstractBaseUser) -> int:
    """Every API token of ``user``; how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


@receiver(user_logged_out, dispatch_uid="sellercentral.tokens.revoke_on_sign_out")
def _revoke_on_sign_out(sender, request: HttpRequest, user: AbstractBaseUser | None, **kwargs) -> None:
    # Signing out in the browser (Seller Central, the storefront, the admin) means "this account
    # is done here": its API tokens stop too. Django sends no user for an anonymous sign-out.
    if user is not None and user.pk is not None:
        revoke_all_tokens(user=user)


@receiver(
    post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="sellercentral.tokens.revoke_without_password"
)
def _revoke_without_password(sender, instance: AbstractBaseUser, created: bool, **kwargs) -> None:
    # Taking a user's password away (the admin's "usable password: disabled") locks the account
    # for sign-in; it tells no password validator, so its tokens are revoked here.
    if not created and not instance.has_usable_password():
        revoke_all_tokens(user=instance)


class RevokeTokensOnPasswordChange:
    """Listed in ``AUTH_PASSWORD_VALIDATORS`` for its ``password_changed`` hook only.

    Django calls that hook after ``set_password()`` and ``save()``, wherever the password was
    changed (admin, ``changepassword``, a reset), and not when it merely re-hashes the same
    password at sign-in; a signal on the user's row could not tell those apart.
    """

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        return None  # any password is fine by this one

    def password_changed(self, password: str, user: AbstractBaseUser | None = None) -> None:
        if user is not None and user.pk is not None:
            revoke_all_tokens(user=user)

    def get_help_text(self) -> str:
        # Shown with the other rules on the admin's password forms.
        return gettext("Changing the password signs this account out of the API: its tokens stop working.")
