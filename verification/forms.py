"""Forms of the review desk: they validate input; `verification.review` does the work."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from verification.models import NOTE_REQUIRED, Decision, FlagCode, FlagStatus, Severity
from verification.selectors import QueueFilters

SORT_CHOICES = [
    ("age", _("Cũ nhất trước")),
    ("severity", _("Mức độ")),
    ("plot", _("Số tờ, số thửa")),
]


class QueueFilterForm(forms.Form):
    commune = forms.ChoiceField(label=_("Xã/phường"), required=False)
    former_commune = forms.ChoiceField(label=_("Xã cũ"), required=False)
    code = forms.ChoiceField(
        label=_("Loại sai lệch"), required=False, choices=[("", _("Tất cả"))] + list(FlagCode.choices)
    )
    severity = forms.ChoiceField(
        label=_("Mức độ"), required=False, choices=[("", _("Tất cả"))] + list(Severity.choices)
    )
    status = forms.MultipleChoiceField(
        label=_("Trạng thái"), required=False, choices=FlagStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    older_than = forms.IntegerField(label=_("Cũ hơn (ngày)"), required=False, min_value=0, max_value=3650)
    sort = forms.ChoiceField(label=_("Sắp xếp"), required=False, choices=SORT_CHOICES)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, communes=(), former_communes=(), **kwargs):
        """`former_communes`: (code, label) of the former communes offered."""
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("Tất cả"))] + [(c.code, str(c)) for c in communes]
        self.fields["former_commune"].choices = [("", _("Tất cả"))] + list(former_communes)

    def filters(self) -> QueueFilters:
        """The validated filters; invalid values fall back to the defaults (a queue always shows)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # only the fields that validated; the others fall back
        statuses = tuple(data.get("status") or (FlagStatus.OPEN, FlagStatus.RETURNED))
        return QueueFilters(
            commune=data.get("commune") or "",
            former_commune=data.get("former_commune") or "",
            code=data.get("code") or "",
            severity=data.get("severity") or "",
            statuses=statuses,
            older_than_days=data.get("older_than") or None,
            sort=data.get("sort") or "age",
            page=data.get("page") or 1,
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Quyết định"), choices=Decision.choices)
    note = forms.CharField(label=_("Lý do"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        data = super().clean()
        if data.get("decision") in NOTE_REQUIRED and not (data.get("note") or "").strip():
            self.add_error("note", _("Cần ghi lý do khi trả về xã hoặc bỏ qua."))
        return data


class BulkDecisionForm(forms.Form):
    """Many low-severity flags at once; each selected box carries `flag_id:version`."""

    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("", _("— Chọn quyết định —"))] + [c for c in Decision.choices if c[0] != Decision.RETURN],
    )
    note = forms.CharField(label=_("Lý do"), required=False, max_length=2000)
    flags = forms.CharField(required=False)  # replaced by the list in clean()

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self._raw = data.getlist("flags") if data is not None and hasattr(data, "getlist") else []

    def clean(self):
        data = super().clean()
        versions: dict[int, int] = {}
        for item in self._raw:
            try:
                flag_id, version = (int(part) for part in item.split(":", 1))
            except ValueError:
                raise forms.ValidationError(_("Danh sách sai lệch không hợp lệ.")) from None
            versions[flag_id] = version
        if not versions:
            raise forms.ValidationError(_("Chưa chọn sai lệch nào."))
        if len(versions) > 500:
            raise forms.ValidationError(_("Mỗi lần chỉ xử lý tối đa 500 sai lệch."))
        if data.get("decision") in NOTE_REQUIRED and not (data.get("note") or "").strip():
            self.add_error("note", _("Cần ghi lý do khi trả về xã hoặc bỏ qua."))
        data["versions"] = versions
        return data
