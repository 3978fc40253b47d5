"""The portal's own tables: what each user chose for the interface itself, on whatever device they use,
whether they must choose a new password, and their API tokens.

It sits in the project-level app (label `portal`) with the middleware and the view that use it: no app
below needs to know a user's language.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class UserPreference(models.Model):
    """A user's own choice of interface language, kept across sessions and devices ("" when none), and
    whether they must change their password at their next page."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="portal_preference"
    )
    # A code of settings.LANGUAGES ("vi", "en"); checked where it is saved, not as choices in the schema.
    language = models.CharField(_("ngôn ngữ"), max_length=10, blank=True)
    # Set when an admin made the account or reset its password: the user must choose their own
    # password before any other page (config.passwords.PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField(_("phải đổi mật khẩu"), default=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("lựa chọn của người dùng")
        verbose_name_plural = _("lựa chọn của người dùng")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox, settings.KNOX_TOKEN_MODEL): the database keeps only the SHA-512
    digest of the token and its first 15 characters (`token_key`, to find it and to name it on a page),
    so neither a database dump nor the admin can give a working token. Made by its owner on their own
    page (config.tokens), shown to them once, expiring, revocable.

    The knox fields are declared again only to name them in Vietnamese; their schema is knox's.
    """

    digest = models.CharField(_("mã băm"), max_length=CONSTANTS.DIGEST_LENGTH, primary_key=True)
    token_key = models.CharField(
        _("phần đầu của khoá"),
        max_length=CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH + CONSTANTS.TOKEN_KEY_LENGTH,
        db_index=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="auth_token_set",
        verbose_name=_("người dùng"),
    )
    # What its owner calls it ("điện thoại của tổ 2", "báo cáo tuần"), to know which one to revoke.
    name = models.CharField(_("tên gọi"), max_length=80)
    # Made by a session that had confirmed a TOTP code: a token without it is refused once the owner's
    # role needs the second factor (config.tokens.ApiTokenAuthentication).
    second_factor = models.BooleanField(_("sau xác thực hai bước"), default=False)
    created = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expiry = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("khoá truy cập API")
        verbose_name_plural = _("khoá truy cập API")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.token_key}… ({self.user})"
