from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from collection.devices import devices_revoke
from collection.models import (
    Assignment,
    CampaignPeriod,
    CollectedRecord,
    CommuneTarget,
    DocumentAccess,
    ExportLog,
    PlotAssignment,
    RecordChange,
    RememberedDevice,
    Role,
    Scan,
    UserScope,
    WeeklyPlan,
    WorkingGroup,
)
from collection.scope import restrict, user_scope
from landdata.admin import ProvinceAdminAccess

# --- Scans and the document access log (scans helper) ------------------------


class _ProvinceAdminOnly:
    """Read-only pages for province admins (and superusers); rows still restricted to their scope."""

    def _is_admin(self, request) -> bool:
        return request.user.is_active and (request.user.is_superuser or user_scope(request.user).role == Role.ADMIN)

    def has_module_permission(self, request):
        return self._is_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_admin(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RememberedDevice)
class RememberedDeviceAdmin(ProvinceAdminAccess, admin.ModelAdmin):
    """Phones that stay signed in; revoking one ends its session at once."""

    list_display = ("user", "user_agent", "ip_address", "created_at", "expires_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("user",)
    search_fields = ("user__username",)
    readonly_fields = ("user", "session_key", "user_agent", "ip_address", "created_at", "expires_at", "revoked_at")
    actions = ["revoke"]
    editable = False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Thu hồi: đăng xuất các thiết bị đã chọn"))
    def revoke(self, request, queryset):
        count = devices_revoke(devices=list(queryset))
        self.message_user(request, _("Đã thu hồi %(n)d thiết bị.") % {"n": count})


@admin.register(DocumentAccess)
class DocumentAccessAdmin(_ProvinceAdminOnly, admin.ModelAdmin):
    list_display = ("at", "user", "action", "record", "scan_link", "ip_address")
    list_filter = (("user", admin.RelatedOnlyFieldListFilter), ("at", admin.DateFieldListFilter), "action")
    search_fields = ("user__username", "ip_address")
    date_hierarchy = "at"
    list_select_related = ("user", "record", "scan")
    fields = ("at", "user", "action", "record", "scan", "ip_address")
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = user_scope(request.user)
        if scope.whole_province:  # superuser: the whole log
            return qs
        return qs.filter(record_id__in=restrict(CollectedRecord.objects.all(), request.user).values("pk"))

    @admin.display(description=_("ảnh"))
    def scan_link(self, obj):
        if not obj.scan_id:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("collection:scan_image", args=[obj.scan_id]), obj.scan_id)


@admin.register(ExportLog)
class ExportLogAdmin(_ProvinceAdminOnly, admin.ModelAdmin):
    """Bulk exports of personal data, read only: who, when, what, in which scope, how many people."""

    list_display = ("at", "user", "kind", "commune", "scope", "rows", "people", "full_ids", "ip_address")
    list_filter = (("user", admin.RelatedOnlyFieldListFilter), ("at", admin.DateFieldListFilter), "kind", "full_ids")
    search_fields = ("user__username", "ip_address", "scope")
    date_hierarchy = "at"
    list_select_related = ("user", "commune")
    fields = ("at", "user", "kind", "commune", "scope", "rows", "people", "full_ids", "ip_address")
    readonly_fields = fields
    show_full_result_count = False


@admin.register(Scan)
class ScanAdmin(_ProvinceAdminOnly, admin.ModelAdmin):
    list_display = ("uploaded_at", "record", "kind", "status", "needs_retake", "uploaded_by", "image_link")
    list_filter = ("status", "kind", "needs_retake", ("uploaded_at", admin.DateFieldListFilter))
    list_select_related = ("record", "uploaded_by")
    fields = (
        "record",
        "kind",
        "original_name",
        "status",
        "error",
        "sha256",
        "stored_sha256",
        "phash",
        "width",
        "height",
        "quality_score",
        "needs_retake",
        "quality_note",
        "uploaded_by",
        "uploaded_at",
        "processed_at",
        "image_link",
    )
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user)

    @admin.display(description=_("ảnh"))
    def image_link(self, obj):
        if obj.status != Scan.Status.READY:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("collection:scan_image", args=[obj.pk]), _("Mở ảnh"))


