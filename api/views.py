"""REST API v1: thin views. Every queryset goes through `collection.scope.restrict`, so an object
outside the caller's scope is simply not found (404); writes call the apps' services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from api import serializers as s
from collection import export_log, validation
from collection import services as collection_services
from collection.models import CollectedRecord, DocumentAccess, ExportLog, Role, Scan
from collection.network import client_ip
from collection.scans.services import ScanRejected, scan_open, scan_upload
from collection.scope import get_scoped_or_404, restrict, user_area, user_scope
from collection.services import record_create_draft
from landdata import normalize
from landdata.models import Commune, Plot
from reports import figures as fig
from reports.exports import sees_full_ids
from verification import services as verification_services
from verification.models import Flag

COLLECT_ROLES = (Role.OFFICIAL, Role.GROUP_LEADER, Role.ADMIN)


class PortalPagination(LimitOffsetPagination):
    """`?limit=&offset=`; a limit above 500 is capped at 500 (a page of a million rows is never built)."""

    default_limit = 50
    max_limit = 500


def _param(name: str, description: str, type_=str) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, required=False, description=description)


# What every database the portal runs on can hold in a primary or foreign key (a bigint).
MAX_ID = 2**63 - 1


def _filter_value(model, lookup: str, value: str):
    """The query value as the looked-up field takes it; an integer key out of a bigint's range is refused
    here, because SQLite only says so when the query runs (OverflowError, a 500)."""
    field = model._meta.get_field(lookup.split("__")[0])
    for part in lookup.split("__")[1:]:
        field = field.related_model._meta.get_field(part)
    if field.is_relation:
        field = field.target_field
    converted = field.to_python(value)
    if isinstance(converted, int) and not -MAX_ID <= converted <= MAX_ID:
        raise ValueError(value)
    return converted


class ScopedViewSet(viewsets.GenericViewSet):
    pagination_class = PortalPagination
    base_queryset = None
    filters: dict[str, str] = {}

    def get_queryset(self):
        qs = restrict(self.base_queryset.all(), self.request.user)
        nul = sorted(key for key, value in self.request.query_params.items() if "\x00" in key + value)
        if nul:  # PostgreSQL text cannot hold NUL: refuse like the forms do, instead of a 500
            raise ValidationError({key or "?": [_("Không được chứa ký tự NUL.")] for key in nul})
        for param, lookup in self.filters.items():
            value = self.request.query_params.get(param)
            if value not in (None, ""):
                try:
                    qs = qs.filter(**{lookup: _filter_value(qs.model, lookup, value)})
                except (TypeError, ValueError, DjangoValidationError):
                    # "?record=abc" or "?plot=<20 digits>": the caller's mistake (400), not a 500.
                    raise ValidationError({param: [_("Giá trị không hợp lệ.")]}) from None
        return qs

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "full_ids": sees_full_ids(self.request.user)}

    # Lists that name people: a page served with full ID numbers is logged (ExportLog) with whom it named,
    # before it is sent (as a scan's opening is).
    export_log_kind: str | None = None

    def paginate_queryset(self, queryset):
        objects = super().paginate_queryset(queryset)
        if self.export_log_kind and objects and sees_full_ids(self.request.user):
            export_log.export_log_write(
                user=self.request.user,
                kind=self.export_log_kind,
                land_user_ids=self.people_of_page(objects),
                rows=len(objects),
                scope=self.request.query_params.urlencode(),
                full_ids=True,
                ip_address=client_ip(self.request),
            )
        return objects

    def people_of_page(self, objects: list) -> list[int]:
        """The land users a page names: those of its objects' plots (one query)."""
        return export_log.land_users_of_plots(obj.plot_id for obj in objects)


PLOT_PARAMS = [
    _param("commune", "current commune code"),
    _param("old_commune", "former commune code"),
    _param("map_sheet", "map sheet (compared as in contract §1)"),
    _param("plot_number", "plot number (compared as in contract §1)"),
]


