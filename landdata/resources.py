"""django-import-export resources: list exports and small-table imports in the admin.

The big registry import never goes through these (row by row); it uses
`landdata.registry_import`.
"""

from __future__ import annotations

from import_export import fields, resources

from landdata import normalize
from landdata.models import Certificate, Commune, FormerCommune, LandUser, Plot, Province, RegistrationBranch


class ProvinceResource(resources.ModelResource):
    class Meta:
        model = Province
        fields = ("code", "name")
        import_id_fields = ("code",)


class RegistrationBranchResource(resources.ModelResource):
    class Meta:
        model = RegistrationBranch
        fields = ("code", "name", "province")
        import_id_fields = ("code",)


class CommuneResource(resources.ModelResource):
    class Meta:
        model = Commune
        fields = ("code", "name", "province", "branch")
        import_id_fields = ("code",)


class FormerCommuneResource(resources.ModelResource):
    class Meta:
        model = FormerCommune
        fields = ("code", "name", "commune")
        import_id_fields = ("code",)


class PlotResource(resources.ModelResource):
    """Export only (the registry import is the way in)."""

    class Meta:
        model = Plot
        fields = ("former_commune", "map_sheet", "plot_number", "area_m2", "land_use", "address")
        export_order = fields


class LandUserResource(resources.ModelResource):
    """Export with the ID number masked: lists of personal data never carry full IDs."""

    id_number = fields.Field(attribute="id_number", column_name="id_number")
    former_commune = fields.Field(attribute="plot__former_commune_id", column_name="old_commune_code")
    map_sheet = fields.Field(attribute="plot__map_sheet", column_name="map_sheet")
    plot_number = fields.Field(attribute="plot__plot_number", column_name="plot_number")

    class Meta:
        model = LandUser
        fields = (
            "registry_id",
            "former_commune",
            "map_sheet",
            "plot_number",
            "full_name",
            "birth_year",
            "id_number",
            "id_kind",
            "address",
        )
        export_order = fields

    def dehydrate_id_number(self, obj: LandUser) -> str:
        return normalize.mask_id(obj.id_number)

    def get_queryset(self):
        return super().get_queryset().select_related("plot")


class CertificateResource(resources.ModelResource):
    class Meta:
        model = Certificate
        fields = (
            "plot__former_commune",
            "plot__map_sheet",
            "plot__plot_number",
            "serial",
            "book_number",
            "issue_date",
            "status",
        )
