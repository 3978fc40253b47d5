"""Excel exports of a commune, written row by row (XlsxWriter constant_memory) to a file on disk.

Two layouts:
- `plots_xlsx_write`: one row per assigned plot (then the collected keys not in the
  registry) with the collected values, the outcome and the open flag codes — for the
  registration office and for officials checking their own work;
- `office_xlsx_write`: the registration office's entry layout, one row per certificate
  with every holder and the plot; the registry's values (with accepted corrections)
  completed by the campaign's enrichments (CCCD, full birth date, diacritics), listed
  in a last column so the office sees what it is adding.

Rows come from `.iterator(chunk_size=2000)` with prefetches (Django ≥ 4.1 prefetches
per chunk), so memory stays flat whatever the commune's size. ID numbers are masked
unless the user's role needs them (reviewers, admins).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import xlsxwriter
from django.db.models import Count, Max, OuterRef, Prefetch, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from collection.export_log import export_log_write
from collection.models import CertificateStatus, CollectedRecord, ExportLog, Role
from collection.scope import restrict, user_scope
from landdata import normalize
from landdata.models import Certificate, Commune, FormerCommune, LandUser, Plot
from verification.models import OPEN_STATUSES, Enrichment, EnrichmentKind, Flag, Outcome, PlotOutcome

CHUNK = 2000
MAX_HOLDERS = 6
FULL_ID_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})


def sees_full_ids(user) -> bool:
    """Reviewers and admins need full ID numbers to enter them in the registry; others see them masked."""
    return user_scope(user).role in FULL_ID_ROLES


def _id_text(value: str, *, full: bool) -> str:
    return normalize.clean_id(value) if full else normalize.mask_id(value)


def _date_text(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


@dataclass
class _Sheet:
    """A worksheet written in row order with a bold, frozen header."""

    book: xlsxwriter.Workbook
    name: str
    headers: list[str]
    widths: list[int]

    def __post_init__(self) -> None:
        self.ws = self.book.add_worksheet(self.name)
        self.row = 0
        self.number = self.book.add_format({"num_format": "#,##0.0"})
        head = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF4"})
        for col, width in enumerate(self.widths):
            self.ws.set_column(col, col, width)
        self.ws.freeze_panes(1, 0)
        self.ws.write_row(0, 0, self.headers, head)
        self.row = 1

    def write(self, values: list) -> None:
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                self.ws.write_number(self.row, col, value, self.number if isinstance(value, float) else None)
            else:
                # Text always as text: "012" or an ID number must not become a number.
                self.ws.write_string(self.row, col, str(value))
        self.row += 1

    def finish(self) -> None:
        if self.row > 1:
            self.ws.autofilter(0, 0, self.row - 1, len(self.headers) - 1)


def _open_workbook(path: str) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})


# --- plots with collected values -------------------------------------------------

PLOT_HEADERS = [
    (_l("Mã xã cũ"), 9),
    (_l("Số tờ"), 7),
    (_l("Số thửa"), 8),
    (_l("Xã cũ (nay thuộc)"), 34),
    (_l("Chủ sử dụng (sổ địa chính)"), 30),
    (_l("Diện tích sổ (m²)"), 11),
    (_l("Mục đích sổ"), 10),
    (_l("Họ tên người đứng tên"), 26),
    (_l("Ngày/năm sinh"), 11),
    (_l("Số CCCD"), 15),
    (_l("Số CMND cũ"), 12),
    (_l("Họ tên đồng sở hữu"), 26),
    (_l("Số CCCD đồng sở hữu"), 15),
    (_l("Số phát hành GCN"), 14),
    (_l("Số vào sổ"), 11),
    (_l("Diện tích thu thập (m²)"), 11),
    (_l("Mục đích thu thập"), 10),
    (_l("Người đang sử dụng"), 22),
    (_l("Tình trạng GCN"), 14),
    (_l("Chủ ở xa"), 8),
    (_l("Người thu thập"), 14),
    (_l("Ngày thu thập"), 11),
    (_l("Kết quả"), 16),
    (_l("Sai lệch chưa xử lý"), 40),
]


def _outcome_subquery() -> Subquery:
    return Subquery(
        PlotOutcome.objects.filter(
            former_commune_id=OuterRef("former_commune_id"),
            sheet_key=OuterRef("sheet_key"),
            number_key=OuterRef("number_key"),
        ).values("outcome")[:1]
    )


RECORD_EXPORT_FIELDS = (
    "id",
    "plot_id",
    "former_commune_id",
    "map_sheet",
    "plot_number",
    "sheet_key",
    "number_key",
    "holder_name",
    "holder_birth_year",
    "holder_birth_date",
    "holder_id_number",
    "holder_old_id_number",
    "co_holder_name",
    "co_holder_id_number",
    "certificate_serial",
    "certificate_book_number",
    "area_m2",
    "land_use",
    "actual_user_name",
    "certificate_status",
    "owner_far_away",
    "collected_by",
    "collected_on",
)


def _collected_cells(record: CollectedRecord | None, *, full: bool, labels: dict[str, str]) -> list:
    """The collected columns; `labels` are translated once per export, not once per row."""
    if record is None:
        return [""] * 15
    return [
        record.holder_name,
        normalize.birth_text(record.holder_birth_year, record.holder_birth_date),
        _id_text(record.holder_id_number, full=full),
        _id_text(record.holder_old_id_number, full=full),
        record.co_holder_name,
        _id_text(record.co_holder_id_number, full=full),
        record.certificate_serial,
        record.certificate_book_number,
        float(record.area_m2) if record.area_m2 is not None else "",
        record.land_use,
        record.actual_user_name,
        labels.get(record.certificate_status, record.certificate_status),
        labels["yes"] if record.owner_far_away else "",
        record.collected_by,
        _date_text(record.collected_on),
    ]


def plot_export_rows(*, commune: Commune, user, people: set[int] | None = None) -> Iterator[list]:
    """Rows of the plot export: assigned plots in key order, then collected keys not in the registry.
    `people` collects the land users the rows name (for the export log), without a query more."""
    full = sees_full_ids(user)
    outcome_labels = {key: str(label) for key, label in Outcome.choices}
    not_collected = str(_("Chưa thu thập"))
    labels = {key: str(label) for key, label in CertificateStatus.choices} | {"yes": str(_("Có"))}
    records = (
        CollectedRecord.objects.exclude(status=CollectedRecord.Status.DRAFT)
        .only(*RECORD_EXPORT_FIELDS)
        .order_by("-collected_on", "-pk")
    )
    open_flags = (
        Flag.objects.filter(status__in=OPEN_STATUSES).only("id", "plot_id", "record_id", "code").order_by("code")
    )
    plots = (
        restrict(Plot.objects.filter(former_commune__assignment__commune=commune), user)
        .annotate(outcome=_outcome_subquery())
        .order_by("former_commune_id", "sheet_key", "number_key")
        .prefetch_related(
            Prefetch(
                "land_users",
                queryset=LandUser.objects.only("id", "plot_id", "full_name").order_by("pk"),
                to_attr="owners",
            ),
            Prefetch("collected_records", queryset=records, to_attr="records"),
            Prefetch("flags", queryset=open_flags, to_attr="open_flag_list"),
        )
    )
    former_labels = {
        fc.code: fc.label for fc in FormerCommune.objects.filter(assignment__commune=commune).select_related("commune")
    }
    for plot in plots.iterator(chunk_size=CHUNK):
        record = plot.records[0] if plot.records else None
        codes = sorted({f.code for f in plot.open_flag_list})
        if people is not None:
            people.update(o.pk for o in plot.owners)
        yield [
            plot.former_commune_id,
            plot.map_sheet,
            plot.plot_number,
            former_labels.get(plot.former_commune_id, ""),
            "; ".join(o.full_name for o in plot.owners),
            float(plot.area_m2),
            plot.land_use,
            *_collected_cells(record, full=full, labels=labels),
            outcome_labels.get(plot.outcome, "") if plot.outcome else not_collected,
            ", ".join(codes),
        ]
    # Keys collected but not in the registry: one row per key (its latest record).
    missing = (
        restrict(records.filter(plot__isnull=True, former_commune__assignment__commune=commune), user)
        .annotate(outcome=_outcome_subquery())
        .order_by("former_commune_id", "sheet_key", "number_key", "-collected_on", "-pk")
        .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flag_list"))
    )
    last_key = None
    for record in missing.iterator(chunk_size=CHUNK):
        key = (record.former_commune_id, record.sheet_key, record.number_key)
        if key == last_key:
            continue
        last_key = key
        yield [
            record.former_commune_id,
            record.map_sheet,
            record.plot_number,
            former_labels.get(record.former_commune_id, ""),
            "",
            "",
            "",
            *_collected_cells(record, full=full, labels=labels),
            outcome_labels.get(record.outcome or Outcome.NOT_IN_REGISTRY, ""),
            ", ".join(sorted({f.code for f in record.open_flag_list})),
        ]


def plots_xlsx_write(*, path: str, commune: Commune, user, people: set[int] | None = None) -> int:
    """Write the plot export of `commune` as seen by `user`; returns the number of data rows."""
    book = _open_workbook(path)
    sheet = _Sheet(book, _("Thửa đất"), [str(h) for h, _w in PLOT_HEADERS], [w for _h, w in PLOT_HEADERS])
    count = 0
    for row in plot_export_rows(commune=commune, user=user, people=people):
        sheet.write(row)
        count += 1
    sheet.finish()
    book.close()
    return count


# --- registration office entry layout --------------------------------------------

HOLDER_HEADERS = [
    (_l("Họ tên chủ %(n)s"), 26),
    (_l("Năm sinh chủ %(n)s"), 11),
    (_l("Giới tính chủ %(n)s"), 8),
    (_l("Số giấy tờ chủ %(n)s"), 15),
    (_l("Địa chỉ chủ %(n)s"), 30),
]
PLOT_TAIL_HEADERS = [
    (_l("Số tờ"), 7),
    (_l("Số thửa"), 8),
    (_l("Địa chỉ thửa đất"), 30),
    (_l("Diện tích (m²)"), 11),
    (_l("Mục đích sử dụng"), 12),
    (_l("Hình thức sử dụng"), 14),
    (_l("Thời hạn sử dụng"), 12),
]


def _sex(holder: LandUser) -> str:
    """From the CCCD's century digit when the registry holds a valid CCCD; unknown otherwise."""
    if holder.id_kind != LandUser.IdKind.CCCD:
        return ""
    return _sex_of(holder.id_number)


