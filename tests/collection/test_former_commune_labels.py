"""A former commune is shown with the 2025 unit it is now part of (issue: "Nhân Hòa (cũ)" vs "Phường Nhân Hòa").

Phường Nhân Hòa (09253) took the code of former Phường Đại Xuân; former Phường Nhân Hòa is 09259.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from collection.models import Role
from tests.factories import (
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
    user_with_scope,
)

pytestmark = pytest.mark.django_db
LABEL = "Phường Nhân Hòa (cũ, 09259) · nay thuộc Phường Nhân Hòa"


@pytest.fixture
def nhan_hoa():
    ward = CommuneFactory(code="09253", name="Phường Nhân Hòa")
    FormerCommuneFactory(code="09253", name="Phường Đại Xuân", commune=ward)
    former = FormerCommuneFactory(code="09259", name="Phường Nhân Hòa", commune=ward)
    from collection.models import Assignment

    Assignment.objects.create(former_commune=former, commune=ward)
    plot = PlotFactory(former_commune=former, map_sheet="12", plot_number="345")
    LandUserFactory(plot=plot, full_name="Đặng Văn Hạnh")
    return ward, former, plot


def test_the_plot_page_and_the_form_name_the_former_commune_with_its_new_unit(client, nhan_hoa):
    ward, former, plot = nhan_hoa
    client.force_login(user_with_scope(Role.OFFICIAL, commune=ward))
    assert LABEL in client.get(reverse("collection:plot_detail", args=[plot.pk])).content.decode()
    record = CollectedRecordFactory(former_commune=former, map_sheet="12", plot_number="345", plot=plot)
    assert LABEL in client.get(reverse("collection:record_edit", args=[record.pk])).content.decode()
    listing = client.get(reverse("collection:plot_list")).content.decode()
    assert "Phường Nhân Hòa (cũ)" in listing
    assert f'<option value="09259">{LABEL}</option>' in listing


def test_the_plot_export_names_the_former_commune_with_its_new_unit(client, nhan_hoa):
    ward, _former, _plot = nhan_hoa
    client.force_login(user_with_scope(Role.ADMIN, province=ward.province))
    response = client.get(reverse("reports:export_plots", kwargs={"code": "09253"}))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header, row = (list(r) for r in sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    assert header[:4] == ["Mã xã cũ", "Số tờ", "Số thửa", "Xã cũ (nay thuộc)"]
    assert row[:4] == ["09259", "12", "345", LABEL]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_lists_offer_each_former_commune_with_its_model_label_and_group(nhan_hoa, language):
    """former_communes_for reads plain rows and translates the words once: the same labels as the model's."""
    from django.utils import translation

    from collection.models import Assignment
    from collection.selectors import former_communes_for
    from landdata.models import FormerCommune
    from tests.factories import WorkingGroupFactory

    ward, former, _plot = nhan_hoa
    group = WorkingGroupFactory(commune=ward)
    Assignment.objects.filter(former_commune=former).update(working_group=group)
    FormerCommuneFactory()  # another ward's
    with translation.override(language):
        offered = former_communes_for(user_with_scope(Role.GROUP_LEADER, commune=ward))
        expected = [fc.label for fc in FormerCommune.objects.filter(commune=ward).order_by("code")]
    assert [fc.code for fc in offered] == ["09253", "09259"]
    assert [fc.label for fc in offered] == expected
    assert [fc.assigned_group_id for fc in offered] == [None, group.pk]
    assert (LABEL in expected) == (language == "vi")


def test_the_review_queue_offers_each_former_commune_with_its_new_unit(client, nhan_hoa):
    ward, _former, _plot = nhan_hoa
    client.force_login(user_with_scope(Role.ADMIN, province=ward.province))
    queue = client.get(reverse("verification:queue")).content.decode()
    assert f'<option value="09259">{LABEL}</option>' in queue
    assert '<option value="09253">Phường Đại Xuân (cũ, 09253) · nay thuộc Phường Nhân Hòa</option>' in queue
