"""Passwords: every user changes their own; an admin resets a forgotten one; a password someone else chose
(an admin making the account, setting it, or resetting it) must be replaced by the user's own before
anything else.

There is no e-mail infrastructure to assume: an admin's reset gives a one-time link (Django's
PasswordResetConfirmView and default_token_generator) shown to that admin once, to hand to the official
(by phone, on paper); when the portal has an e-mail server (settings.EMAIL_HOST) and the user an address,
the link is e-mailed too. The reset makes the old password unusable at once, which also ends the user's
open sessions (Django checks the password hash on every request), and revokes their API tokens.

Whether a user must change their password is `UserPreference.must_change_password`; it is read once per
sign-in into the session (like the language), so pages pay no query for it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.http import HttpRequest
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.models import UserPreference

# In the session: True while the signed-in user must choose a new password.
SESSION_KEY = "portal_must_change_password"


def password_change_pending(user) -> bool:
    """Whether this user must choose a new password before any other page (one query)."""
    return UserPreference.objects.filter(user_id=user.pk, must_change_password=True).exists()


def password_change_require(*, user) -> None:
    """Someone other than the user chose their password (or none): they must choose their own."""
    UserPreference.objects.update_or_create(user=user, defaults={"must_change_password": True})


def password_change_done(*, user, request: HttpRequest | None = None) -> None:
    """The user chose their own password: nothing more is asked of them (this session included)."""
    UserPreference.objects.filter(user_id=user.pk, must_change_password=True).update(must_change_password=False)
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = False


def password_change_required(request: HttpRequest) -> bool:
    """Whether the signed-in user of this request must change their password, from their session (read
    from the table once for a session opened before the portal kept it there)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return False
    if SESSION_KEY not in request.session:
        request.session[SESSION_KEY] = password_change_pending(user)
    return bool(request.session[SESSION_KEY])


def remember_on_login(sender, request: HttpRequest, user, **kwargs) -> None:
    """user_logged_in: note in the new session whether the user must change their password first."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = password_change_pending(user)


def password_reset(*, user, request: HttpRequest) -> str:
    """An admin's reset: the old password stops working (and the user's sessions with it), their API
    tokens are revoked, and a one-time link to choose a new one is returned (and e-mailed when the portal
    can). The link works until it is used, the password changes again, or PASSWORD_RESET_TIMEOUT."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    password_change_require(user=user)
    # Not at the top: the admin and the login signal import this module in every process, and the
    # API's token module brings Django REST framework and drf-spectacular (a fifth of a second).
    from config.tokens import tokens_revoke_all  # noqa: PLC0415

    tokens_revoke_all(user=user)
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    link = request.build_absolute_uri(path)
    if getattr(settings, "EMAIL_HOST", "") and user.email:
        send_mail(
            gettext("Đặt lại mật khẩu cổng dữ liệu đất đai"),
            gettext(
                "Quản trị viên đã đặt lại mật khẩu của tài khoản %(username)s. Mở liên kết sau để chọn mật "
                "khẩu mới (chỉ dùng được một lần):\n\n%(link)s"
            )
            % {"username": user.get_username(), "link": link},
            None,
            [user.email],
            fail_silently=True,
        )
    return link


class PasswordChangeView(auth_views.PasswordChangeView):
    """Any signed-in user changes their own password (the old one, then the new one twice); the session
    stays signed in. Also the page a user is sent to while they must change it."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["required"] = password_change_required(self.request)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        password_change_done(user=form.user, request=self.request)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The one-time link of an admin's reset: the user chooses a new password, then signs in with it."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_change_done(user=form.user)
        messages.success(self.request, _("Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu này."))
        return response
