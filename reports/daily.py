"""The leaders' daily report (issue 17.5): one page per commune, or for the province (or a branch).

Today's figures against pace, the contract §5 outcomes, the five units furthest behind (communes
for the province, groups and officials for a commune) and the oldest open flags. The same report is
a page, an XLSX and, each morning, an e-mail to the leaders (`reports.tasks.send_daily_reports`,
only when `DAILY_REPORT_EMAIL` is on). A fixed number of queries: the pace figures, one count of
the plots first collected today, one query for the oldest flags.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from collection.models import Role, UserScope
from collection.scope import Area, Reach
from landdata.models import Commune
from reports import figures as fig
from reports import pace_figures
from reports.exports import _open_workbook, _Sheet
from verification.models import OPEN_STATUSES, Flag, PlotOutcome

BEHIND = 5
OLDEST_FLAGS = 10


@dataclass
class DailyReport:
    title: str
    day: dt.date
    figures: fig.Figures
    collected_today: int
    pace: pace_figures.PaceRow | None  # the unit's own line (None for a province without periods)
    behind: list[pace_figures.PaceRow] = field(default_factory=list)
    behind_officials: list[pace_figures.PaceRow] = field(default_factory=list)
    oldest_flags: list[Flag] = field(default_factory=list)
    commune_code: str = ""

    @property
    def pace_rows(self) -> list[pace_figures.PaceRow]:
        return [self.pace] if self.pace is not None else []


def _today_count(area: Area, day: dt.date, commune: Commune | None) -> int:
    qs = PlotOutcome.objects.filter(first_collected_on=day)
    if commune is not None:
        return qs.filter(commune_id=commune.code).count()
    if area.reach is Reach.COMMUNES:
        qs = qs.filter(commune_id__in=area.communes)
    return qs.count()


def _oldest_flags(area: Area, commune: Commune | None) -> list[Flag]:
    qs = Flag.objects.filter(status__in=OPEN_STATUSES).select_related("former_commune", "record")
    if commune is not None:
        qs = qs.filter(commune_id=commune.code)
    elif area.reach is Reach.COMMUNES:
        qs = qs.filter(commune_id__in=area.communes)
    if area.working_group_id is not None:
        qs = qs.filter(former_commune__assignment__working_group_id=area.working_group_id)
    return list(qs.order_by("created_at", "pk")[:OLDEST_FLAGS])


def commune_report(commune: Commune, area: Area, *, day: dt.date | None = None) -> DailyReport:
    day = day or timezone.localdate()
    detail = pace_figures.commune_detail(commune, area, today=day)
    figures, _groups = fig.commune_and_groups(commune=commune)
    return DailyReport(
        title=commune.name,
        day=day,
        figures=figures,
        collected_today=_today_count(area, day, commune),
        pace=detail.commune,
        behind=[row for row in detail.groups if row.pace is not None][:BEHIND],
        behind_officials=[row for row in detail.officials if row.pace is not None][:BEHIND],
        oldest_flags=_oldest_flags(area, commune),
        commune_code=commune.code,
    )


def province_report(area: Area, *, title: str, day: dt.date | None = None) -> DailyReport:
    day = day or timezone.localdate()
    rows = pace_figures.commune_paces(area, today=day)
    total = fig.total_figures(fig.commune_figures(area), name=title)
    return DailyReport(
        title=title,
        day=day,
        figures=total,
        collected_today=_today_count(area, day, None),
        pace=None,
        behind=[row for row in rows if row.pace is not None][:BEHIND],
        oldest_flags=_oldest_flags(area, None),
    )


SUMMARY_ROWS = (
    ("target_plots", _l("Chỉ tiêu")),
    ("collected_plots", _l("Đã thu thập")),
    ("collected_today", _l("Thu thập hôm nay")),
    ("percent_of_target", _l("Đạt (% chỉ tiêu)")),
    ("verified", _l("Đã xác minh")),
    ("enriched", _l("Đã bổ sung")),
    ("cleaned", _l("Đã làm sạch")),
    ("pending_review", _l("Chờ xử lý")),
    ("not_in_registry", _l("Không có trong sổ")),
    ("open_flags", _l("Sai lệch chưa xử lý")),
)


def summary_values(report: DailyReport) -> list[tuple[str, object]]:
    """The headline figures, in words and numbers, for the page, the XLSX and the e-mail."""
    data = report.figures.as_contract_dict()
    data["collected_today"] = report.collected_today
    return [(str(label), data[key]) for key, label in SUMMARY_ROWS]


def report_xlsx(report: DailyReport, path: str) -> int:
    """Write the report to `path`; returns the rows of its three sheets."""
    book = _open_workbook(path)
    summary = _Sheet(book, str(_("Tóm tắt")), [report.title, report.day.strftime("%d/%m/%Y")], [34, 14])
    for label, value in summary_values(report):
        summary.write([label, value])
    if report.pace and report.pace.pace:
        p = report.pace.pace
        for label, value in (
            (_("Cần đạt đến hôm nay"), p.expected),
            (_("Sớm/chậm (thửa)"), p.ahead_plots),
            (_("Sớm/chậm (ngày)"), p.ahead_days),
            (_("Tốc độ 7 ngày (thửa/ngày)"), p.rate_7d),
        ):
            summary.write([str(label), value])
    behind = _Sheet(
        book,
        str(_("Chậm nhất")),
        [
            str(_("Đơn vị")),
            str(_("Chỉ tiêu")),
            str(_("Đã thu thập")),
            str(_("Cần đạt đến hôm nay")),
            str(_("Sớm/chậm (thửa)")),
            str(_("Sớm/chậm (ngày)")),
        ],
        [30, 10, 12, 14, 12, 12],
    )
    for row in report.behind + report.behind_officials:
        assert row.pace is not None
        behind.write(
            [
                row.name,
                row.pace.target,
                row.pace.collected,
                row.pace.expected,
                row.pace.ahead_plots,
                row.pace.ahead_days,
            ]
        )
    behind.finish()
    flags = _Sheet(
        book,
        str(_("Sai lệch lâu nhất")),
        [str(_("Xã cũ")), str(_("Số tờ")), str(_("Số thửa")), str(_("Sai lệch")), str(_("Từ ngày"))],
        [20, 7, 8, 30, 12],
    )
    for flag in report.oldest_flags:
        flags.write(
            [
                flag.former_commune.name,
                flag.record.map_sheet,
                flag.record.plot_number,
                flag.get_code_display(),
                timezone.localtime(flag.created_at).strftime("%d/%m/%Y"),
            ]
        )
    flags.finish()
    book.close()
    return summary.row + behind.row + flags.row - 3


def send_daily_reports(*, day: dt.date | None = None) -> int:
    """E-mail each leader (province admins, group leaders) with an address their report; returns how many.

    Off unless `DAILY_REPORT_EMAIL` (on by default when `EMAIL_HOST` is set in the environment)."""
    if not getattr(settings, "DAILY_REPORT_EMAIL", False):
        return 0
    day = day or timezone.localdate()
    sent = 0
    scopes = (
        UserScope.objects.filter(Q(role=Role.ADMIN) | Q(role=Role.GROUP_LEADER), user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "commune")
    )
    reports: dict[str, DailyReport] = {}
    for scope in scopes:
        if scope.role == Role.ADMIN:
            area = Area.province()
            key = "province"
            if key not in reports:
                reports[key] = province_report(area, title=str(_("Toàn tỉnh")), day=day)
        else:
            if scope.commune is None:
                continue
            area = Area.of_communes([scope.commune.code], working_group_id=scope.working_group_id)
            key = f"{scope.commune.code}:{scope.working_group_id or ''}"
            if key not in reports:
                reports[key] = commune_report(scope.commune, area, day=day)
        report = reports[key]
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string("reports/daily_email.txt", {"report": report, "summary": summary_values(report)})
            subject = _("Báo cáo ngày %(day)s — %(name)s") % {"day": day.strftime("%d/%m/%Y"), "name": report.title}
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [scope.user.email])
        sent += 1
    return sent
