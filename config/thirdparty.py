"""What third-party apps show in the admin without a way to translate it, made translatable at start-up.

django-otp writes its models' names, field names and help texts, and its admin's fieldset titles, as
plain English strings; django-axes names its rows in English with times in UTC. The AppConfig
subclasses in `config.apps` call these functions from `ready()`.

The msgids are the packages' own English texts (`translatable`), for two reasons: makemigrations runs
with translations off, so it still sees those models unchanged; and an English user sees them as the
package wrote them. Their Vietnamese is in locale_thirdparty/ (tools/thirdparty_messages.py collects
`UNMARKED` after start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# Every English text made translatable here (read by tools/thirdparty_messages.py).
UNMARKED: set[str] = set()


def translatable(text: str) -> _StrPromise:
    """`text` translated lazily, and remembered for the catalogue of third-party texts."""
    UNMARKED.add(text)
    return _(text)  # a variable msgid on purpose: makemessages must not put it in the portal's catalogue


def mark_model_texts(app_config: AppConfig) -> None:
    """Make the plain-string names and help texts of an app's models translatable."""
    for model in app_config.get_models():
        opts = model._meta
        if "verbose_name_plural" not in opts.original_attrs:  # Django's default: the name plus "s"
            opts.verbose_name_plural = translatable(str(opts.verbose_name_plural))
        if not isinstance(opts.verbose_name, Promise):
            opts.verbose_name = translatable(str(opts.verbose_name))
        for field in opts.local_fields + opts.local_many_to_many:
            if not isinstance(field.verbose_name, Promise) and field.name != "id":
                field.verbose_name = translatable(str(field.verbose_name))
            if field.help_text and not isinstance(field.help_text, Promise):
                field.help_text = translatable(str(field.help_text))


# Fieldset titles and a column of django-otp's TOTP device admin (config.admin translates them).
OTP_ADMIN_TEXTS = {
    text: translatable(text) for text in ("Identity", "Timestamps", "Configuration", "State", "Throttling")
}


def local_time(value) -> str:
    """An aware time as the portal shows times: in Asia/Ho_Chi_Minh, dd/mm/yyyy hh:mm:ss."""
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M:%S}" if value else ""


def _attempt_text(self) -> str:
    return gettext("Lần đăng nhập sai của %(user)s, lúc %(time)s") % {
        "user": self.username,
        "time": local_time(self.attempt_time),
    }


def _access_text(self) -> str:
    return gettext("Đăng nhập của %(user)s lúc %(time)s") % {
        "user": self.username,
        "time": local_time(self.attempt_time),
    }


def _failure_text(self) -> str:
    return gettext("Đăng nhập sai: %(user)s lúc %(time)s từ %(ip)s") % {
        "user": self.username,
        "time": local_time(self.attempt_time),
        "ip": self.ip_address,
    }


def name_axes_rows(app_config: AppConfig) -> None:
    """axes names its rows "Attempted Access: 2026-12-02 00:41:14.753059+00:00" (English, UTC): the admin
    shows that as each row's title, so the rows are named in Vietnamese, in local time."""
    texts = {"AccessAttempt": _attempt_text, "AccessLog": _access_text, "AccessFailureLog": _failure_text}
    for model in app_config.get_models():
        if model.__name__ in texts and issubclass(model, models.Model):
            model.__str__ = texts[model.__name__]  # type: ignore[method-assign]