@admin.register(RecordChange)
class RecordChangeAdmin(_ProvinceAdminOnly, admin.ModelAdmin):
    """The history of collected records and their photos (collection.history): read-only, in scope."""

    list_display = ("at", "actor", "action", "record", "fields_changed")
    list_filter = ("action", ("at", admin.DateFieldListFilter))
    search_fields = ("actor", "=record__id")
    date_hierarchy = "at"
    list_select_related = ("record",)
    fields = ("at", "actor", "user", "action", "record", "scan_id", "changes")
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user)

    @admin.display(description=_("trường thay đổi"))
    def fields_changed(self, obj):
        return ", ".join(obj.changes) or "—"


# --- Targets, working groups, assignments, user scopes ------------------------


@admin.register(CommuneTarget)
class CommuneTargetAdmin(ProvinceAdminAccess, admin.ModelAdmin):
    list_display = ("commune", "target_plots")
    list_select_related = ("commune",)
    search_fields = ("commune__code", "commune__name")
    autocomplete_fields = ("commune",)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(ProvinceAdminAccess, admin.ModelAdmin):
    list_display = ("name", "commune")
    list_filter = ("commune",)
    list_select_related = ("commune",)
    search_fields = ("name", "commune__code", "commune__name")
    autocomplete_fields = ("commune",)


@admin.register(Assignment)
class AssignmentAdmin(ProvinceAdminAccess, admin.ModelAdmin):
    list_display = ("former_commune", "commune", "working_group", "batch")
    list_filter = ("commune",)
    list_select_related = ("former_commune", "commune", "working_group", "batch")
    search_fields = ("former_commune__code", "former_commune__name", "commune__code", "commune__name")
    autocomplete_fields = ("former_commune", "commune", "working_group")
    show_full_result_count = False


@admin.register(UserScope)
class UserScopeAdmin(ProvinceAdminAccess, admin.ModelAdmin):
    list_display = ("user", "role", "province", "commune", "working_group", "branch")
    list_filter = ("role", "branch")
    list_select_related = ("user", "province", "commune", "working_group", "branch")
    search_fields = ("user__username", "user__first_name", "user__last_name", "commune__name")
    autocomplete_fields = ("commune", "working_group", "branch")
    raw_id_fields = ("user",)


# --- The campaign's calendar and plots handed to officials (issue 17) --------


@admin.register(CampaignPeriod)
class CampaignPeriodAdmin(ProvinceAdminAccess, admin.ModelAdmin):
    """Each commune's campaign days; an empty end is 90 days from the start (`set_campaign_period`
    gives many communes the same days at once)."""

    list_display = ("commune", "starts_on", "ends_on")
    list_editable = ("starts_on", "ends_on")
    list_select_related = ("commune",)
    search_fields = ("commune__code", "commune__name")
    autocomplete_fields = ("commune",)


@admin.register(WeeklyPlan)
class WeeklyPlanAdmin(ProvinceAdminAccess, admin.ModelAdmin):
    list_display = ("commune", "working_group", "week", "plots")
    list_filter = ("commune",)
    list_select_related = ("commune", "working_group")
    autocomplete_fields = ("commune", "working_group")


@admin.register(PlotAssignment)
class PlotAssignmentAdmin(ProvinceAdminAccess, admin.ModelAdmin):
    """Read-only here: leaders hand plots on the 'Giao thửa' page, which checks commune and group."""

    editable = False
    list_display = ("plot", "official", "assigned_by", "assigned_at")
    list_select_related = ("plot__former_commune", "official", "assigned_by")
    search_fields = ("official__username",)
    show_full_result_count = False
