"""`python manage.py demo_logins`: the demo accounts, their password and what each one sees."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from collection.models import Role, UserScope
from demo.management.commands.load_demo import DEMO_ACCOUNTS, DEMO_PASSWORD


def _sees(scope: UserScope | None) -> str:
    """One line on what the account's scope shows, from its UserScope row."""
    if scope is None:
        return _("(chưa tạo — chạy: python manage.py load_demo)")
    if scope.role == Role.OFFICIAL:
        return _("%(commune)s: thửa được giao, biểu mẫu thu thập, ảnh GCN/CCCD") % {"commune": scope.commune}
    if scope.role == Role.GROUP_LEADER:
        return _("%(group)s, %(commune)s: như cán bộ xã, cộng tiến độ của tổ và ai thu thập gì") % {
            "group": scope.working_group or "—",
            "commune": scope.commune,
        }
    if scope.role == Role.REVIEWER:
        count = scope.branch.communes.count() if scope.branch else 0
        return _("%(branch)s (%(count)d xã/phường): hàng đợi sai lệch, quyết định, xuất dữ liệu và ảnh") % {
            "branch": scope.branch,
            "count": count,
        }
    return _("Toàn tỉnh %(province)s: nhập dữ liệu, tài khoản, mọi bảng điều khiển, trang /quan-tri/") % {
        "province": scope.province.name if scope.province else ""
    }


class Command(BaseCommand):
    help = _("In bảng tài khoản mẫu: vai trò, tên đăng nhập, mật khẩu, phạm vi nhìn thấy.")

    def handle(self, *args, **options):
        users = {
            u.username: u for u in get_user_model().objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
        }
        scopes = {
            s.user_id: s
            for s in UserScope.objects.filter(user__in=users.values()).select_related(
                "commune", "working_group", "branch", "province"
            )
        }
        rows = [(_("Vai trò"), _("Tài khoản"), _("Mật khẩu"), _("Nhìn thấy"))]
        for account in DEMO_ACCOUNTS:
            user = users.get(account.username)
            scope = scopes.get(user.pk) if user else None
            rows.append((str(Role(account.role).label), account.username, DEMO_PASSWORD, _sees(scope)))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write(_("Tài khoản mẫu (CHỈ ĐỂ TRÌNH DIỄN):"))
        for i, row in enumerate(rows):
            cells = [cell.ljust(widths[j]) for j, cell in enumerate(row[:3])] + [row[3]]
            self.stdout.write("  ".join(cells))
            if i == 0:
                self.stdout.write("  ".join("-" * w for w in widths) + "  " + "-" * 20)
