from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "verification"
    verbose_name = _("Đối soát và kiểm tra")

    def ready(self) -> None:
        from verification import receivers  # noqa: F401  (connects collection's signals)
