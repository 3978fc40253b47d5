"""Admin for province admins: administrative units, registry data, imports with progress.

The registry extract and the assignment list are uploaded on an import page: the
file is stored under MEDIA_ROOT/imports/<uuid>.<ext>, an ImportBatch is created,
a Celery task runs the same service as the management command, and the progress
page polls the batch every second with htmx.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportModelAdmin
from import_export.formats.base_formats import BINARY_FORMATS
from import_export.forms import SelectableFieldsExportForm

from config.queueing import queue_safely
from landdata import normalize, resources, selectors, services, signals
from landdata.admin_params import safe_initial
from landdata.admin_units import AdminUnitsUnavailable
from landdata.imports import IMPORT_KINDS, uploadable_kinds
from landdata.links import LAND_USER_LINKS
from landdata.models import (
    Certificate,
    Commune,
    FormerCommune,
    ImportBatch,
    LandUser,
    Plot,
    Province,
    RegistrationBranch,
)
from landdata.safe_cells import SAFE_EXPORT_FORMATS


def is_province_admin(user) -> bool:
    """Superusers and users whose scope row says province admin (without importing `collection`)."""
    if not (user.is_active and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    scope = getattr(user, "scope", None)  # collection.UserScope, reverse one-to-one
    return getattr(scope, "role", None) == "admin"


class ProvinceAdminAccess:
    """Pages for province admins only; `editable` decides whether they may change rows."""

    editable = True

    def has_module_permission(self, request):
        return is_province_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_province_admin(request.user)

    def has_add_permission(self, request):
        return self.editable and is_province_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return self.editable and is_province_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return self.editable and request.user.is_superuser

    def has_import_permission(self, request):
        return self.editable and is_province_admin(request.user)

    def has_export_permission(self, request):
        return is_province_admin(request.user)

    def get_changeform_initial_data(self, request):
        """Initial values from the query string, less those an integer field could not look up."""
        return safe_initial(self.model, super().get_changeform_initial_data(request))


def field_verbose_name(model, path: str) -> str | None:
    """The verbose name of the model field at `path` ("plot__former_commune_id"), or None."""
    field = None
    for part in path.split("__"):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            if not part.endswith("_id"):
                return None
            try:
                field = model._meta.get_field(part.removesuffix("_id"))
            except FieldDoesNotExist:
                return None
        model = field.related_model
    return str(field.verbose_name) if field is not None else None


class NamedFieldsExportForm(SelectableFieldsExportForm):
    """django-import-export labels the columns to export "Area M2", "Plot Number" (the field name made
    English-looking): label them by the model's own (Vietnamese) names, with the column's header."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        name = field_verbose_name(resource._meta.model, (field.attribute if field else None) or field_name)
        if name is None:
            return super()._get_field_label(resource, field_name)
        return f"{capfirst(name)} ({field.column_name if field else field_name})"


