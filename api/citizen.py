"""The citizen's link, for the citizen's phone (no account): tus uploads of the plot's photos, and the
phone number and note. The token in the URL is the only credential; it is checked open, and the
link's limits applied, before anything is read.

- POST/OPTIONS /gui-anh/<token>/tai-len/          tus creation (the same server as the officials')
- HEAD/PATCH/GET/DELETE /gui-anh/<token>/tai-len/<id>/
- POST /gui-anh/<token>/thong-tin/                {"phone": "...", "note": "..."}
"""

from __future__ import annotations

import uuid

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.field import TusCreateView, TusUploadView
from collection import citizen
from collection.network import client_ip
from collection.scans import uploads


class LinkUnusable(APIException):
    status_code: int = status.HTTP_410_GONE

    def __init__(self, message: str, code: int = status.HTTP_410_GONE):
        super().__init__(detail=message)
        self.status_code = code


class _CitizenAccess(APIView):
    """No session, no CSRF, no API throttle: the link's own limits (collection.citizen) apply."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def link(self, request: Request, token: str):
        try:
            link = citizen.link_open(token)
            citizen.link_allow_request(link, ip_address=client_ip(request))
        except citizen.LinkClosed as exc:
            raise LinkUnusable(exc.message, status.HTTP_404_NOT_FOUND if exc.reason == "unknown" else 410) from None
        except citizen.LinkRefused as exc:
            raise LinkUnusable(exc.message, status.HTTP_429_TOO_MANY_REQUESTS) from None
        return link


class CitizenUploadsView(_CitizenAccess, TusCreateView):
    def uploader(self, request: Request, **kwargs) -> uploads.Uploader:
        link = self.link(request, kwargs["token"])
        try:
            metadata = uploads.parse_metadata(request.headers.get("Upload-Metadata", ""))
            upload_id = uuid.UUID(metadata.get("scan", ""))
        except (uploads.UploadRefused, ValueError):
            upload_id = None
        try:
            citizen.link_allow_photo(link, ip_address=client_ip(request), upload_id=upload_id)
        except citizen.LinkRefused as exc:
            raise LinkUnusable(exc.message, status.HTTP_429_TOO_MANY_REQUESTS) from None
        citizen.link_log(link, "photo", ip_address=client_ip(request), detail=str(upload_id or ""))
        return uploads.Uploader(link=link)

    def upload_url(self, upload_id: uuid.UUID, **kwargs) -> str:
        return reverse("citizen_upload", args=[kwargs["token"], upload_id])


class CitizenUploadView(_CitizenAccess, TusUploadView):
    def uploader(self, request: Request, **kwargs) -> uploads.Uploader:
        return uploads.Uploader(link=self.link(request, kwargs["token"]))


class DetailsSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=30, allow_blank=True, required=False, default="")
    note = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")


class CitizenDetailsView(_CitizenAccess):
    @extend_schema(request=DetailsSerializer, responses={200: None})
    def post(self, request: Request, token: str) -> Response:
        link = self.link(request, token)
        data = DetailsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        citizen.link_details(
            link, phone=data.validated_data["phone"], note=data.validated_data["note"], ip_address=client_ip(request)
        )
        return Response({"ok": True})
