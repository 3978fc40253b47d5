"""The portal's own table: what each user chose for the interface itself, on whatever device they use.

It sits in the project-level app (label `portal`) with the middleware and the view that use it: no app
below needs to know a user's language.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserPreference(models.Model):
    """A user's own choice of interface language, kept across sessions and devices."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="portal_preference"
    )
    # A code of settings.LANGUAGES ("vi", "en"); checked where it is saved, not as choices in the schema.
    language = models.CharField(_("ngôn ngữ"), max_length=10)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("lựa chọn của người dùng")
        verbose_name_plural = _("lựa chọn của người dùng")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