class NamedExport:
    """Admin pages whose export form names the columns in the user's words, and whose files never run
    a formula: CSV and XLSX only, through `landdata.safe_cells` (every admin export mixes this in;
    tests/landdata/test_safe_exports.py checks that none offers another format)."""

    export_form_class = NamedFieldsExportForm
    export_formats = SAFE_EXPORT_FORMATS
    # Pages whose rows are people: each export is logged (ExportLog.Kind, in collection) with whom it named.
    export_log_kind: str | None = None

    def export_action(self, request, *args, **kwargs):
        """A filter the change list does not know (`?plot=…` here) sends back to the list with its
        "?e=1" warning, as the change list itself does, instead of a 500."""
        try:
            return super().export_action(request, *args, **kwargs)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(f"{request.path.rsplit('/export/', 1)[0]}/?{ERROR_FLAG}=1")

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """django-import-export's own, except that the format says whether cells keep their native
        types (it asks `type(format) in BINARY_FORMATS`, which our XLSX subclass is not): numbers stay
        numbers in XLSX, text stays a string cell."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        native = getattr(file_format, "native_types", type(file_format) in BINARY_FORMATS)
        data = self.get_data_for_export(request, queryset, force_native_type=native, **kwargs)
        export_data = file_format.export_data(data)
        if self.export_log_kind:
            signals.personal_data_exported.send(
                sender=type(self),
                request=request,
                kind=self.export_log_kind,
                land_user_ids=queryset.values_list("pk", flat=True),
                rows=len(data),
                scope=request.GET.urlencode() or str(_("toàn bộ danh sách")),
                full_ids=False,
            )
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data


@admin.register(Province)
class ProvinceAdmin(ProvinceAdminAccess, NamedExport, ImportExportModelAdmin):
    resource_classes = [resources.ProvinceResource]
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(RegistrationBranch)
class RegistrationBranchAdmin(ProvinceAdminAccess, NamedExport, ImportExportModelAdmin):
    resource_classes = [resources.RegistrationBranchResource]
    list_display = ("code", "name", "province")
    list_select_related = ("province",)
    search_fields = ("code", "name")


@admin.register(Commune)
class CommuneAdmin(ProvinceAdminAccess, NamedExport, ImportExportModelAdmin):
    resource_classes = [resources.CommuneResource]
    list_display = ("code", "name", "branch", "province")
    list_filter = ("branch",)
    list_select_related = ("branch", "province")
    search_fields = ("code", "name")
    change_list_template = "admin/landdata/commune/change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("nap-danh-muc/", wrap(self.load_units_view), name="landdata_commune_load_units"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "province_code": settings.PROVINCE_CODE})

    def load_units_view(self, request):
        """The same service as `load_admin_units`: a few hundred rows, so it runs in the request."""
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        try:
            result = services.admin_units_load(province_code=settings.PROVINCE_CODE)
        except (LookupError, AdminUnitsUnavailable) as exc:
            messages.error(request, _("Không nạp được danh mục đơn vị hành chính: %(error)s") % {"error": exc})
        else:
            messages.success(request, result.summary())
        return redirect("admin:landdata_commune_changelist")


@admin.register(FormerCommune)
class FormerCommuneAdmin(ProvinceAdminAccess, NamedExport, ImportExportModelAdmin):
    resource_classes = [resources.FormerCommuneResource]
    list_display = ("code", "name", "commune")
    list_select_related = ("commune",)
    filter_horizontal = ("merged_into",)
    search_fields = ("code", "name", "commune__name")
    autocomplete_fields = ("commune",)


class RegistryReadOnly(ProvinceAdminAccess):
    """Registry rows come from the extract (or from review decisions), not from hand edits."""

    editable = False


class FormerCommuneFilter(admin.SimpleListFilter):
    """Former communes as a list filter without loading every plot's relation."""

    title = _("xã cũ")
    parameter_name = "former_commune"

    def lookups(self, request, model_admin):
        return [(fc.code, str(fc)) for fc in FormerCommune.objects.only("code", "name")]

    def queryset(self, request, queryset):
        if self.value():
            field = "former_commune_id" if queryset.model is Plot else "plot__former_commune_id"
            return queryset.filter(**{field: self.value()})
        return queryset


@admin.register(Plot)
class PlotAdmin(RegistryReadOnly, NamedExport, ExportMixin, admin.ModelAdmin):
    resource_classes = [resources.PlotResource]
    list_display = ("former_commune", "map_sheet", "plot_number", "area_m2", "land_use", "address")
    list_filter = (FormerCommuneFilter,)
    list_select_related = ("former_commune",)
    search_fields = ("=sheet_key", "=number_key", "address")
    show_full_result_count = False
    list_per_page = 50
    readonly_fields = ("former_commune", "map_sheet", "plot_number", "area_m2", "land_use", "address", "batch")

    def get_search_results(self, request, queryset, search_term):
        """ "12/345" or "12 345" finds sheet 12, plot 345 (keys compared as the contract says)."""
        parts = search_term.replace("/", " ").split()
        if len(parts) == 2:
            sheet, number = (normalize.plot_key_part(p) for p in parts)
            return queryset.filter(sheet_key=sheet, number_key=number), False
        if len(parts) == 1:
            key = normalize.plot_key_part(parts[0])
            return queryset.filter(sheet_key=key) | queryset.filter(number_key=key), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(LandUser)
