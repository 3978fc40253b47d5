"""`python manage.py load_demo [--plots N]`: a ready-to-click demo province (DEMO ONLY).

Generates the demo files (once per size), imports them with the contract's own
commands, creates the registration branches, role groups and four demo accounts,
and runs matching. Running it again changes nothing: files of the same size are
reused, a file already imported (same sha256) is not imported again, accounts
and groups are updated in place.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from collection import import_kinds
from collection.models import Role, UserScope, WorkingGroup
from demo import generator as demo
from landdata import imports
from landdata.models import Commune, ImportBatch, Province, RegistrationBranch
from landdata.tabular import sha256_of

DEMO_PASSWORD = "demo12345"  # DEMO ONLY: printed by demo_logins; the command refuses to run without DEBUG
DEMO_SEED = 1
# Wards of the first branch (kiemtra01's), then of each further branch.
FIRST_BRANCH_WARDS = 3
_IMPORTS = {
    "import_assignments": demo.ASSIGNMENTS_FILE,
    "import_registry": demo.REGISTRY_FILE,
    "import_collection": demo.RECORDS_FILE,
}
BRANCH_WARDS = 5


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    first_name: str


DEMO_ACCOUNTS = (
    DemoAccount("canbo01", Role.OFFICIAL, "Cán bộ xã"),
    DemoAccount("totruong01", Role.GROUP_LEADER, "Tổ trưởng"),
    DemoAccount("kiemtra01", Role.REVIEWER, "Cán bộ văn phòng đăng ký"),
    DemoAccount("quantri", Role.ADMIN, "Quản trị tỉnh"),
)

# Django permissions of each role's group (the scope itself is UserScope's job).
# A rule ending in "_" is a prefix ("view_" = every view permission), otherwise a codename.
_ALL_APPS = ("landdata", "collection", "verification")
_COLLECT = ("view_", "add_collectedrecord", "change_collectedrecord", "add_scan")
ROLE_PERMISSIONS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    Role.ADMIN: tuple((app, ("add_", "change_", "delete_", "view_")) for app in _ALL_APPS),
    Role.REVIEWER: (
        ("landdata", ("view_",)),
        ("collection", ("view_",)),
        ("verification", ("view_", "change_", "add_")),
    ),
    Role.GROUP_LEADER: (("landdata", ("view_",)), ("collection", _COLLECT)),
    Role.OFFICIAL: (("landdata", ("view_",)), ("collection", _COLLECT)),
}


def _granted(codename: str, rules: tuple[str, ...]) -> bool:
    return any(codename.startswith(rule) if rule.endswith("_") else codename == rule for rule in rules)


def demo_files_ensure(*, out_dir: Path, plots: int, province_code: str) -> tuple[dict, bool]:
    """The manifest of demo files for `plots` in `out_dir`, generating them unless already there."""
    manifest = demo.demo_manifest(out_dir)
    if (
        manifest
        and manifest.get("plots") == plots
        and manifest.get("seed") == DEMO_SEED
        and manifest.get("generator") == demo.GENERATOR_VERSION
        and manifest.get("province_code") == province_code
    ):
        return manifest, False
    demo.demo_generate(out_dir=out_dir, plots=plots, seed=DEMO_SEED, province_code=province_code)
    return demo.demo_manifest(out_dir), True


def demo_branches_ensure(*, province: Province, ward_codes: list[str]) -> list[RegistrationBranch]:
    """Registration branches over the demo wards; only communes without a branch are assigned."""
    existing = set(Commune.objects.filter(code__in=ward_codes).values_list("code", flat=True))
    wards = [code for code in ward_codes if code in existing]
    chunks = [wards[:FIRST_BRANCH_WARDS]] + [
        wards[i : i + BRANCH_WARDS] for i in range(FIRST_BRANCH_WARDS, len(wards), BRANCH_WARDS)
    ]
    branches = []
    for number, codes in enumerate(chunks, start=1):
        if not codes:
            continue
        branch, _created = RegistrationBranch.objects.get_or_create(
            code=f"CN{number:02d}",
            defaults={"name": f"Chi nhánh Văn phòng đăng ký đất đai số {number}", "province": province},
        )
        Commune.objects.filter(code__in=codes, branch__isnull=True).update(branch=branch)
        branches.append(branch)
    return branches


def demo_groups_ensure() -> dict[str, Group]:
    """One Django group per role, named by the role's label, with the role's model permissions."""
    groups = {}
    for role, rules in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=str(Role(role).label))
        wanted = []
        for app, prefixes in rules:
            for perm in Permission.objects.filter(content_type__app_label=app).only("id", "codename"):
                if _granted(perm.codename, prefixes):
                    wanted.append(perm.id)
        group.permissions.set(wanted)
        groups[role] = group
    return groups


def demo_accounts_ensure(
    *, province: Province, first_ward: Commune, branch: RegistrationBranch, groups: dict[str, Group]
) -> list[str]:
    """The four demo accounts with their scopes; the password is reset to the demo password."""
    User = get_user_model()
    working_group = WorkingGroup.objects.filter(commune=first_ward).order_by("name").first()
    scopes = {
        Role.OFFICIAL: {"commune": first_ward, "working_group": None, "branch": None, "province": None},
        Role.GROUP_LEADER: {
            "commune": first_ward,
            "working_group": working_group,
            "branch": None,
            "province": None,
        },
        Role.REVIEWER: {"commune": None, "working_group": None, "branch": branch, "province": None},
        Role.ADMIN: {"commune": None, "working_group": None, "branch": None, "province": province},
    }
    names = []
    for account in DEMO_ACCOUNTS:
        admin = account.role == Role.ADMIN
        user, _created = User.objects.get_or_create(username=account.username)
        user.first_name = account.first_name
        user.is_active = True
        user.is_staff = admin
        user.is_superuser = admin
        if not user.has_usable_password() or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.save()
        UserScope.objects.update_or_create(user=user, defaults={"role": account.role, **scopes[account.role]})
        user.groups.add(groups[account.role])
        names.append(account.username)
    return names


class Command(BaseCommand):
    help = _("Nạp dữ liệu mẫu (chỉ để trình diễn): tạo tệp, nhập, tạo tài khoản mẫu và đối soát.")

    def add_arguments(self, parser):
        parser.add_argument("--plots", type=int, default=3000, help=_("số thửa đất (mặc định 3000)"))
        parser.add_argument("--force", action="store_true", help=_("chạy cả khi DEBUG tắt"))
        parser.add_argument(
            "--use-worker",
            action="store_true",
            help=_("đối soát qua Celery worker đang chạy thay vì chạy ngay trong tiến trình này"),
        )

    def handle(self, *args, plots: int, force: bool, use_worker: bool, verbosity: int = 1, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _("load_demo tạo tài khoản với mật khẩu mẫu: chỉ chạy khi DEBUG bật (hoặc thêm --force).")
            )
        if plots < 1:
            raise CommandError(_("--plots phải lớn hơn 0"))
        province_code = str(settings.PROVINCE_CODE)
        out_dir = Path(settings.VAR_DIR) / "demo"
        manifest, generated = demo_files_ensure(out_dir=out_dir, plots=plots, province_code=province_code)
        log = self.stdout if verbosity >= 2 else io.StringIO()
        # The real 2025 units first: the assignment list is checked against them.
        call_command("load_admin_units", "--province", province_code, stdout=log, stderr=self.stderr)
        imported = self._import(out_dir, "import_assignments", import_kinds.ASSIGNMENTS, log)
        first_ward = Commune.objects.filter(code=manifest["first_ward"]).first()
        if first_ward is None:
            raise CommandError(_("Không thấy phường %(code)s sau khi nhập.") % {"code": manifest["first_ward"]})
        # Accounts before the records, so that imported records link to canbo01's account.
        with transaction.atomic():
            province, _created = Province.objects.get_or_create(
                code=province_code, defaults={"name": getattr(settings, "PROVINCE_NAME", "Bắc Ninh")}
            )
            branches = demo_branches_ensure(province=province, ward_codes=manifest["ward_codes"])
            groups = demo_groups_ensure()
            accounts = demo_accounts_ensure(province=province, first_ward=first_ward, branch=branches[0], groups=groups)
        imported += self._import(out_dir, "import_registry", imports.REGISTRY, log)
        imported += self._import(out_dir, "import_collection", import_kinds.COLLECTION, log)
        if use_worker or settings.CELERY_TASK_ALWAYS_EAGER:
            call_command("run_matching", wait=True, stdout=log, stderr=self.stderr)
        else:
            # No worker is running yet while the demo loads: match in this process.
            eager = current_app.conf.task_always_eager
            current_app.conf.task_always_eager = True
            try:
                with override_settings(CELERY_TASK_ALWAYS_EAGER=True):
                    call_command("run_matching", wait=True, stdout=log, stderr=self.stderr)
            finally:
                current_app.conf.task_always_eager = eager
        self.stdout.write(
            _(
                "Dữ liệu mẫu sẵn sàng: %(plots)d thửa (%(files)s), %(imported)d tệp mới nhập, "
                "%(branches)d chi nhánh, tài khoản %(accounts)s — xem: python manage.py demo_logins"
            )
            % {
                "plots": plots,
                "files": _("tệp mới tạo") if generated else _("dùng lại tệp có sẵn"),
                "imported": imported,
                "branches": len(branches),
                "accounts": ", ".join(accounts),
            }
        )

    def _import(self, out_dir: Path, command: str, kind: str, log) -> int:
        """Run one import command unless this very file (same sha256) was already imported."""
        path = out_dir / _IMPORTS[command]
        done = ImportBatch.objects.filter(kind=kind, sha256=sha256_of(path), status=ImportBatch.Status.DONE)
        if done.exists():
            return 0
        call_command(command, str(path), stdout=log, stderr=self.stderr)
        return 1