def _sex_of(id_number: str) -> str:
    number = normalize.clean_id(id_number)
    if normalize.classify_id(number) is not normalize.IdKind.CCCD:
        return ""
    return str(_("Nam")) if normalize.cccd_is_male(number) else str(_("Nữ"))


@dataclass(frozen=True)
class HolderValues:
    name: str
    birth: str
    sex: str
    id_number: str
    address: str
    added: tuple[str, ...]


ENRICHING_KINDS = (EnrichmentKind.CCCD, EnrichmentKind.BIRTH_DATE, EnrichmentKind.DIACRITICS)


def holder_values(holder: LandUser) -> HolderValues:
    """The registry's values of a holder completed with what the campaign added (the latest
    enrichment of each kind from a submitted record): a CCCD where the registry had none or only
    a CMND, a full birth date where it had a year, the name with its diacritics."""
    name, birth, id_number = (
        holder.full_name,
        normalize.birth_text(holder.birth_year, holder.birth_date),
        holder.id_number,
    )
    added: list[str] = []
    seen: set[str] = set()
    for item in getattr(holder, "enrichment_list", ()):
        if item.kind in seen or not item.collected_value:
            continue
        seen.add(item.kind)
        if item.kind == EnrichmentKind.CCCD and holder.id_kind != LandUser.IdKind.CCCD:
            id_number = item.collected_value
            added.append("cccd")
        elif item.kind == EnrichmentKind.BIRTH_DATE and not holder.birth_date:
            birth = item.collected_value
            added.append("birth_date")
        elif item.kind == EnrichmentKind.DIACRITICS:
            name = item.collected_value
            added.append("diacritics")
    ordered = tuple(str(kind) for kind in ENRICHING_KINDS if str(kind) in added)
    return HolderValues(name, birth, _sex_of(id_number), id_number, holder.address, ordered)


