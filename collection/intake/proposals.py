"""Which plot of a commune a photo from outside belongs to, from what was read on it.

The registry of the commune is loaded once per batch (`commune_index`: a few queries, whatever the
number of photos) into plain dictionaries; `propose` is then a pure function of a reading and that
index. A wrong proposal is worse than none: a photo is proposed only to a plot it designates alone
(an ID number recorded on one plot, a serial on one certificate, a sheet and plot number in one
former commune or settled by the holder's name), and the confidence says how sure the match is.

How a photo is matched (contract §3): `id_qr` (the CCCD's QR), `id_number` (its printed number or
the back's machine-readable zone), `certificate_serial`, `sheet_plot`, `name` (§1's name rule).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from collection.intake.reading import FieldReading, Kind, PhotoReading
from collection.models import CollectedRecord, MatchedBy
from landdata import normalize
from landdata.models import Certificate, LandUser, Plot

# Below this a proposal is not worth an official's time: the photo waits to be placed by hand.
MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class PlotRef:
    plot_id: int
    former_commune_code: str
    map_sheet: str
    plot_number: str


@dataclass
class CommuneIndex:
    """The registry of one commune as lookups: each maps a normalised key to the plots it designates."""

    plots: dict[int, PlotRef] = field(default_factory=dict)
    by_id: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_serial: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_sheet_plot: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    by_name: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    owners: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))


def commune_index(commune_code: str) -> CommuneIndex:
    """Plots, owners (current and former ID numbers), certificates and collected records of a commune."""
    index = CommuneIndex()
    for pk, former, sheet, number, sheet_key, number_key in Plot.objects.filter(
        former_commune__commune_id=commune_code
    ).values_list("pk", "former_commune_id", "map_sheet", "plot_number", "sheet_key", "number_key"):
        index.plots[pk] = PlotRef(pk, former, sheet, number)
        index.by_sheet_plot[(sheet_key, number_key)].add(pk)
    for plot_id, name, id_number, former_id in LandUser.objects.filter(
        plot__former_commune__commune_id=commune_code
    ).values_list("plot_id", "full_name", "id_number", "former_id_number"):
        index.owners[plot_id].append(name)
        index.by_name[normalize.name_key(name)].add(plot_id)
        for number in (id_number, former_id):
            if normalize.clean_id(number):
                index.by_id[normalize.clean_id(number)].add(plot_id)
    for plot_id, serial_key in Certificate.objects.filter(plot__former_commune__commune_id=commune_code).values_list(
        "plot_id", "serial_key"
    ):
        if serial_key:
            index.by_serial[serial_key].add(plot_id)
    # An ID collected earlier for a plot (a record typed at the door) designates that plot too.
    for plot_id, *numbers in CollectedRecord.objects.filter(
        former_commune__commune_id=commune_code, plot__isnull=False
    ).values_list("plot_id", "holder_id_number", "holder_old_id_number", "co_holder_id_number"):
        for number in numbers:
            if normalize.clean_id(number):
                index.by_id[normalize.clean_id(number)].add(plot_id)
    return index


@dataclass(frozen=True)
class Proposal:
    plot: PlotRef
    matched_by: str
    confidence: float


def _owned_by(index: CommuneIndex, plots: Iterable[int], name: str) -> set[int]:
    """The plots among `plots` one of whose owners has `name` (§1's name rule)."""
    return {p for p in plots if any(normalize.names_agree(name, owner) for owner in index.owners.get(p, ()))}


def _by_person(index: CommuneIndex, numbers: Iterable[str], name: str, matched_by: str, base: float):
    """The one plot an ID number designates; a person with several plots is settled by nothing else."""
    plots: set[int] = set()
    for number in numbers:
        plots |= index.by_id.get(normalize.clean_id(number), set())
    if not plots:
        return None
    named = _owned_by(index, plots, name) if name else set()
    if len(plots) == 1:
        [plot] = plots
        # The name on the card agreeing with an owner makes it sure; not agreeing, a doubt to check.
        return Proposal(index.plots[plot], matched_by, base if (not name or named) else base * 0.85)
    if len(named) == 1:
        [plot] = named
        return Proposal(index.plots[plot], matched_by, base * 0.97)
    return None


def _confidence(reading: FieldReading | None) -> float:
    return reading.confidence if reading is not None else 0.0


def _by_certificate(index: CommuneIndex, reading: PhotoReading) -> Proposal | None:
    cert = reading.certificate
    if cert is None:
        return None
    sheet_plot: set[int] = set()
    if cert.map_sheet and cert.plot_number:
        key = (normalize.plot_key_part(cert.map_sheet.value), normalize.plot_key_part(cert.plot_number.value))
        sheet_plot = index.by_sheet_plot.get(key, set())
    holder = cert.holder_name.value if cert.holder_name else ""
    if cert.serial:
        plots = index.by_serial.get(normalize.certificate_key(cert.serial.value), set())
        if len(plots) == 1:
            [plot] = plots
            sure = 0.995 if plot in sheet_plot or (holder and _owned_by(index, plots, holder)) else 0.97
            return Proposal(index.plots[plot], MatchedBy.CERTIFICATE_SERIAL, sure * max(_confidence(cert.serial), 0.9))
    if sheet_plot:
        candidates = sheet_plot
        if len(candidates) > 1 and holder:  # merged communes: the same sheet and number in two former ones
            candidates = _owned_by(index, candidates, holder)
        if len(candidates) == 1:
            [plot] = candidates
            named = holder and _owned_by(index, candidates, holder)
            sure = (0.97 if named else 0.9) * min(_confidence(cert.map_sheet), _confidence(cert.plot_number))
            return Proposal(index.plots[plot], MatchedBy.SHEET_PLOT, sure)
        return None
    if cert.holder_name is not None:
        plots = index.by_name.get(normalize.name_key(holder), set())
        if len(plots) == 1:
            [plot] = plots
            return Proposal(index.plots[plot], MatchedBy.NAME, 0.7 * cert.holder_name.confidence)
    return None


def propose(reading: PhotoReading, index: CommuneIndex) -> Proposal | None:
    """The plot `reading` designates in the commune, or None when nothing designates one alone."""
    proposal = None
    if reading.kind == Kind.ID_FRONT and reading.qr is not None:
        qr = reading.qr
        proposal = _by_person(index, [qr.id_number, qr.old_id_number], qr.name, MatchedBy.ID_QR, 0.99)
    elif reading.kind in (Kind.ID_FRONT, Kind.ID_BACK) and reading.card and reading.card.id_number:
        number, name = reading.card.id_number, reading.card.name
        base = 0.97 * number.confidence
        proposal = _by_person(index, [number.value], name.value if name else "", MatchedBy.ID_NUMBER, base)
    elif reading.kind == Kind.CERTIFICATE:
        proposal = _by_certificate(index, reading)
    if proposal is None or proposal.confidence < MIN_CONFIDENCE:
        return None
    return Proposal(proposal.plot, proposal.matched_by, round(min(proposal.confidence, 0.999), 3))
