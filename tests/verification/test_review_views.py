"""Review desk pages: roles, scope, filters, counts, constant queries, decisions over HTTP."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collection.models import CollectedRecord, DocumentAccess, Role
from landdata.models import LandUser
from tests.factories import CollectedRecordFactory, FormerCommuneFactory, PlotFactory, user_with_scope
from tests.verification.test_review_services import build_desk
from verification import selectors, services
from verification.models import Flag, FlagDecision

pytestmark = pytest.mark.django_db

QUEUE = reverse("verification:queue")


@pytest.fixture
def desk():
    return build_desk()


def login(client, user):
    client.force_login(user)
    return client


def _flagged_records(desk, n: int, *, start: int = 500, former=None) -> list[Flag]:
    """n records in ward A, each with a high name flag and a low land-use flag."""
    former = former or desk.record.former_commune
    flags = []
    for i in range(n):
        plot = PlotFactory(former_commune=former, map_sheet="7", plot_number=str(start + i))
        LandUser.objects.create(registry_id=f"X{former.code}-{start + i}", plot=plot, full_name="Lê Văn Cường")
        record = CollectedRecordFactory(
            former_commune=former,
            map_sheet="7",
            plot_number=str(start + i),
            plot=plot,
            holder_name="Lê Văn Cương",
            holder_id_number="001060012345",
        )
        flags.append(desk.flag(record=record, land_user=None))
        flags.append(
            desk.flag(
                "LAND_USE_MISMATCH",
                record=record,
                field="land_use",
                severity="low",
                registry_value="ONT",
                collected_value="ONT+CLN",
                land_user=None,
            )
        )
    return flags


# --- roles and scope ---------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get(QUEUE)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.GROUP_LEADER])
def test_officials_get_403_on_queue_and_review(client, desk, role):
    user = user_with_scope(role, commune=desk.record.former_commune.commune)
    login(client, user)
    assert client.get(QUEUE).status_code == 403
    assert client.get(reverse("verification:record_review", kwargs={"record_id": desk.record.pk})).status_code == 403
    flag = desk.flag()
    response = client.post(
        reverse("verification:flag_decide", kwargs={"flag_id": flag.pk}), {"decision": "keep", "version": 1}
    )
    assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.status == "open"


def test_user_without_scope_gets_403(client, desk):
    from tests.factories import UserFactory

    user = UserFactory()
    user.save()
    login(client, user)
    assert client.get(QUEUE).status_code == 403


def test_superuser_without_scope_may_review(client, desk):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    admin.save()
    desk.flag()
    response = login(client, admin).get(QUEUE)
    assert response.status_code == 200
    assert f'id="record-{desk.record.pk}"' in response.content.decode()


def test_reviewer_of_branch_a_gets_404_for_branch_b(client, desk):
    flag_b = desk.flag(record=desk.record_b, land_user=None)
    login(client, desk.reviewer)
    assert client.get(reverse("verification:record_review", kwargs={"record_id": desk.record_b.pk})).status_code == 404
    assert client.get(reverse("verification:plot_flags", kwargs={"record_id": desk.record_b.pk})).status_code == 404
    response = client.post(
        reverse("verification:flag_decide", kwargs={"flag_id": flag_b.pk}), {"decision": "keep", "version": 1}
    )
    assert response.status_code == 404
    flag_b.refresh_from_db()
    assert flag_b.status == "open"


def test_queue_shows_only_scoped_flags(client, desk):
    desk.flag()
    desk.flag(record=desk.record_b, land_user=None)
    body = login(client, desk.reviewer).get(QUEUE).content.decode()
    assert f'id="record-{desk.record.pk}"' in body
    assert f'id="record-{desk.record_b.pk}"' not in body


# --- queue: filters, counts, masking, queries --------------------------------


def _listed(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="record-(\d+)"', response.content.decode())]


def test_filter_by_code_and_counts_per_code(client, desk):
    flags = _flagged_records(desk, 3)
    desk.flag("AREA_MISMATCH", field="area_m2", severity="medium", registry_value="250", collected_value="300")
    login(client, desk.reviewer)
    response = client.get(QUEUE, {"code": "AREA_MISMATCH"})
    assert _listed(response) == [desk.record.pk]
    counts = dict(selectors.code_counts(desk.reviewer, selectors.QueueFilters()))
    assert counts == {"OWNER_NAME_MISMATCH": 3, "LAND_USE_MISMATCH": 3, "AREA_MISMATCH": 1}
    body = response.content.decode()
    # Counts ignore the code filter so the other codes stay reachable.
    assert re.search(r'data-code="OWNER_NAME_MISMATCH"[^>]*>OWNER_NAME_MISMATCH <span class="count">3<', body)
    assert re.search(r'data-code="AREA_MISMATCH"[^>]*>AREA_MISMATCH <span class="count">1<', body)
    assert len(flags) == 6


def test_filter_by_severity_status_and_age(client, desk):
    flags = _flagged_records(desk, 2)
    old_record = flags[0].record
    Flag.objects.filter(record=old_record).update(created_at=timezone.now() - dt.timedelta(days=10))
    services.flag_decide(user=desk.reviewer, flag_id=flags[2].pk, expected_version=1, decision="keep")
    services.flag_decide(user=desk.reviewer, flag_id=flags[3].pk, expected_version=1, decision="keep")
    login(client, desk.reviewer)
    assert _listed(client.get(QUEUE, {"older_than": 7})) == [old_record.pk]
    assert _listed(client.get(QUEUE)) == [old_record.pk]  # default: open + returned only
    assert _listed(client.get(QUEUE, {"status": "kept"})) == [flags[2].record_id]
    assert _listed(client.get(QUEUE, {"severity": "low"})) == [old_record.pk]


def test_filter_by_commune_and_former_commune(client, desk):
    ward = desk.record.former_commune.commune
    second_former = FormerCommuneFactory(code="09002", commune=ward)
    in_second = _flagged_records(desk, 1, former=second_former)[0].record
    desk.flag()
    login(client, desk.reviewer)
    assert _listed(client.get(QUEUE, {"former_commune": "09002"})) == [in_second.pk]
    assert set(_listed(client.get(QUEUE, {"commune": ward.code}))) == {in_second.pk, desk.record.pk}
    # A commune outside the scope is not a valid choice: that filter falls back to the scope, the others hold.
    assert set(_listed(client.get(QUEUE, {"commune": desk.record_b.former_commune.commune_id}))) == {
        in_second.pk,
        desk.record.pk,
    }
    assert _listed(
        client.get(QUEUE, {"commune": desk.record_b.former_commune.commune_id, "former_commune": "09002"})
    ) == [in_second.pk]


def test_sort_by_plot_key_and_severity(client, desk):
    flags = _flagged_records(desk, 3, start=8)  # plot numbers 8, 9, 10: natural order, not text order
    records = [flags[i].record_id for i in (0, 2, 4)]
    login(client, desk.reviewer)
    assert _listed(client.get(QUEUE, {"sort": "plot"})) == records
    desk.flag("CERTIFICATE_STATUS", field="certificate_status", severity="low", land_user=None)
    by_severity = _listed(client.get(QUEUE, {"sort": "severity"}))
    assert by_severity[-1] == desk.record.pk


def test_ids_masked_in_queue(client, desk):
    _flagged_records(desk, 1)
    desk.flag(
        "ID_NUMBER_MISMATCH",
        field="holder_id_number",
        severity="high",
        registry_value="123456789",
        collected_value="001060012345",
    )
    body = login(client, desk.reviewer).get(QUEUE).content.decode()
    assert "001060012345" not in body and "123456789" not in body
    assert "•••••••••345" in body and "••••••789" in body


def test_queue_query_count_is_constant(client, desk, django_assert_max_num_queries):
    login(client, desk.reviewer)
    _flagged_records(desk, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE).status_code == 200
    _flagged_records(desk, 20, start=700)
    with CaptureQueriesContext(connection) as many:
        response = client.get(QUEUE)
    assert len(_listed(response)) == 22
    assert len(many.captured_queries) == len(few.captured_queries)


def test_pagination_is_bounded(client, desk, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    _flagged_records(desk, 5)
    login(client, desk.reviewer)
    first = client.get(QUEUE)
    assert len(_listed(first)) == 2 and "page=2" in first.content.decode()
    third = client.get(QUEUE, {"page": 3})
    assert len(_listed(third)) == 1 and "page=4" not in third.content.decode()
    huge = client.get(QUEUE, {"page": 10**6})
    assert huge.status_code == 200 and _listed(huge) == []


# --- side by side -------------------------------------------------------------


def test_record_review_side_by_side_full_ids_and_access_logged(client, desk):
    desk.flag(similarity=0.62)
    response = login(client, desk.reviewer).get(
        reverse("verification:record_review", kwargs={"record_id": desk.record.pk})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "001060012345" in body and "123456789" in body  # reviewers need the full numbers here
    rows = {row.label: row for row in response.context["rows"]}
    assert rows["Người đứng tên"].differs is True  # "An" vs "Ân": different under the name rule
    assert rows["Số phát hành GCN"].differs is False  # same serial
    assert rows["Diện tích (m²)"].differs is False
    assert 'data-differs="1"' in body
    assert "62%" in body
    access = DocumentAccess.objects.get(record=desk.record)
    assert (access.user, access.action) == (desk.reviewer, "review")


@pytest.mark.parametrize(
    "registry, collected, differs",
    [
        ("Nguyễn Thị Hoà", "NGUYỄN THỊ HÒA", False),  # tone placement and case do not differ
        ("Nguyễn Thị Hoà", "Nguyễn Thị Hoa", True),
    ],
)
def test_name_difference_uses_name_rule(desk, registry, collected, differs):
    LandUser.objects.filter(pk=desk.owner.pk).update(full_name=registry)
    CollectedRecord.objects.filter(pk=desk.record.pk).update(holder_name=collected)
    record = selectors.review_record(desk.reviewer, desk.record.pk)
    rows = {row.label: row for row in selectors.record_comparison(record, [])}
    assert rows["Người đứng tên"].differs is differs


def test_record_review_shows_scans_through_authorised_urls(client, desk):
    from collection.models import Scan

    scan = Scan.objects.create(
        record=desk.record, kind="cert_1", original_name="gcn.jpg", file="scans/x.jpg", sha256="a" * 64, status="ready"
    )
    body = (
        login(client, desk.reviewer)
        .get(reverse("verification:record_review", kwargs={"record_id": desk.record.pk}))
        .content.decode()
    )
    assert reverse("collection:scan_thumbnail", kwargs={"pk": scan.pk}) in body
    assert f'data-full="{reverse("collection:scan_image", kwargs={"pk": scan.pk})}"' in body
    assert "scans/x.jpg" not in body  # never a storage path


def test_accept_offered_only_where_registry_has_the_field(client, desk):
    name_flag = desk.flag()
    user_flag = desk.flag("USER_NOT_HOLDER", field="actual_user_name", severity="low", land_user=None)
    response = login(client, desk.reviewer).get(
        reverse("verification:record_review", kwargs={"record_id": desk.record.pk})
    )
    body = response.content.decode()
    cards = {f: body[body.index(f'id="flag-{f.pk}"') :] for f in (name_flag, user_flag)}
    assert 'value="accept"' in cards[name_flag].split("</form>")[0]
    assert 'value="accept"' not in cards[user_flag].split("</form>")[0]
    assert 'value="keep"' in cards[user_flag].split("</form>")[0]


def test_record_review_shows_history(client, desk):
    flag = desk.flag()
    services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="accept", note="Khớp CCCD")
    body = (
        login(client, desk.reviewer)
        .get(reverse("verification:record_review", kwargs={"record_id": desk.record.pk}))
        .content.decode()
    )
    assert "Khớp CCCD" in body and "full_name" in body and "Nguyễn Văn An" in body


# --- deciding over HTTP -------------------------------------------------------


def test_htmx_decision_rerenders_card_and_outcome(client, desk):
    flag = desk.flag()
    login(client, desk.reviewer)
    response = client.post(
        reverse("verification:flag_decide", kwargs={"flag_id": flag.pk}),
        {"decision": "accept", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="flag-{flag.pk}"' in body and 'data-status="accepted"' in body
    assert 'hx-swap-oob="true"' in body and 'data-outcome="cleaned"' in body


def test_plain_post_redirects_back(client, desk):
    flag = desk.flag()
    login(client, desk.reviewer)
    response = client.post(
        reverse("verification:flag_decide", kwargs={"flag_id": flag.pk}),
        {"decision": "return", "version": 1, "note": "Ảnh mờ"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("verification:record_review", kwargs={"record_id": desk.record.pk})
    flag.refresh_from_db()
    assert flag.status == "returned"


def test_second_reviewer_is_told_and_sees_current_state(client, desk):
    flag = desk.flag()
    services.flag_decide(user=desk.reviewer, flag_id=flag.pk, expected_version=1, decision="keep")
    second = user_with_scope(Role.REVIEWER, branch=desk.record.former_commune.commune.branch)
    login(client, second)
    response = client.post(
        reverse("verification:flag_decide", kwargs={"flag_id": flag.pk}),
        {"decision": "accept", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "Sai lệch này vừa được người khác xử lý" in body
    assert 'data-status="kept"' in body
    assert FlagDecision.objects.filter(flag=flag).count() == 1
    desk.owner.refresh_from_db()
    assert desk.owner.full_name == "Nguyễn Văn An"


def test_missing_note_shows_error_and_changes_nothing(client, desk):
    flag = desk.flag()
    login(client, desk.reviewer)
    response = client.post(
        reverse("verification:flag_decide", kwargs={"flag_id": flag.pk}),
        {"decision": "dismiss", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert "Cần ghi lý do" in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == "open"


def test_bulk_decision_from_queue(client, desk):
    flags = _flagged_records(desk, 3)
    low = [f for f in flags if f.severity == "low"]
    login(client, desk.reviewer)
    response = client.post(
        reverse("verification:bulk_decide"),
        {
            "decision": "dismiss",
            "note": "Đã kiểm tra thực địa",
            "flags": [f"{f.pk}:{f.version}" for f in low],
            "next": QUEUE + "?severity=low",
        },
    )
    assert response.status_code == 302 and response["Location"] == QUEUE + "?severity=low"
    assert set(Flag.objects.filter(pk__in=[f.pk for f in low]).values_list("status", flat=True)) == {"dismissed"}
    assert set(Flag.objects.exclude(pk__in=[f.pk for f in low]).values_list("status", flat=True)) == {"open"}


def test_bulk_decides_what_it_can_says_how_many_and_keeps_the_rest_ticked(client, desk):
    flags = _flagged_records(desk, 1)
    high = [f for f in flags if f.severity != "low"]
    low = [f for f in flags if f.severity == "low"]
    assert high and low
    login(client, desk.reviewer)
    response = client.post(
        reverse("verification:bulk_decide"),
        {"decision": "dismiss", "note": "x", "flags": [f"{f.pk}:1" for f in flags]},
        follow=True,
    )
    body = response.content.decode()
    assert f"Đã xử lý {len(low)} sai lệch." in body
    assert f"{len(high)} sai lệch chưa xử lý, vẫn được chọn: Chỉ xử lý hàng loạt được các sai lệch mức độ thấp." in body
    assert set(Flag.objects.filter(pk__in=[f.pk for f in low]).values_list("status", flat=True)) == {"dismissed"}
    assert set(Flag.objects.filter(pk__in=[f.pk for f in high]).values_list("status", flat=True)) == {"open"}


def test_a_low_flag_the_bulk_accept_does_not_fit_stays_ticked_on_the_queue(client, desk):
    flags = _flagged_records(desk, 1)
    land_use = next(f for f in flags if f.code == "LAND_USE_MISMATCH")
    special = desk.flag(
        "CERTIFICATE_STATUS",
        record=land_use.record,
        severity="low",
        field="certificate_status",
        registry_value="held",
        collected_value="owner_far_away",
        land_user=None,
    )
    login(client, desk.reviewer)
    response = client.post(
        reverse("verification:bulk_decide"),
        {"decision": "accept", "flags": [f"{land_use.pk}:1", f"{special.pk}:1"]},
        follow=True,
    )
    body = response.content.decode()
    assert "Đã xử lý 1 sai lệch." in body and "1 sai lệch chưa xử lý, vẫn được chọn" in body
    ticked = re.findall(r'name="flags" value="(\d+):\d+" form="bulk-form" checked', body)
    assert ticked == [str(special.pk)]
    # Only once: the next visit to the queue starts with nothing ticked.
    assert 'form="bulk-form" checked' not in client.get(QUEUE).content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/kiem-tra/"])
def test_bulk_rejects_external_redirect(client, desk, target):
    flags = _flagged_records(desk, 1)
    login(client, desk.reviewer)
    response = client.post(
        reverse("verification:bulk_decide"),
        {"decision": "dismiss", "note": "x", "flags": [f"{flags[1].pk}:1"], "next": target},
    )
    assert response["Location"] == QUEUE


# --- official's fragment ----------------------------------------------------------


def test_official_sees_returned_note_in_fragment_with_ids_masked(client, desk):
    flag = desk.flag(
        "ID_NUMBER_MISMATCH", field="holder_id_number", registry_value="123456789", collected_value="001060012345"
    )
    services.flag_decide(
        user=desk.reviewer,
        flag_id=flag.pk,
        expected_version=1,
        decision="return",
        note="Số CCCD không khớp ảnh, chụp lại mặt trước",
    )
    response = login(client, desk.official).get(
        reverse("verification:plot_flags", kwargs={"record_id": desk.record.pk})
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "chụp lại mặt trước" in body and 'data-status="returned"' in body
    assert "001060012345" not in body and "•••••••••345" in body
    assert "Mở bàn kiểm tra" not in body


def test_official_of_other_commune_gets_404_on_fragment(client, desk):
    other = user_with_scope(Role.OFFICIAL, commune=desk.record_b.former_commune.commune)
    response = login(client, other).get(reverse("verification:plot_flags", kwargs={"record_id": desk.record.pk}))
    assert response.status_code == 404
