"""`run_matching [--commune CODE] [--wait]`: queue matching of submitted records (contract §3, §4)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from landdata import normalize
from landdata.models import Commune
from verification import selectors, services
from verification.models import MatchingRun
from verification.tasks import match_batch

# Follow-up runs queued while waiting, for records submitted or edited during the run.
MAX_FOLLOW_UPS = 3


class Command(BaseCommand):
    help = _("Đối soát các bản ghi đã gửi với sổ địa chính (qua Celery).")

    def add_arguments(self, parser):
        parser.add_argument("--commune", help=_("mã xã/phường (5 chữ số)"))
        parser.add_argument("--wait", action="store_true", help=_("chờ đến khi mọi việc đối soát xong"))
        parser.add_argument(
            "--timeout", type=float, default=0, help=_("giây chờ tối đa với --wait (0: không giới hạn)")
        )
        parser.add_argument("--poll", type=float, default=1.0, help=_("giây giữa hai lần kiểm tra tiến độ"))

    def handle(self, *args, commune=None, wait=False, timeout=0, poll=1.0, **options):
        code = None
        if commune is not None:
            code = normalize.commune_code(commune)
            if not Commune.objects.filter(code=code).exists():
                raise CommandError(_("Không có xã/phường mã %(code)s.") % {"code": commune})
        run = services.matching_run_create(commune_code=code)
        match_batch.delay(code, run.pk)
        if not wait:
            total = selectors.submitted_records(commune_code=code).count()
            self.stdout.write(
                _("Đã xếp hàng đối soát %(total)s bản ghi (lượt #%(run)s).") % {"total": total, "run": run.pk}
            )
            return
        run = self._wait(run, code=code, timeout=timeout, poll=poll)
        open_flags = selectors.flags_open_count(commune_code=code)
        self.stdout.write(
            _(
                "Đối soát xong: %(total)s bản ghi, %(matched)s đối soát lại, %(skipped)s không đổi, "
                "%(created)s sai lệch mới, %(closed)s sai lệch đóng, %(open)s sai lệch chưa xử lý."
            )
            % {
                "total": run.total,
                "matched": run.total - run.skipped,
                "skipped": run.skipped,
                "created": run.flags_created,
                "closed": run.flags_closed,
                "open": open_flags,
            }
        )

    def _wait(self, run: MatchingRun, *, code: str | None, timeout: float, poll: float) -> MatchingRun:
        """Poll the database: the run's chunks all done and no submitted record left unmatched."""
        started = time.monotonic()
        last = None
        follow_ups = 0
        first = run
        stalled_since = time.monotonic()
        while True:
            run.refresh_from_db()
            progress = (run.done, run.total, run.status)
            if progress != last:
                last, stalled_since = progress, time.monotonic()
                self.stderr.write(
                    _("Tiến độ: %(done)s/%(total)s bản ghi (%(pct)s%%)")
                    % {"done": run.done, "total": run.total, "pct": run.percent_done}
                )
            if run.status == MatchingRun.Status.DONE:
                if not selectors.records_needing_match(commune_code=code).exists():
                    first.refresh_from_db()
                    return first
                if follow_ups < MAX_FOLLOW_UPS:
                    follow_ups += 1
                    run = services.matching_run_create(commune_code=code)
                    match_batch.delay(code, run.pk)
                    last = None
                    continue
                self.stderr.write(_("Một số bản ghi vừa được sửa trong lúc đối soát; lượt quét định kỳ sẽ xử lý."))
                first.refresh_from_db()
                return first
            if time.monotonic() - stalled_since > 30:
                self.stderr.write(_("Chưa có tiến triển — Celery worker có đang chạy không? (celery -A config worker)"))
                stalled_since = time.monotonic()
            if timeout and time.monotonic() - started > timeout:
                raise CommandError(
                    _("Hết thời gian chờ đối soát (%(done)s/%(total)s).") % {"done": run.done, "total": run.total}
                )
            time.sleep(poll)