class LandUserAdmin(RegistryReadOnly, NamedExport, ExportMixin, admin.ModelAdmin):
    resource_classes = [resources.LandUserResource]
    export_log_kind = "admin_land_users"
    list_display = ("registry_id", "full_name", "birth_year", "masked_id", "id_kind", "plot")
    list_filter = ("id_kind", FormerCommuneFilter)
    list_select_related = ("plot", "plot__former_commune")
    search_fields = ("=registry_id", "name_folded")
    show_full_result_count = False
    list_per_page = 50
    exclude = ("id_number", "former_id_number")
    readonly_fields = (
        "registry_id",
        "plot",
        "certificate",
        "kind",
        "full_name",
        "birth_year",
        "birth_date",
        "masked_id",
        "id_kind",
        "address",
        "batch",
        "related_pages",
    )

    @admin.display(description=_("số giấy tờ tùy thân"))
    def masked_id(self, obj: LandUser) -> str:
        return obj.masked_id

    @admin.display(description=_("xem thêm"))
    def related_pages(self, obj: LandUser) -> str:
        """Links to the upper apps' pages about this person (landdata.links), e.g. who has seen their data."""
        if obj.pk is None or not LAND_USER_LINKS:
            return "—"
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            ((reverse(link.url_name, args=[obj.pk]), link.label) for link in LAND_USER_LINKS),
        )

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, normalize.name_folded(search_term) or search_term)


@admin.register(Certificate)
class CertificateAdmin(RegistryReadOnly, NamedExport, ExportMixin, admin.ModelAdmin):
    resource_classes = [resources.CertificateResource]
    list_display = ("serial", "book_number", "issue_date", "status", "plot")
    list_filter = ("status",)
    list_select_related = ("plot", "plot__former_commune")
    search_fields = ("=serial_key", "=book_number")
    show_full_result_count = False
    readonly_fields = ("plot", "serial", "book_number", "issue_date", "status")

    def get_search_results(self, request, queryset, search_term):
        key = normalize.certificate_key(search_term)
        if key:
            return queryset.filter(serial_key=key) | queryset.filter(book_number=search_term.strip()), False
        return super().get_search_results(request, queryset, search_term)


# --- import pages ----------------------------------------------------------------


NOT_QUEUED = _("Không gửi được việc nhập tới bộ xử lý nền (Redis không trả lời); tệp chưa được nhập, hãy tải lên lại.")


