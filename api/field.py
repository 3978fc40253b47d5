"""The endpoints of the phone's offline work (the outbox and the plots it keeps): thin callers of
`collection.field` and `collection.scans.uploads`.

- GET  field/plots/?since=…        the plots of the user's scope, compact, gzipped (full or changed since)
- PUT  field/records/<client_id>/  create or update (and maybe submit) a record by the phone's id
- tus  field/uploads/…             photos in chunks that resume after a cut (POST, HEAD, PATCH, DELETE)
- GET  field/uploads/<id>/         where an upload stands and whether its scan is ready
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from collection import field
from collection.models import CollectedRecord, Role
from collection.scans import uploads
from collection.scope import user_scope
from collection.services import record_version

COLLECT_ROLES = (Role.OFFICIAL, Role.GROUP_LEADER, Role.ADMIN)


def _require_collector(request: Request) -> None:
    if user_scope(request.user).role not in COLLECT_ROLES:
        raise PermissionDenied


class FieldSessionView(APIView):
    """Whether the phone is signed in, and the CSRF token its outbox sends (a service worker reads no cookie)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        signed_in = request.user.is_authenticated
        return Response(
            {
                "authenticated": signed_in,
                "username": request.user.get_username() if signed_in else "",
                "csrf": get_token(request),
            },
            headers={"Cache-Control": "no-store"},
        )


def _since(raw: str) -> dt.datetime | None:
    """`generated_at` of the phone's last download; a time no server could have written is refused,
    not handed to the database (an offset beyond ±14 h or a year before the campaign's software)."""
    if not raw:
        return None
    try:
        since = parse_datetime(raw)
    except ValueError:
        since = None
    if since is not None and timezone.is_naive(since):
        since = timezone.make_aware(since)
    offset = since.utcoffset() if since is not None else None
    if since is None or since.year < 2000 or offset is None or abs(offset) > dt.timedelta(hours=14):
        raise ValidationError({"since": [_("Thời điểm không hợp lệ: gửi lại generated_at của lần tải trước.")]})
    return since


class FieldPlotsView(APIView):
    """The plots of your scope for the phone's store (ID numbers masked), full or changed since `since`."""

    @extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="`generated_at` of the last download")
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @method_decorator(gzip_page)
    def get(self, request: Request) -> Response:
        _require_collector(request)
        result = field.field_plots(user=request.user, since=_since(request.query_params.get("since") or ""))
        return Response(
            {
                "generated_at": result.generated_at.isoformat(),
                "full": result.full,
                "scope": result.scope,
                "plots": result.plots,
            },
            headers={"Cache-Control": "private, no-store"},
        )


