"""Content-Security-Policy header (Django 5.2 has none built in).

Every page of the portal loads its scripts and styles from its own static files, so the policy
allows nothing else: no inline scripts, no eval, no third-party hosts, no framing. Only `style`
attributes are allowed (progress bars set their width inline, and so does the Django admin).
The API documentation page (Swagger UI; api/docs.py) is served from drf-spectacular-sidecar's
local static files under the same policy.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from config.passwords import password_change_required
from config.second_factor import otp_passed, otp_required

DEFAULT_POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def render_policy(policy: dict[str, str]) -> str:
    return "; ".join(f"{directive} {value}" for directive, value in policy.items())


class ContentSecurityPolicyMiddleware:
    """Adds the portal's CSP to every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        self.default = render_policy(getattr(settings, "CSP_POLICY", DEFAULT_POLICY))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header not in response:
            response[self.header] = self.default
        return response


class PasswordChangeRequiredMiddleware:
    """A user whose password someone else chose (an admin's new account, set or reset password) is sent
    to the password change page before any other, session API calls included (config.passwords).

    Runs before SecondFactorMiddleware: a new reviewer first chooses their password, then enrols their
    authenticator app. API calls with a token carry no session user here; a reset revokes the tokens.
    """

    EXEMPT_NAMES = ("password_change", "logout", "login", "set_language", "healthz", "javascript-catalog")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if password_change_required(request):
            exempt = {reverse(name) for name in self.EXEMPT_NAMES}
            if request.path not in exempt and not request.path.startswith(settings.STATIC_URL):
                return redirect(reverse("password_change"))
        return self.get_response(request)


class SecondFactorMiddleware:
    """Optional second factor: users whose role is in OTP_REQUIRED_ROLES (e.g. reviewers and admins)
    must confirm a TOTP code once per login before any page; off when the setting is empty.

    Runs after django_otp's OTPMiddleware, which tells whether this session was verified. API calls
    with a token never carry a session user here; a token of such a user is made only by a session that
    confirmed a code (config.tokens). While the user must still change their password, the password
    change page comes first (PasswordChangeRequiredMiddleware lets nothing else through): the code, or
    the enrolment of the app, comes right after.
    """

    EXEMPT_NAMES = ("otp_verify", "logout", "login", "set_language", "healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if otp_required(user) and not otp_passed(user) and not password_change_required(request):
            exempt = {reverse(name) for name in self.EXEMPT_NAMES}
            if request.path not in exempt and not request.path.startswith(settings.STATIC_URL):
                return redirect(f"{reverse('otp_verify')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