class ImportKindFilter(admin.SimpleListFilter):
    """The kind of file, by name: the field stores the code of a registered kind (landdata.imports)."""

    title = _("loại")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(code, kind.label) for code, kind in IMPORT_KINDS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp CSV hoặc XLSX"))
    replace = forms.BooleanField(
        label=_("Thay thế: xoá dữ liệu các thửa không có trong tệp (giữ thửa đã có dữ liệu thu thập)"),
        required=False,
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Tệp quá lớn (%(size)s MB), giới hạn là %(limit)s MB.")
                % {"size": f"{uploaded.size / 1048576:.1f}", "limit": f"{settings.IMPORT_MAX_BYTES / 1048576:.0f}"}
            )
        if not uploaded.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Chỉ nhận tệp .csv (UTF-8) hoặc .xlsx."))
        return uploaded


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "kind_name",
        "file_name",
        "status",
        "percent",
        "rows_total",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "imported_by",
    )
    list_filter = (ImportKindFilter, "status")
    list_select_related = ("imported_by",)
    search_fields = ("file_name", "sha256")
    readonly_fields = (
        "kind",
        "file_name",
        "sha256",
        "imported_by",
        "status",
        "started_at",
        "finished_at",
        "rows_total",
        "rows_done",
        "percent",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "summary",
        "problem_list",
    )
    fields = readonly_fields
    show_full_result_count = False
    change_list_template = "admin/landdata/importbatch/change_list.html"

    @admin.display(description=_("loại"), ordering="kind")
    def kind_name(self, obj: ImportBatch) -> str:
        return obj.kind_label

    @admin.display(description=_("tiến độ"))
    def percent(self, obj: ImportBatch) -> str:
        return "100%" if obj.status == ImportBatch.Status.DONE else f"{obj.percent_done}%"

    @admin.display(description=_("lỗi"))
    def problem_list(self, obj: ImportBatch) -> str:
        """The refusal as the progress page words it (the stored `errors` are the command's lines)."""
        problems = selectors.import_batch_problems(batch=obj)
        if not problems.total:
            return "—"
        return render_to_string("admin/landdata/importbatch/_problems.html", {"batch": obj, "problems": problems})

    def has_module_permission(self, request):
        return is_province_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_province_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "import_kinds": self._kinds()}
        return super().changelist_view(request, extra_context)

    def _kinds(self):
        return [
            (code, kind.upload_title, reverse("admin:landdata_importbatch_upload", args=[code]))
            for code, kind in uploadable_kinds().items()
        ]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("nhap/<str:kind>/", wrap(self.upload_view), name="landdata_importbatch_upload"),
            path("<int:pk>/tien-do/", wrap(self.progress_view), name="landdata_importbatch_progress"),
            path("<int:pk>/tien-do/trang-thai/", wrap(self.status_view), name="landdata_importbatch_status"),
            *super().get_urls(),
        ]

    def _require_admin(self, request):
        if not is_province_admin(request.user):
            raise PermissionDenied

    def upload_view(self, request, kind: str):
        self._require_admin(request)
        entry = uploadable_kinds().get(kind)
        if entry is None:
            raise Http404
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            batch, stored_name = services.import_file_store(
                uploaded=form.cleaned_data["file"], kind=kind, user=request.user
            )
            replace = entry.allows_replace and form.cleaned_data["replace"]
            transaction.on_commit(
                lambda: queue_safely(
                    lambda: entry.enqueue(batch.pk, stored_name, replace),
                    what=f"import batch {batch.pk}",
                    on_failure=lambda: services.import_batch_fail(batch_id=batch.pk, problems=[str(NOT_QUEUED)]),
                )
            )
            messages.info(request, _("Đã nhận tệp; đang nhập ở chế độ nền."))
            return redirect("admin:landdata_importbatch_progress", pk=batch.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": entry.upload_title,
            "form": form,
            "allows_replace": entry.allows_replace,
            "recent": selectors.import_batches_recent(limit=10),
        }
        return TemplateResponse(request, "admin/landdata/importbatch/upload.html", context)

    def _batch_context(self, request, pk: int) -> dict:
        self._require_admin(request)
        try:
            batch = selectors.import_batch_get(batch_id=pk)
        except ImportBatch.DoesNotExist as exc:
            raise Http404 from exc
        return {
            "batch": batch,
            "problems": selectors.import_batch_problems(batch=batch),
            "finished": batch.status in (ImportBatch.Status.DONE, ImportBatch.Status.FAILED),
            "percent": 100 if batch.status == ImportBatch.Status.DONE else batch.percent_done,
        }

    def progress_view(self, request, pk: int):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Tiến độ nhập dữ liệu"),
            **self._batch_context(request, pk),
        }
        return TemplateResponse(request, "admin/landdata/importbatch/progress.html", context)

    def status_view(self, request, pk: int):
        return TemplateResponse(request, "admin/landdata/importbatch/_status.html", self._batch_context(request, pk))