class FieldRecordInput(serializers.Serializer):
    plot = serializers.IntegerField(required=False, allow_null=True, help_text="registry plot id (a new record)")
    base_version = serializers.CharField(required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(required=False, default=False)
    values = serializers.DictField(child=serializers.CharField(allow_blank=True), help_text="contract §2.3 keys")


def record_answer(record: CollectedRecord, version: str) -> dict:
    return {
        "id": record.pk,
        "client_id": str(record.client_id),
        "version": version,
        "status": record.status,
        "status_label": str(record.get_status_display()),
        "url": reverse("collection:record_edit", args=[record.pk]),
        "plot_url": reverse("collection:plot_detail", args=[record.plot_id]) if record.plot_id else "",
    }


class FieldRecordView(APIView):
    """Create or update (and maybe submit) a record by the id the phone made; idempotent."""

    @extend_schema(request=FieldRecordInput, responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT})
    def put(self, request: Request, client_id: uuid.UUID) -> Response:
        _require_collector(request)
        if not field.client_id_available(user=request.user, client_id=client_id):
            raise Http404  # another commune's record (or someone else's id): checked before the body is read
        payload = FieldRecordInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            result = field.field_record_put(
                user=request.user,
                client_id=client_id,
                plot_id=data.get("plot"),
                raw=data["values"],
                base_version=data["base_version"],
                submit=data["submit"],
            )
        except (CollectedRecord.DoesNotExist, Http404):
            raise Http404 from None
        except field.FieldInvalid as exc:
            return Response({"errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
        except field.FieldConflict as exc:
            server = exc.record
            return Response(
                {
                    "detail": _("Bản ghi đã thay đổi trên máy chủ từ khi máy này mở nó."),
                    "server": {
                        **record_answer(server, record_version(server)),
                        "values": field.record_form_values(server),
                    },
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(record_answer(result.record, result.version), status=201 if result.created else 200)


# --- tus ------------------------------------------------------------------------------------------


def _tus_headers(response: Response) -> Response:
    response["Tus-Resumable"] = uploads.TUS_VERSION
    response["Cache-Control"] = "no-store"
    return response


def _int_header(request: Request, name: str) -> int | None:
    raw = request.headers.get(name)
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        raise ValidationError({name: [_("Giá trị không hợp lệ.")]}) from None


def _refused(exc: uploads.UploadRefused) -> Response:
    return _tus_headers(Response({"detail": exc.message}, status=exc.status))


def _state_response(state: uploads.UploadState, code: int = 204) -> Response:
    response = Response(status=code)
    response["Upload-Offset"] = str(state.offset)
    response["Upload-Length"] = str(state.length)
    if state.scan_id:
        response["Upload-Scan"] = str(state.scan_id)
    return _tus_headers(response)


class TusCreateView(APIView):
    """tus creation: `Upload-Length` and `Upload-Metadata` (record, scan, kind, filename, sha256).
    Subclasses say who sends (`uploader`: checked before anything is read) and where an upload lives."""

    def uploader(self, request: Request, **kwargs) -> uploads.Uploader:
        raise NotImplementedError

    def upload_url(self, upload_id: uuid.UUID, **kwargs) -> str:
        raise NotImplementedError

    @extend_schema(exclude=True)
    def options(self, request, *args, **kwargs) -> Response:
        response = Response(status=204)
        response["Tus-Version"] = uploads.TUS_VERSION
        response["Tus-Extension"] = uploads.TUS_EXTENSIONS
        response["Tus-Checksum-Algorithm"] = "sha256"
        response["Tus-Max-Size"] = str(settings.SCAN_MAX_BYTES)
        return _tus_headers(response)

    @extend_schema(exclude=True)
    def post(self, request: Request, **kwargs) -> Response:
        by = self.uploader(request, **kwargs)
        try:
            metadata = uploads.parse_metadata(request.headers.get("Upload-Metadata", ""))
            try:
                upload_id = uuid.UUID(metadata.get("scan", ""))
            except ValueError:
                raise uploads.UploadRefused(uploads.BAD_REQUEST, _("Thiếu mã ảnh do máy tạo.")) from None
            state = uploads.upload_create(
                by=by, upload_id=upload_id, length=_int_header(request, "Upload-Length"), metadata=metadata
            )
        except uploads.UploadRefused as exc:
            return _refused(exc)
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        response = _state_response(state, 201)
        response["Location"] = self.upload_url(state.id, **kwargs)
        return response


class TusUploadView(APIView):
    """tus: HEAD (the offset to resume from), PATCH (one chunk), DELETE; GET tells the scan's state."""

    def uploader(self, request: Request, **kwargs) -> uploads.Uploader:
        raise NotImplementedError

    @extend_schema(exclude=True)
    def head(self, request: Request, upload_id: uuid.UUID, **kwargs) -> Response:
        try:
            return _state_response(uploads.upload_state(by=self.uploader(request, **kwargs), upload_id=upload_id), 200)
        except uploads.UploadRefused as exc:
            return _refused(exc)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, upload_id: uuid.UUID, **kwargs) -> Response:
        try:
            state = uploads.upload_state(by=self.uploader(request, **kwargs), upload_id=upload_id)
        except uploads.UploadRefused as exc:
            return _refused(exc)
        return Response(
            {
                "offset": state.offset,
                "length": state.length,
                "scan": str(state.scan_id or ""),
                "scan_status": state.scan_status,
            },
            headers={"Cache-Control": "no-store"},
        )

    @extend_schema(exclude=True)
    def patch(self, request: Request, upload_id: uuid.UUID, **kwargs) -> Response:
        length = _int_header(request, "Content-Length")
        by = self.uploader(request, **kwargs)
        try:
            uploads.upload_state(by=by, upload_id=upload_id)  # whose upload, before reading anything
            if request.content_type != "application/offset+octet-stream":
                return _tus_headers(Response(status=415))
            state = uploads.upload_append(
                by=by,
                upload_id=upload_id,
                offset=_int_header(request, "Upload-Offset"),
                content_length=length,
                read_body=lambda: request._request.read(length or 0),
                checksum=request.headers.get("Upload-Checksum"),
            )
        except uploads.UploadRefused as exc:
            return _refused(exc)
        return _state_response(state)

    @extend_schema(exclude=True)
    def delete(self, request: Request, upload_id: uuid.UUID, **kwargs) -> Response:
        try:
            uploads.upload_delete(by=self.uploader(request, **kwargs), upload_id=upload_id)
        except uploads.UploadRefused as exc:
            return _refused(exc)
        return _tus_headers(Response(status=204))


class FieldUploadsView(TusCreateView):
    """The official's outbox creates an upload for a record it has sent."""

    def uploader(self, request: Request, **kwargs) -> uploads.Uploader:
        _require_collector(request)
        return uploads.Uploader(user=request.user)

    def upload_url(self, upload_id: uuid.UUID, **kwargs) -> str:
        return reverse("api:field_upload", args=[upload_id])


class FieldUploadView(TusUploadView):
    def uploader(self, request: Request, **kwargs) -> uploads.Uploader:
        return uploads.Uploader(user=request.user)
