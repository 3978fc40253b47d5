from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LanddataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "landdata"
    verbose_name = _("Dữ liệu đất đai (sổ địa chính)")
