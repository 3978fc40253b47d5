"""API tokens (django-rest-knox, model config.models.ApiToken): made by their owner, shown once, hashed,
expiring, revocable, and never a way around the second factor.

DRF's authtoken kept each token in plain text, showed it whole in the admin, and let a reviewer whose
role needs a TOTP code call the API without one. Now only a digest is stored, a token lasts
settings.API_TOKEN_DAYS, and a user whose role needs the second factor gets one only from a session
that confirmed a code; a token made before that rule applied to them (no `second_factor`) is refused.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions

from config.models import ApiToken
from config.second_factor import otp_required


class TokenRefused(Exception):
    """A token cannot be made for this user now; the message says why, in plain words."""


def tokens_of(*, user) -> QuerySet[ApiToken]:
    """The user's own tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user).filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))


def token_issue(*, user, name: str, second_factor_passed: bool) -> tuple[ApiToken, str]:
    """A new token for `user` and its text, which exists nowhere else: show it once, keep it nowhere.

    Refused for a role that needs the second factor unless this session confirmed a code, and beyond
    REST_KNOX["TOKEN_LIMIT_PER_USER"] live tokens."""
    if otp_required(user) and not second_factor_passed:
        raise TokenRefused(gettext("Vai trò của bạn cần xác thực hai bước trước khi tạo khoá truy cập API."))
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and tokens_of(user=user).count() >= limit:
        raise TokenRefused(
            gettext("Bạn đã có %(n)d khoá đang dùng; hãy thu hồi một khoá cũ trước khi tạo khoá mới.") % {"n": limit}
        )
    name = " ".join(name.split())[:80] or gettext("Khoá API")
    return ApiToken.objects.create(user=user, name=name, second_factor=second_factor_passed)


def token_revoke(*, user, token_key: str) -> bool:
    """Revoke one of the user's own tokens, named by its prefix; False when they have none such."""
    deleted, _ = ApiToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted > 0


def tokens_revoke_all(*, user) -> int:
    """Revoke every token of the user (a password reset)."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def tokens_expired_delete() -> int:
    """Remove expired tokens (knox removes them only when one of their owner's tokens is used)."""
    deleted, _ = ApiToken.objects.filter(expiry__lte=timezone.now()).delete()
    return deleted


class ApiTokenAuthentication(TokenAuthentication):
    """knox's token check (digest, expiry), and the second factor: a token of a user whose role needs it
    works only if it was made after a confirmed code."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        if otp_required(user) and not token.second_factor:
            raise exceptions.AuthenticationFailed(
                gettext("Khoá này được tạo khi chưa xác thực hai bước; hãy tạo khoá mới.")
            )
        return user, token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema, under the name it had with DRF's tokens."""

    target_class = "config.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