def office_headers(holders: int) -> list[tuple[str, int]]:
    head = [(str(_("Mã xã")), 7), (str(_("Số phát hành GCN")), 14), (str(_("Ngày cấp")), 11), (str(_("Số vào sổ")), 11)]
    for n in range(1, holders + 1):
        head += [(h % {"n": n}, w) for h, w in HOLDER_HEADERS]
    return head + [(str(h), w) for h, w in PLOT_TAIL_HEADERS] + [(str(_("Bổ sung từ thu thập")), 40)]


def _certificates(*, commune: Commune, user):
    return restrict(Certificate.objects.filter(plot__former_commune__assignment__commune=commune), user)


def office_export_rows(*, commune: Commune, user, holders: int, people: set[int] | None = None) -> Iterator[list]:
    """One row per certificate of the commune's assigned plots: registry values (with accepted
    corrections) completed by the campaign's enrichments, which the last column lists."""
    full = sees_full_ids(user)
    added_labels = {"cccd": _("CCCD"), "birth_date": _("ngày sinh"), "diacritics": _("tên có dấu")}
    enrichments = (
        Enrichment.objects.filter(kind__in=ENRICHING_KINDS)
        .exclude(record__status=CollectedRecord.Status.DRAFT)
        .only("id", "land_user_id", "kind", "collected_value")
        .order_by("-record__collected_on", "-pk")
    )
    owners = LandUser.objects.order_by("pk").prefetch_related(
        Prefetch("enrichments", queryset=enrichments, to_attr="enrichment_list")
    )
    certificates = (
        _certificates(commune=commune, user=user)
        .select_related("plot")
        .order_by("plot__former_commune_id", "plot__sheet_key", "plot__number_key", "pk")
        .prefetch_related(Prefetch("holders", queryset=owners, to_attr="holder_list"))
    )
    for cert in certificates.iterator(chunk_size=CHUNK):
        plot = cert.plot
        holder_list = cert.holder_list[:holders]
        if people is not None:
            people.update(h.pk for h in holder_list)
        cells = [commune.code, cert.serial, _date_text(cert.issue_date), cert.book_number]
        notes = []
        for i in range(holders):
            if i < len(holder_list):
                v = holder_values(holder_list[i])
                cells += [v.name, v.birth, v.sex, _id_text(v.id_number, full=full), v.address]
                notes += [f"{added_labels[a]} {_('chủ')} {i + 1}" for a in v.added]
            else:
                cells += ["", "", "", "", ""]
        shared = len(cert.holder_list) > 1
        cells += [
            plot.map_sheet,
            plot.plot_number,
            plot.address,
            float(plot.area_m2),
            plot.land_use.replace(",", "+"),
            str(_("Sử dụng chung")) if shared else str(_("Sử dụng riêng")),
            str(_("Lâu dài")),
            "; ".join(notes),
        ]
        yield cells