@extend_schema_view(list=extend_schema(parameters=PLOT_PARAMS))
class PlotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Registry plots in your scope with their land users (ID numbers masked for commune officials)."""

    serializer_class = s.PlotOutputSerializer
    export_log_kind = ExportLog.Kind.API_PLOTS
    base_queryset = (
        Plot.objects.select_related("former_commune")
        .prefetch_related(
            # Prefetch keeps pages at three queries whatever their size.
            "land_users"
        )
        .order_by("pk")
    )
    filters = {"commune": "former_commune__commune_id", "old_commune": "former_commune_id"}

    def get_queryset(self):
        qs = super().get_queryset()
        for param, field in (("map_sheet", "sheet_key"), ("plot_number", "number_key")):
            value = self.request.query_params.get(param)
            if value:
                qs = qs.filter(**{field: normalize.plot_key_part(value)})
        return qs

    def people_of_page(self, objects: list) -> list[int]:
        return [user.pk for plot in objects for user in plot.land_users.all()]  # prefetched


RECORD_PARAMS = [
    _param("commune", "current commune code"),
    _param("old_commune", "former commune code"),
    _param("status", "draft, submitted or returned"),
    _param("plot", "registry plot id", int),
    _param("collected_by", "official's username"),
]


def _clean_values(data: dict, *, require_complete: bool) -> dict:
    cleaned = validation.clean_record_values(data, require_complete=require_complete)
    if cleaned.errors:
        raise ValidationError({key: [str(m) for m in msgs] for key, msgs in cleaned.errors.items()})
    present = (
        {key for key in data}
        | {f"{p}_birth_year" for p in ("holder", "co_holder") if f"{p}_birth" in data}
        | {f"{p}_birth_date" for p in ("holder", "co_holder") if f"{p}_birth" in data}
    )
    return {key: value for key, value in cleaned.values.items() if key in present}


@extend_schema_view(list=extend_schema(parameters=RECORD_PARAMS))
class RecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Collected records in your scope; officials create, update and submit them through the
    same services (and the same validation) as the web form."""

    serializer_class = s.RecordOutputSerializer
    export_log_kind = ExportLog.Kind.API_RECORDS
    base_queryset = CollectedRecord.objects.order_by("-pk")
    filters = {
        "commune": "former_commune__commune_id",
        "old_commune": "former_commune_id",
        "status": "status",
        "plot": "plot_id",
        "collected_by": "collected_by",
    }

    def _require_collector(self) -> None:
        if user_scope(self.request.user).role not in COLLECT_ROLES:
            raise PermissionDenied

    @extend_schema(
        request=s.RecordCreateInputSerializer, responses={201: s.RecordOutputSerializer, 200: s.RecordOutputSerializer}
    )
    def create(self, request: Request) -> Response:
        """Open the plot's draft (or returned record), or start one: 201 when new, 200 when it existed."""
        self._require_collector()
        payload = s.RecordCreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plot = get_scoped_or_404(Plot.objects.all(), request.user, pk=payload.validated_data["plot"])
        record, created = record_create_draft(plot=plot, user=request.user)
        return Response(self.get_serializer(record).data, status=201 if created else 200)

    def _write(self, request: Request, pk: str, *, submit: bool) -> Response:
        self._require_collector()
        record = get_scoped_or_404(CollectedRecord.objects.all(), request.user, pk=pk)
        payload = s.RecordValuesInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        raw = dict(payload.validated_data)
        version = raw.pop("version")
        # Required fields are checked by record_submit against the stored record too.
        values = _clean_values(raw, require_complete=False)
        try:
            if submit:
                record = collection_services.record_submit(
                    record_id=record.pk, values=values, user=request.user, version=version
                )
            else:
                record = collection_services.record_update(
                    record_id=record.pk, values=values, user=request.user, version=version
                )
        except collection_services.RecordConflict:
            return Response({"detail": _("Bản ghi vừa được thay đổi; hãy đọc lại rồi gửi lại.")}, status=409)
        except collection_services.RecordAlreadySubmitted:
            return Response({"detail": _("Bản ghi đã được gửi.")}, status=409)
        except collection_services.RecordNotEditable:
            return Response({"detail": _("Bản ghi đã gửi không sửa được (trừ khi bị trả lại).")}, status=409)
        except ValueError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(self.get_serializer(record).data)

    @extend_schema(request=s.RecordValuesInputSerializer, responses={200: s.RecordOutputSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        """Save draft values."""
        return self._write(request, pk, submit=False)

    @extend_schema(request=s.RecordValuesInputSerializer, responses={200: s.RecordOutputSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Submit (or resubmit a returned record); matching is queued after commit."""
        return self._write(request, pk, submit=True)

    @extend_schema(
        request={"multipart/form-data": s.ScanUploadInputSerializer}, responses={201: s.ScanOutputSerializer}
    )
    @action(detail=True, methods=["post"], url_path="scans")
    def upload_scan(self, request: Request, pk: str) -> Response:
        """Upload one image of a certificate page or ID card (processed in the background)."""
        record = get_scoped_or_404(CollectedRecord.objects.all(), request.user, pk=pk)
        payload = s.ScanUploadInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            scan = scan_upload(
                record=record,
                user=request.user,
                upload=payload.validated_data["file"],
                kind=payload.validated_data["kind"],
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied from exc
        except ScanRejected as exc:
            raise ValidationError({"file": exc.messages}) from exc
        return Response(s.ScanOutputSerializer(scan).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=[_param("record", "collected record id", int)]))
class ScanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Scans in your scope (metadata only); the image itself through `download`, which is logged."""

    serializer_class = s.ScanOutputSerializer
    base_queryset = Scan.objects.order_by("record_id", "kind", "uploaded_at")
    filters = {"record": "record_id"}

    @extend_schema(responses={(200, "image/jpeg"): OpenApiResponse(response=OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> FileResponse:
        scan = get_scoped_or_404(Scan.objects.all(), request.user, pk=pk)
        if scan.status != Scan.Status.READY:
            raise Http404
        try:
            handle = scan_open(
                scan=scan, user=request.user, action=DocumentAccess.Action.API, ip_address=client_ip(request)
            )
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type="image/jpeg", as_attachment=True, filename=f"{scan.pk}.jpg")
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


FLAG_PARAMS = [
    _param("commune", "current commune code"),
    _param("old_commune", "former commune code"),
    _param("status", "open, accepted, kept, returned or dismissed"),
    _param("code", "flag code (contract §4)"),
    _param("severity", "high, medium or low"),
    _param("record", "collected record id", int),
]


@extend_schema_view(list=extend_schema(parameters=FLAG_PARAMS))
class FlagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Discrepancy flags in your scope; reviewers decide them."""

    serializer_class = s.FlagOutputSerializer
    export_log_kind = ExportLog.Kind.API_FLAGS
    base_queryset = Flag.objects.select_related("record").order_by("pk")
    filters = {
        "commune": "commune_id",
        "old_commune": "former_commune_id",
        "status": "status",
        "code": "code",
        "severity": "severity",
        "record": "record_id",
    }

    @extend_schema(request=s.FlagDecisionInputSerializer, responses={200: s.FlagOutputSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """accept / keep / return / dismiss, with the flag's `version` as read (409 if stale)."""
        get_scoped_or_404(Flag.objects.all(), request.user, pk=pk)
        payload = s.FlagDecisionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            flag = verification_services.flag_decide(
                user=request.user,
                flag_id=int(pk),
                expected_version=data["version"],
                decision=data["decision"],
                note=data["note"],
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied from exc
        except Flag.DoesNotExist as exc:
            raise Http404 from exc
        except verification_services.StaleFlag as exc:
            return Response({"detail": str(exc.message)}, status=409)
        except verification_services.ReviewError as exc:
            raise ValidationError({"detail": str(exc.message)}) from exc
        flag = Flag.objects.select_related("record").get(pk=flag.pk)
        return Response(self.get_serializer(flag).data)


class ReportViewSet(viewsets.ViewSet):
    """Contract §5 figures of the communes in your scope (the same function as `campaign_report`)."""

    lookup_field = "code"
    lookup_value_regex = r"[0-9A-Za-z]+"
    serializer_class = s.CampaignFiguresSerializer

    @extend_schema(responses={200: s.CampaignFiguresSerializer(many=True)})
    def list(self, request: Request) -> Response:
        rows = fig.commune_figures(user_area(request.user))
        return Response([row.as_contract_dict() for row in rows])

    @extend_schema(responses={200: s.CampaignFiguresSerializer})
    def retrieve(self, request: Request, code: str) -> Response:
        commune = get_scoped_or_404(Commune.objects.all(), request.user, code=code)
        rows = fig.commune_figures(user_area(request.user, commune=commune.code), only_active=False)
        if not rows:
            raise Http404
        return Response(rows[0].as_contract_dict())


__all__ = ["PlotViewSet", "RecordViewSet", "ScanViewSet", "FlagViewSet", "ReportViewSet"]
