"""`campaign_report [--commune CODE] [--format json|text]`: the campaign figures of contract §5."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from collection.scope import Area
from landdata.models import Commune
from reports import figures as fig
from reports.text import figures_table


class Command(BaseCommand):
    help = _("In số liệu chiến dịch theo xã (JSON hoặc bảng).")

    def add_arguments(self, parser):
        parser.add_argument("--commune", help=_("mã xã (5 chữ số)"))
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args, commune: str | None = None, format: str = "json", **options):
        if commune is not None:
            code = commune.strip().zfill(5) if commune.strip().isdigit() else commune.strip()
            unit = Commune.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(_("Không có xã/phường mã %(code)s.") % {"code": commune})
            rows = fig.commune_figures(Area.of_communes([unit.code]), only_active=False)
        else:
            rows = fig.commune_figures(Area.province())
        if format == "json":
            payload = [row.as_contract_dict() for row in rows]
            data = payload[0] if commune is not None else payload
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(figures_table(rows, with_total=commune is None))
