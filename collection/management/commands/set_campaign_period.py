"""`python manage.py set_campaign_period START [--end END] [--commune CODE ...]`: the campaign's days."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from collection.campaign import campaign_period_set
from collection.models import CommuneTarget
from landdata.models import Commune


def _date(raw: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CommandError(_("“%(value)s” không phải ngày (dd/mm/yyyy hoặc yyyy-mm-dd)") % {"value": raw})


class Command(BaseCommand):
    help = _("Đặt ngày bắt đầu (và kết thúc, mặc định 90 ngày) chiến dịch cho các xã có chỉ tiêu.")

    def add_arguments(self, parser):
        parser.add_argument("start")
        parser.add_argument("--end")
        parser.add_argument("--commune", action="append", default=[])

    def handle(self, *args, **options):
        starts_on = _date(options["start"])
        ends_on = _date(options["end"]) if options["end"] else None
        if ends_on is not None and ends_on < starts_on:
            raise CommandError(_("ngày kết thúc trước ngày bắt đầu"))
        if options["commune"]:
            communes = Commune.objects.filter(code__in=options["commune"])
        else:
            communes = Commune.objects.filter(code__in=CommuneTarget.objects.values("commune_id"))
        n = campaign_period_set(communes=communes, starts_on=starts_on, ends_on=ends_on)
        self.stdout.write(_("%(n)d xã: chiến dịch từ %(start)s.") % {"n": n, "start": starts_on.strftime("%d/%m/%Y")})
