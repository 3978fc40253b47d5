from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as BaseTOTPConfig


class PortalConfig(AppConfig):
    """Project-level app: the users' interface choices (config.models, config.language), their passwords
    and API tokens (config.passwords, config.tokens), the system checks, the admin's name."""

    name = "config"
    label = "portal"
    verbose_name = _("Cổng dữ liệu đất đai")

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in

        from config import checks  # noqa: F401
        from config.language import remember_on_login
        from config.passwords import remember_on_login as note_password_change

        user_logged_in.connect(remember_on_login, dispatch_uid="portal.remember_language")
        user_logged_in.connect(note_password_change, dispatch_uid="portal.must_change_password")

        # Django's defaults read "Django site admin" / "Trang quản trị cho Django": say what this admin is.
        admin.site.site_header = _("Quản trị cổng dữ liệu đất đai")
        admin.site.site_title = _("Quản trị cổng dữ liệu đất đai")
        admin.site.index_title = _("Dữ liệu, tài khoản và nhật ký")


class AxesConfig(BaseAxesConfig):
    """django-axes (login throttling) gives its app no name (the admin would show "Axes") and names
    its rows in English with UTC times."""

    verbose_name = _("Chặn đăng nhập sai nhiều lần")

    def ready(self) -> None:
        super().ready()
        from config.thirdparty import name_axes_rows

        name_axes_rows(self)


class TOTPConfig(BaseTOTPConfig):
    """django-otp's TOTP plugin gives its app no name (the admin would show "Otp_Totp") and its model
    plain English names and help texts."""

    verbose_name = _("Xác thực hai bước (mã TOTP)")

    def ready(self) -> None:
        super().ready()
        from config.thirdparty import mark_model_texts

        mark_model_texts(self)
