from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "verification"
    verbose_name = _("Đối soát và kiểm tra")

    def ready(self) -> None:
        from collection import panels, scope
        from verification import bulk, receivers  # noqa: F401  (receivers connects collection's signals)

        bulk.register_lookups()

        panels.register_record_panel("verification/_record_flags_panel.html")
        panels.register_form_panel("verification/_live_check_panel.html")

        scope.register_scoped_model("verification.flag", commune_path="commune", former_path="former_commune")
        scope.register_scoped_model("verification.plotoutcome", commune_path="commune", former_path="former_commune")
