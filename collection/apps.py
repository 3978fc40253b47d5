from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "collection"
    verbose_name = _("Thu thập dữ liệu")

    def ready(self) -> None:
        from collection import citizen, import_kinds  # noqa: F401  (citizens' cards read into their drafts; kinds of import)
