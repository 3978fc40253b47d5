"""Proposing a plot for a photo from outside (collection.intake.proposals): table-driven on a small
commune index, so that every way of matching — and every way of refusing to guess — is one row."""

from __future__ import annotations

import datetime as dt

import pytest

from collection.intake.proposals import CommuneIndex, PlotRef, commune_index, propose
from collection.intake.reading import CardText, CertificateText, FieldReading, Kind, PhotoReading
from collection.scans.qr import CccdQr
from landdata.normalize import name_key
from tests.factories import (
    CertificateFactory,
    CollectedRecordFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
)


def _index() -> CommuneIndex:
    """Two former communes of one ward whose numbering overlaps (tờ 5 thửa 12 in both)."""
    index = CommuneIndex()
    plots = {
        1: PlotRef(1, "09253", "5", "12"),
        2: PlotRef(2, "09256", "5", "12"),
        3: PlotRef(3, "09253", "7", "40"),
        4: PlotRef(4, "09253", "7", "41"),
    }
    index.plots.update(plots)
    for pk, ref in plots.items():
        index.by_sheet_plot[(ref.map_sheet, ref.plot_number)].add(pk)
    owners = {1: ["Nguyễn Văn Bình"], 2: ["Trần Thị Hòa"], 3: ["Lê Văn Tám"], 4: ["Lê Văn Tám"]}
    for pk, names in owners.items():
        index.owners[pk].extend(names)
        for name in names:
            index.by_name[name_key(name)].add(pk)
    index.by_id["001060000001"].add(1)  # Bình's CCCD
    index.by_id["123456789"].add(2)  # Hòa's old CMND
    index.by_id["001060000003"].update({3, 4})  # Tám owns two plots
    index.by_serial["BD123456"].add(1)
    index.by_serial["CS000777"].add(3)
    return index


def _qr(number: str, name: str, old: str = "") -> CccdQr:
    return CccdQr(number, old, name, dt.date(1960, 1, 1), "Nam", "Thôn 1", None)


def _f(value: str, confidence: float = 0.95) -> FieldReading:
    return FieldReading(value, confidence)


def _cert(**fields) -> PhotoReading:
    return PhotoReading(kind=Kind.CERTIFICATE, certificate=CertificateText(**{k: _f(v) for k, v in fields.items()}))


CASES = [
    # (what was read, plot proposed (None: none), matched by, lowest confidence)
    ("QR, the owner's CCCD", PhotoReading(Kind.ID_FRONT, qr=_qr("001060000001", "Nguyễn Văn Bình")), 1, "id_qr", 0.98),
    ("QR, the CMND it replaced", PhotoReading(Kind.ID_FRONT, qr=_qr("001162000002", "Trần Thị Hòa", "123456789")), 2, "id_qr", 0.98),
    ("QR, a name that is not the owner's: less sure", PhotoReading(Kind.ID_FRONT, qr=_qr("001060000001", "Phạm Văn Khác")), 1, "id_qr", 0.8),
    ("QR, an owner of two plots: no guess", PhotoReading(Kind.ID_FRONT, qr=_qr("001060000003", "Lê Văn Tám")), None, "", 0),
    ("QR, a number the commune does not know", PhotoReading(Kind.ID_FRONT, qr=_qr("001060009999", "Ai Đó")), None, "", 0),
    ("back of a card, the number in its machine-readable zone",
     PhotoReading(Kind.ID_BACK, card=CardText(id_number=_f("001060000001", 0.99), name=_f("NGUYEN VAN BINH"))), 1, "id_number", 0.9),
    ("certificate serial, read as BD", _cert(serial="BD 123456"), 1, "certificate_serial", 0.85),
    ("serial and its sheet/plot agree: surer", _cert(serial="BĐ 123456", map_sheet="5", plot_number="12"), 1, "certificate_serial", 0.94),
    ("a book serial (CS)", _cert(serial="CS 000777"), 3, "certificate_serial", 0.85),
    ("sheet/plot in two former communes, settled by the holder", _cert(map_sheet="5", plot_number="12", holder_name="Trần Thị Hòa"), 2, "sheet_plot", 0.85),
    ("sheet/plot in two former communes, no holder read: no guess", _cert(map_sheet="5", plot_number="12"), None, "", 0),
    ("sheet/plot in one former commune", _cert(map_sheet="07", plot_number="40"), 3, "sheet_plot", 0.8),
    ("only the holder's name, who has one plot", _cert(holder_name="NGUYỄN VĂN BÌNH"), 1, "name", 0.6),
    ("only the holder's name, who has two plots: no guess", _cert(holder_name="Lê Văn Tám"), None, "", 0),
    ("an unrelated photo", PhotoReading(Kind.OTHER), None, "", 0),
]  # fmt: skip


@pytest.mark.parametrize(("what", "reading", "plot", "matched_by", "at_least"), CASES, ids=[c[0] for c in CASES])
def test_propose(what, reading, plot, matched_by, at_least):
    proposal = propose(reading, _index())
    if plot is None:
        assert proposal is None
    else:
        assert proposal is not None, what
        assert (proposal.plot.plot_id, proposal.matched_by) == (plot, matched_by)
        assert at_least <= proposal.confidence < 1


@pytest.mark.django_db
def test_the_index_reads_the_commune_in_a_few_queries(django_assert_max_num_queries):
    former = FormerCommuneFactory()
    other = FormerCommuneFactory()  # another ward: never proposed
    for n in range(30):
        plot = PlotFactory(former_commune=former, map_sheet="3", plot_number=str(n))
        LandUserFactory(plot=plot, full_name=f"Người {n}", id_number=f"0010600{n:05d}")
        CertificateFactory(plot=plot, serial=f"BĐ {n:06d}")
    elsewhere = PlotFactory(former_commune=other, map_sheet="3", plot_number="1")
    LandUserFactory(plot=elsewhere, id_number="001060099999")
    CollectedRecordFactory(
        former_commune=former, plot=PlotFactory(former_commune=former), holder_id_number="001060077777"
    )
    with django_assert_max_num_queries(4):
        index = commune_index(former.commune_id)
    assert len(index.plots) == 31
    assert index.by_id["001060000007"] and "001060099999" not in index.by_id
    assert index.by_serial["BD000007"] and index.by_id["001060077777"]
