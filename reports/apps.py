from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Báo cáo và tiến độ")

    def ready(self) -> None:
        from collection import scope

        scope.register_scoped_model("reports.scanbundle", commune_path="commune")