def office_holder_columns(*, commune: Commune, user) -> int:
    """How many holder column groups the sheet needs (the most holders on one certificate, 1..6)."""
    most = _certificates(commune=commune, user=user).annotate(n=Count("holders")).aggregate(most=Max("n"))["most"]
    return max(1, min(MAX_HOLDERS, most or 1))


def office_xlsx_write(*, path: str, commune: Commune, user, people: set[int] | None = None) -> int:
    holders = office_holder_columns(commune=commune, user=user)
    headers = office_headers(holders)
    book = _open_workbook(path)
    sheet = _Sheet(book, _("Nhập liệu VPĐK"), [h for h, _w in headers], [w for _h, w in headers])
    count = 0
    for row in office_export_rows(commune=commune, user=user, holders=holders, people=people):
        sheet.write(row)
        count += 1
    sheet.finish()
    book.close()
    return count


# --- written and logged ------------------------------------------------------------


def commune_xlsx_export(*, kind: str, path: str, commune: Commune, user, ip_address: str | None = None) -> int:
    """Write one of the commune's Excel exports and log it (who, when, which commune, whom it named):
    the views call this, never the writers alone. `kind` is ExportLog.Kind.PLOTS_XLSX or OFFICE_XLSX."""
    write = plots_xlsx_write if kind == ExportLog.Kind.PLOTS_XLSX else office_xlsx_write
    people: set[int] = set()
    rows = write(path=path, commune=commune, user=user, people=people)
    export_log_write(
        user=user,
        kind=kind,
        land_user_ids=people,
        rows=rows,
        scope=str(_("xã/phường %(code)s") % {"code": commune.code}),
        commune=commune,
        full_ids=sees_full_ids(user),
        ip_address=ip_address,
    )
    return rows
