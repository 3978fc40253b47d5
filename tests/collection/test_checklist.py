"""The checklist before "Gửi" (collection.checklist): data the phone evaluates, the same on the server."""

from __future__ import annotations

import json

import pytest

from collection.checklist import checklist_items, missing, slip_texts

HOLDER = {"holder_name": "Đặng Văn Hạnh", "certificate_status": "held"}
ALL_PHOTOS = {"cert_1", "id_front", "id_back"}


@pytest.mark.parametrize(
    ("values", "kinds", "expected"),
    [
        (HOLDER, ALL_PHOTOS, []),
        (HOLDER, set(), ["certificate", "holder_id_front", "holder_id_back"]),
        (HOLDER, {"cert_2", "id_front"}, ["holder_id_back"]),
        # A lost certificate or one never issued explains the missing certificate photo.
        ({**HOLDER, "certificate_status": "lost"}, {"id_front", "id_back"}, ["special_case_note"]),
        ({**HOLDER, "certificate_status": "not_issued", "notes": "Chưa cấp"}, {"id_front", "id_back"}, []),
        # A mortgaged certificate is still photographed, and the special case explained.
        ({**HOLDER, "certificate_status": "mortgaged"}, ALL_PHOTOS, ["special_case_note"]),
        ({**HOLDER, "owner_far_away": True}, ALL_PHOTOS, ["special_case_note"]),
        ({**HOLDER, "owner_far_away": "on", "notes": "Chủ ở TP HCM"}, ALL_PHOTOS, []),
        # Every person named: the co-holder's card too, both sides.
        ({**HOLDER, "co_holder_name": "Lê Thị Mai"}, ALL_PHOTOS, ["co_holder_id_front", "co_holder_id_back"]),
        ({**HOLDER, "co_holder_name": "Lê Thị Mai"}, ALL_PHOTOS | {"co_id_front", "co_id_back"}, []),
    ],
)
def test_what_is_missing(values, kinds, expected):
    assert [m.key for m in missing(values, kinds)] == expected


def test_the_items_are_plain_data_for_the_phone_in_words():
    items = checklist_items()
    assert json.loads(json.dumps(items)) == items
    assert all(item["label"] and "_" not in item["label"] for item in items)
    texts = slip_texts()
    assert "%(plot)s" in texts["plot"] and "%(date)s" in texts["date"]
