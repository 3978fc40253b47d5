from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "collection"
    verbose_name = _("Thu thập dữ liệu")

    def ready(self) -> None:
        from collection import citizen, import_kinds  # noqa: F401  (citizens' cards read into their drafts; kinds of import)
        from collection.export_log import on_personal_data_exported
        from collection.scope import register_scoped_model
        from landdata.links import register_land_user_link
        from landdata.signals import personal_data_exported

        # The admin's land-user export (landdata) is logged here, beside the campaign's own exports.
        personal_data_exported.connect(on_personal_data_exported, dispatch_uid="collection.export_log")
        register_land_user_link(_("Ai đã xem dữ liệu của người này"), "collection:land_user_trail")

        # The history of a record is seen by whoever sees the record.
        register_scoped_model(
            "collection.recordchange",
            commune_path="record__former_commune__commune",
            former_path="record__former_commune",
        )
