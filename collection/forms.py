"""The collection form (contract §2.3 keys as input names) and the plot search form.

Field rules are not here: `collection.validation` checks them for the form and the import alike.
"""

from __future__ import annotations

import html

from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from collection import validation
from collection.models import CertificateStatus, Channel, CollectedRecord
from collection.selectors import (
    ASSIGNED_ME,
    ASSIGNED_NONE,
    STATUS_LABELS,
    STATUS_NOT_COLLECTED,
    STATUSES,
    PlotFilters,
)
from collection.services import record_version
from landdata import normalize


class LongSelect(forms.Select):
    """A select of hundreds of options (a province's former communes or officials), drawn in Python.

    The same HTML as Django's select templates (tests/collection/test_long_select.py compares them),
    without a template include per option and per attribute: for the province admin's former
    communes and officials those took ~30 ms of each plot-list page (bench/plot_list.py).
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{html_text(widget["name"])}"{_html_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{html_text(group_name)}">')
            parts += [
                f'\n  <option value="{html_text(o["value"])}"{_html_attrs(o["attrs"])}>{html_text(o["label"])}</option>\n'
                for o in options
            ]
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value is escaped by html_text)


def html_text(value) -> str:
    """A value as the template language prints it: escaped unless already safe (conditional_escape,
    without its lazy-string wrapper, which costs more than the escaping on a long list)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _html_attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {html_text(key)}" if value is True else f' {html_text(key)}="{html_text(value)}"'
        for key, value in attrs.items()
        if value is not False
    )


def _text(label, *, max_length=200, **attrs):
    return forms.CharField(label=label, required=False, max_length=max_length, widget=forms.TextInput(attrs=attrs))


class RecordForm(forms.Form):
    holder_name = _text(_("Họ tên người đứng tên"), autocomplete="off")
    holder_birth = _text(
        _("Ngày sinh hoặc năm sinh"), max_length=20, placeholder="dd/mm/yyyy, yyyy", inputmode="numeric"
    )
    holder_id_number = _text(_("Số CCCD (12 số)"), max_length=30, inputmode="numeric", autocomplete="off")
    holder_old_id_number = _text(_("Số CMND cũ (9 số)"), max_length=30, inputmode="numeric", autocomplete="off")
    co_holder_name = _text(_("Họ tên đồng sở hữu"), autocomplete="off")
    co_holder_birth = _text(
        _("Ngày sinh đồng sở hữu"), max_length=20, placeholder="dd/mm/yyyy, yyyy", inputmode="numeric"
    )
    co_holder_id_number = _text(_("Số CCCD đồng sở hữu"), max_length=30, inputmode="numeric", autocomplete="off")
    co_holder_old_id_number = _text(_("Số CMND cũ đồng sở hữu"), max_length=30, inputmode="numeric", autocomplete="off")
    certificate_serial = _text(_("Số phát hành GCN"), max_length=40, placeholder="BĐ 123456")
    certificate_book_number = _text(_("Số vào sổ"), max_length=40, placeholder="CH 00120")
    area_m2 = _text(_("Diện tích (m²)"), max_length=30, inputmode="decimal", placeholder="123,5")
    land_use = _text(_("Mục đích sử dụng"), max_length=100, placeholder="ONT+CLN")
    actual_user_name = _text(_("Người đang sử dụng (nếu khác người đứng tên)"))
    certificate_status = forms.ChoiceField(
        label=_("Tình trạng GCN"), choices=CertificateStatus.choices, initial=CertificateStatus.HELD
    )
    owner_far_away = forms.BooleanField(label=_("Chủ ở xa"), required=False)
    channel = forms.ChoiceField(label=_("Hình thức"), choices=[("", "—"), *Channel.choices], required=False)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.values: dict = {}

    def clean(self):
        data = super().clean()
        raw = {key: data.get(key) for key in validation.RECORD_KEYS}
        result = validation.clean_record_values(raw, require_complete=self.submitting)
        for key, messages in result.errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)
        self.values = result.values
        return data

    @classmethod
    def initial_for(cls, record: CollectedRecord) -> dict:
        """Stored values shown back in the form's text fields."""
        initial = {key: getattr(record, key) for key in validation.RECORD_KEYS if hasattr(record, key)}
        initial["holder_birth"] = normalize.birth_text(record.holder_birth_year, record.holder_birth_date)
        initial["co_holder_birth"] = normalize.birth_text(record.co_holder_birth_year, record.co_holder_birth_date)
        initial["area_m2"] = str(record.area_m2).replace(".", ",") if record.area_m2 is not None else ""
        initial["version"] = record_version(record)
        return initial


class PlotSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Tên chủ (có hoặc không dấu), số tờ/số thửa (12/345) hoặc số CCCD/CMND"),
                "type": "search",
                "autocomplete": "off",
            }
        ),
    )
    sheet = forms.CharField(
        label=_("Số tờ"), required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    plot = forms.CharField(
        label=_("Số thửa"), required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    former_commune = forms.ChoiceField(label=_("Xã cũ"), required=False, widget=LongSelect)
    working_group = forms.TypedChoiceField(label=_("Tổ công tác"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    # Free text with the commune's hamlets offered (a datalist): any hamlet read from an address works.
    hamlet = forms.CharField(
        label=_("Thôn, xóm"), required=False, max_length=120, widget=forms.TextInput(attrs={"list": "hamlets"})
    )
    assigned = forms.ChoiceField(label=_("Giao cho"), required=False, widget=LongSelect)

    STATUS_LABELS = STATUS_LABELS

    def __init__(self, *args, former_communes=(), working_groups=(), officials=None, **kwargs):
        """`officials`: (id, label) of the officials a leader hands plots to; None for an official,
        who chooses only between every plot and their own."""
        super().__init__(*args, **kwargs)
        assigned = [("", _("Tất cả")), (ASSIGNED_ME, _("Thửa của tôi"))]
        if officials is not None:
            assigned += [(ASSIGNED_NONE, _("Chưa giao cho ai"))] + [(str(pk), label) for pk, label in officials]
        self.fields["assigned"].choices = assigned
        self.fields["former_commune"].choices = [("", _("Tất cả"))] + [(fc.code, fc.label) for fc in former_communes]
        self.fields["working_group"].choices = [("", _("Tất cả"))] + [(g.pk, g.name) for g in working_groups]
        self.fields["status"].choices = [("", _("Tất cả"))] + [(s, self.STATUS_LABELS[s]) for s in STATUSES]

    def filters(self) -> PlotFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return PlotFilters(
            q=data.get("q") or "",
            sheet=data.get("sheet") or "",
            plot=data.get("plot") or "",
            former_commune=data.get("former_commune") or "",
            working_group=data.get("working_group"),
            status=data.get("status") or "",
            hamlet=data.get("hamlet") or "",
            assigned=data.get("assigned") or "",
        )


class AssignForm(forms.Form):
    """Which plots a leader hands to which official: a former commune, a sheet, a hamlet, whose they are
    now (a reassignment), or the plots ticked in the list (`plot`)."""

    ACTION_ASSIGN = "assign"
    ACTION_UNASSIGN = "unassign"

    official = forms.TypedChoiceField(
        label=_("Giao cho cán bộ"), required=False, coerce=int, empty_value=None, widget=LongSelect
    )
    former_commune = forms.ChoiceField(label=_("Xã cũ"), required=False, widget=LongSelect)
    sheet = forms.CharField(
        label=_("Số tờ"), required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    hamlet = forms.CharField(
        label=_("Thôn, xóm"), required=False, max_length=120, widget=forms.TextInput(attrs={"list": "hamlets"})
    )
    assigned = forms.ChoiceField(label=_("Thửa đang giao cho"), required=False, widget=LongSelect)
    only_open = forms.BooleanField(label=_("Chỉ thửa chưa thu thập"), required=False)
    action = forms.ChoiceField(
        choices=[(ACTION_ASSIGN, ACTION_ASSIGN), (ACTION_UNASSIGN, ACTION_UNASSIGN)], required=False
    )

    def __init__(self, *args, former_communes=(), officials=(), plot_ids=(), **kwargs):
        """`plot_ids`: the plots ticked in the list (checked against the scope by the service)."""
        super().__init__(*args, **kwargs)
        self.plot_ids = list(plot_ids)
        self.fields["official"].choices = [("", "—")] + [(pk, label) for pk, label in officials]
        self.fields["former_commune"].choices = [("", _("Tất cả"))] + [(fc.code, fc.label) for fc in former_communes]
        self.fields["assigned"].choices = [
            ("", _("Bất kỳ ai hoặc chưa giao")),
            (ASSIGNED_NONE, _("Chưa giao cho ai")),
        ] + [(str(pk), label) for pk, label in officials]

    def clean(self):
        data = super().clean()
        action = data.get("action") or self.ACTION_ASSIGN
        data["action"] = action
        if action == self.ACTION_ASSIGN and not data.get("official"):
            self.add_error("official", _("Hãy chọn cán bộ được giao."))
        chosen = self.plot_ids or any(data.get(key) for key in ("former_commune", "sheet", "hamlet", "assigned"))
        if not chosen:
            self.add_error(
                None,
                _("Hãy chọn thửa: theo xã cũ, số tờ, thôn xóm, người đang được giao, hoặc đánh dấu trong danh sách."),
            )
        return data

    def filters(self) -> PlotFilters:
        data = self.cleaned_data
        return PlotFilters(
            former_commune=data.get("former_commune") or "",
            sheet=data.get("sheet") or "",
            hamlet=data.get("hamlet") or "",
            assigned=data.get("assigned") or "",
            status=STATUS_NOT_COLLECTED if data.get("only_open") else "",
        )
