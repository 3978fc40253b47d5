"""API serializers: output serializers shape what is shown (IDs masked unless the role needs them),
input serializers only carry what a client may send; business rules stay in the services."""

from __future__ import annotations

from rest_framework import serializers

from collection.models import CollectedRecord, Scan, ScanKind
from collection.services import record_version
from landdata import normalize
from landdata.models import LandUser, Plot
from reports.figures import LAND_USER_KEYS
from verification.models import Decision, Flag


def _id(serializer: serializers.Serializer, value: str) -> str:
    return normalize.clean_id(value) if serializer.context.get("full_ids") else normalize.mask_id(value)


# --- output --------------------------------------------------------------------------


class LandUserOutputSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = LandUser
        fields = ["id", "registry_id", "kind", "full_name", "birth_year", "birth_date", "id_number", "id_kind"]

    def get_id_number(self, obj: LandUser) -> str:
        return _id(self, obj.id_number)


class PlotOutputSerializer(serializers.ModelSerializer):
    old_commune_code = serializers.CharField(source="former_commune_id")
    commune_code = serializers.CharField(source="former_commune.commune_id")
    land_users = LandUserOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Plot
        fields = [
            "id",
            "commune_code",
            "old_commune_code",
            "map_sheet",
            "plot_number",
            "area_m2",
            "land_use",
            "address",
            "land_users",
        ]


class RecordOutputSerializer(serializers.ModelSerializer):
    old_commune_code = serializers.CharField(source="former_commune_id")
    holder_id_number = serializers.SerializerMethodField()
    holder_old_id_number = serializers.SerializerMethodField()
    co_holder_id_number = serializers.SerializerMethodField()
    co_holder_old_id_number = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()

    class Meta:
        model = CollectedRecord
        fields = [
            "id",
            "old_commune_code",
            "map_sheet",
            "plot_number",
            "plot",
            "holder_name",
            "holder_birth_year",
            "holder_birth_date",
            "holder_id_number",
            "holder_old_id_number",
            "co_holder_name",
            "co_holder_birth_year",
            "co_holder_birth_date",
            "co_holder_id_number",
            "co_holder_old_id_number",
            "certificate_serial",
            "certificate_book_number",
            "area_m2",
            "land_use",
            "actual_user_name",
            "certificate_status",
            "owner_far_away",
            "channel",
            "notes",
            "collected_by",
            "collected_on",
            "status",
            "submitted_at",
            "open_flags",
            "version",
        ]

    def get_holder_id_number(self, obj) -> str:
        return _id(self, obj.holder_id_number)

    def get_holder_old_id_number(self, obj) -> str:
        return _id(self, obj.holder_old_id_number)

    def get_co_holder_id_number(self, obj) -> str:
        return _id(self, obj.co_holder_id_number)

    def get_co_holder_old_id_number(self, obj) -> str:
        return _id(self, obj.co_holder_old_id_number)

    def get_version(self, obj) -> str:
        """Optimistic-lock token to send back with an update or a submission."""
        return record_version(obj)


class ScanOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scan
        fields = [
            "id",
            "record",
            "kind",
            "original_name",
            "sha256",
            "width",
            "height",
            "status",
            "needs_retake",
            "quality_note",
            "uploaded_at",
        ]


class FlagOutputSerializer(serializers.ModelSerializer):
    old_commune_code = serializers.CharField(source="former_commune_id")
    commune_code = serializers.CharField(source="commune_id")
    map_sheet = serializers.CharField(source="record.map_sheet")
    plot_number = serializers.CharField(source="record.plot_number")
    registry_value = serializers.SerializerMethodField()
    collected_value = serializers.SerializerMethodField()

    class Meta:
        model = Flag
        fields = [
            "id",
            "record",
            "plot",
            "commune_code",
            "old_commune_code",
            "map_sheet",
            "plot_number",
            "code",
            "field",
            "registry_value",
            "collected_value",
            "severity",
            "status",
            "similarity",
            "version",
            "created_at",
            "updated_at",
        ]

    def _value(self, obj: Flag, value: str) -> str:
        if "id_number" in obj.field and not self.context.get("full_ids"):
            return normalize.mask_id(value)
        return value

    def get_registry_value(self, obj) -> str:
        return self._value(obj, obj.registry_value)

    def get_collected_value(self, obj) -> str:
        return self._value(obj, obj.collected_value)


class LandUserFiguresSerializer(serializers.Serializer):
    unified = serializers.IntegerField()
    not_matched = serializers.IntegerField()
    not_identified = serializers.IntegerField()


class CampaignFiguresSerializer(serializers.Serializer):
    """Contract §5, the same dict as `campaign_report --format json`."""

    commune_code = serializers.CharField()
    commune_name = serializers.CharField()
    target_plots = serializers.IntegerField()
    assigned_plots = serializers.IntegerField()
    collected_plots = serializers.IntegerField()
    percent_of_target = serializers.FloatField()
    verified = serializers.IntegerField()
    enriched = serializers.IntegerField()
    cleaned = serializers.IntegerField()
    pending_review = serializers.IntegerField()
    not_in_registry = serializers.IntegerField()
    open_flags = serializers.IntegerField()
    land_users = LandUserFiguresSerializer()


assert set(LandUserFiguresSerializer().fields) == set(LAND_USER_KEYS)


# --- input ---------------------------------------------------------------------------


class RecordCreateInputSerializer(serializers.Serializer):
    plot = serializers.IntegerField(help_text="id of a registry plot in your scope")


class RecordValuesInputSerializer(serializers.Serializer):
    """Contract §2.3 values as typed (birth as dd/mm/yyyy, yyyy-mm-dd or a year); checked by
    `collection.validation` exactly as the form does."""

    version = serializers.CharField(help_text="`version` of the record as last read")
    holder_name = serializers.CharField(required=False, allow_blank=True)
    holder_birth = serializers.CharField(required=False, allow_blank=True)
    holder_id_number = serializers.CharField(required=False, allow_blank=True)
    holder_old_id_number = serializers.CharField(required=False, allow_blank=True)
    co_holder_name = serializers.CharField(required=False, allow_blank=True)
    co_holder_birth = serializers.CharField(required=False, allow_blank=True)
    co_holder_id_number = serializers.CharField(required=False, allow_blank=True)
    co_holder_old_id_number = serializers.CharField(required=False, allow_blank=True)
    certificate_serial = serializers.CharField(required=False, allow_blank=True)
    certificate_book_number = serializers.CharField(required=False, allow_blank=True)
    area_m2 = serializers.CharField(required=False, allow_blank=True)
    land_use = serializers.CharField(required=False, allow_blank=True)
    actual_user_name = serializers.CharField(required=False, allow_blank=True)
    certificate_status = serializers.CharField(required=False, allow_blank=True)
    owner_far_away = serializers.CharField(required=False, allow_blank=True)
    channel = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class ScanUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=ScanKind.choices)


class FlagDecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.values)
    version = serializers.IntegerField(help_text="`version` of the flag as last read")
    note = serializers.CharField(required=False, allow_blank=True, default="")
