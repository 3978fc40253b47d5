"""Pages of the campaign: home, plot page, collection form; scope and double posts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from collection.models import CollectedRecord, Role
from collection.signals import record_submitted
from tests.factories import (
    CollectedRecordFactory,
    CommuneTargetFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
    user_with_scope,
)

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-123"


@pytest.fixture
def world():
    fc_a = FormerCommuneFactory()
    fc_b = FormerCommuneFactory()
    plot_a = PlotFactory(former_commune=fc_a, map_sheet="12", plot_number="345")
    plot_b = PlotFactory(former_commune=fc_b, map_sheet="12", plot_number="345")
    LandUserFactory(plot=plot_a, full_name="Đặng Văn Hạnh", id_number="027045605136", birth_year=1945)
    LandUserFactory(plot=plot_b, full_name="Trần Thị B")
    official = user_with_scope(Role.OFFICIAL, commune=fc_a.commune)
    return {"a": plot_a, "b": plot_b, "official": official}


@pytest.fixture
def client_a(client, world):
    client.force_login(world["official"])
    return client


def _form_data(record, **overrides):
    from collection.services import record_version

    data = {
        "holder_name": "Đặng Văn Hạnh",
        "holder_birth": "12/03/1945",
        "holder_id_number": "027045605136",
        "certificate_status": "held",
        "channel": "home_visit",
        "area_m2": "230,8",
        "version": record_version(record),
    }
    data.update(overrides)
    return data


def test_login_page_and_home_redirect(client):
    assert client.get(reverse("home")).status_code == 302
    page = client.get(reverse("login"))
    assert page.status_code == 200 and "Đăng nhập" in page.content.decode()


def test_home_shows_progress_against_target(client_a, world):
    CommuneTargetFactory(commune=world["a"].former_commune.commune, target_plots=4)
    CollectedRecordFactory(
        former_commune=world["a"].former_commune,
        plot=world["a"],
        map_sheet="12",
        plot_number="345",
        collected_by_user=world["official"],
    )
    html = client_a.get(reverse("home")).content.decode()
    assert "1 / 4" in html and ("25,0" in html or "25.0" in html)
    assert reverse("collection:plot_list") in html


def test_plot_page_is_scoped(client_a, world):
    assert client_a.get(reverse("collection:plot_detail", args=[world["a"].pk])).status_code == 200
    assert client_a.get(reverse("collection:plot_detail", args=[world["b"].pk])).status_code == 404
    assert client_a.post(reverse("collection:record_start", args=[world["b"].pk])).status_code == 404


def test_plot_page_masks_ids(client_a, world):
    html = client_a.get(reverse("collection:plot_detail", args=[world["a"].pk])).content.decode()
    assert "027045605136" not in html and "•••••••••136" in html


def test_record_of_another_commune_is_404(client_a, world):
    other = CollectedRecordFactory(
        former_commune=world["b"].former_commune, plot=world["b"], status=CollectedRecord.Status.DRAFT
    )
    assert client_a.get(reverse("collection:record_edit", args=[other.pk])).status_code == 404
    assert client_a.post(reverse("collection:record_edit", args=[other.pk]), {"holder_name": "x"}).status_code == 404


def test_collect_button_opens_one_draft_even_when_clicked_twice(client_a, world):
    url = reverse("collection:record_start", args=[world["a"].pk])
    first = client_a.post(url)
    second = client_a.post(url)
    assert first.status_code == 302 and first.url == second.url
    assert CollectedRecord.objects.filter(plot=world["a"]).count() == 1
    form = client_a.get(first.url).content.decode()
    assert 'id="record-form"' in form
    for name in (
        "holder_name",
        "holder_birth",
        "holder_id_number",
        "holder_old_id_number",
        "co_holder_name",
        "co_holder_birth",
        "co_holder_id_number",
        "co_holder_old_id_number",
        "certificate_serial",
        "certificate_book_number",
        "area_m2",
        "land_use",
        "actual_user_name",
        "certificate_status",
        "owner_far_away",
        "channel",
        "notes",
    ):
        assert f'name="{name}"' in form


def test_submit_validates_and_shows_the_problem_next_to_the_field(client_a, world):
    client_a.post(reverse("collection:record_start", args=[world["a"].pk]))
    record = CollectedRecord.objects.get(plot=world["a"])
    url = reverse("collection:record_edit", args=[record.pk])
    response = client_a.post(url, _form_data(record, holder_id_number="027075605136", submit="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_holder_id_number-errors"' in html and "1975" in html
    record.refresh_from_db()
    assert record.status == CollectedRecord.Status.DRAFT


def test_draft_then_submit_twice_sends_one_submission(client_a, world):
    sent = []
    record_submitted.connect(lambda sender, record_id, **kw: sent.append(record_id), weak=False, dispatch_uid="t")
    try:
        client_a.post(reverse("collection:record_start", args=[world["a"].pk]))
        record = CollectedRecord.objects.get(plot=world["a"])
        url = reverse("collection:record_edit", args=[record.pk])
        saved = client_a.post(url, _form_data(record, save="1"))
        assert saved.status_code == 302
        record.refresh_from_db()
        assert record.holder_birth_date.year == 1945 and str(record.area_m2) == "230.80"
        data = _form_data(record, submit="1")
        first = client_a.post(url, data)
        second = client_a.post(url, data)
        assert first.status_code == 302 and second.status_code == 302
        record.refresh_from_db()
        assert record.status == CollectedRecord.Status.SUBMITTED and record.submitted_at
        assert sent == [record.pk]
        assert CollectedRecord.objects.filter(plot=world["a"]).count() == 1
    finally:
        record_submitted.disconnect(dispatch_uid="t")


def test_returned_record_can_be_corrected_and_resubmitted(client_a, world):
    record = CollectedRecordFactory(
        former_commune=world["a"].former_commune,
        plot=world["a"],
        map_sheet="12",
        plot_number="345",
        status=CollectedRecord.Status.RETURNED,
    )
    url = reverse("collection:record_edit", args=[record.pk])
    html = client_a.get(url).content.decode()
    assert "trả lại" in html and 'id="submit-record"' in html
    response = client_a.post(url, _form_data(record, holder_name="Đặng Văn Hạnh", submit="1"))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == CollectedRecord.Status.SUBMITTED


def test_submitted_record_is_read_only(client_a, world):
    record = CollectedRecordFactory(
        former_commune=world["a"].former_commune, plot=world["a"], map_sheet="12", plot_number="345"
    )
    html = client_a.get(reverse("collection:record_edit", args=[record.pk])).content.decode()
    assert 'id="submit-record"' not in html and "disabled" in html


def test_reviewer_cannot_start_a_draft(client, world):
    from tests.factories import BranchFactory

    branch = world["a"].former_commune.commune.branch or BranchFactory()
    reviewer = user_with_scope(Role.REVIEWER, branch=branch)
    client.force_login(reviewer)
    assert client.post(reverse("collection:record_start", args=[world["a"].pk])).status_code == 404
