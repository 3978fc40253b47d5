"""The demo generator writes contract-shaped files whose expected flags are exactly right.

`_oracle` re-derives, from the written files alone and the rules of contract §4,
which flags and enrichments every collected plot should get; it must agree with
`expected_flags.csv` / `expected_enrichments.csv` row for row.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from demo import generator as demo
from landdata.normalize import (
    IdKind,
    certificate_key,
    classify_id,
    fold_diacritics,
    has_diacritics,
    name_key,
    nfc,
    parse_bool,
    parse_decimal,
    parse_land_use,
    parse_partial_date,
    plot_key_part,
)

PLOTS = 2000


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def header(path: Path) -> tuple[str, ...]:
    with open(path, encoding="utf-8", newline="") as handle:
        return tuple(next(csv.reader(handle)))


def key(old: str, sheet: str, number: str) -> tuple[str, str, str]:
    return (old, plot_key_part(sheet), plot_key_part(number))


def registry_key(row: dict) -> tuple[str, str, str]:
    """Plot key of a registry row (an empty old_commune_code means the commune was not merged)."""
    return key(row["old_commune_code"] or row["commune_code"], row["map_sheet"], row["plot_number"])


def row_key(row: dict) -> tuple[str, str, str]:
    """Plot key of a record or expected-flag row."""
    return key(row["old_commune_code"], row["map_sheet"], row["plot_number"])


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("demo")
    summary = demo.demo_generate(out_dir=out, plots=PLOTS, seed=1)
    return {
        "dir": out,
        "summary": summary,
        "registry": read(out / demo.REGISTRY_FILE),
        "assignments": read(out / demo.ASSIGNMENTS_FILE),
        "records": read(out / demo.RECORDS_FILE),
        "flags": read(out / demo.EXPECTED_FLAGS_FILE),
        "enrichments": read(out / demo.EXPECTED_ENRICHMENTS_FILE),
    }


@pytest.fixture(scope="module")
def registry_by_key(files) -> dict[tuple, list[dict]]:
    plots: dict[tuple, list[dict]] = defaultdict(list)
    for row in files["registry"]:
        plots[registry_key(row)].append(row)
    return plots


def birth_year(raw: str) -> int | None:
    value = parse_partial_date(raw)
    return value.year if value else None


# --- files and determinism -----------------------------------------------------------------------


def test_same_seed_writes_the_same_bytes_and_another_seed_differs(tmp_path):
    names = (demo.REGISTRY_FILE, demo.ASSIGNMENTS_FILE, demo.RECORDS_FILE, demo.EXPECTED_FLAGS_FILE,
             demo.EXPECTED_ENRICHMENTS_FILE)  # fmt: skip
    for run in ("a", "b"):
        demo.demo_generate(out_dir=tmp_path / run, plots=400, seed=7)
    demo.demo_generate(out_dir=tmp_path / "c", plots=400, seed=8)
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    first, other = (tmp_path / run / demo.REGISTRY_FILE for run in ("a", "c"))
    assert first.read_bytes() != other.read_bytes()
    assert demo.demo_manifest(tmp_path / "a")["plots"] == 400


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        (demo.REGISTRY_FILE, ("registry_id", "commune_code", "old_commune_code", "map_sheet", "plot_number",
                              "area_m2", "land_use", "plot_address", "owner_name", "owner_birth",
                              "owner_id_number", "owner_address", "certificate_serial",
                              "certificate_book_number", "certificate_issue_date")),
        (demo.ASSIGNMENTS_FILE, ("commune_code", "commune_name", "old_commune_code", "old_commune_name",
                                 "target_plots", "working_group")),
        (demo.RECORDS_FILE, ("old_commune_code", "map_sheet", "plot_number", "holder_name", "holder_birth",
                             "holder_id_number", "holder_old_id_number", "co_holder_name",
                             "co_holder_birth", "co_holder_id_number", "certificate_serial",
                             "certificate_book_number", "area_m2", "land_use", "actual_user_name",
                             "certificate_status", "owner_far_away",
                             "collected_by", "collected_on", "channel")),
        (demo.EXPECTED_FLAGS_FILE, ("old_commune_code", "map_sheet", "plot_number", "code")),
        (demo.EXPECTED_ENRICHMENTS_FILE, ("old_commune_code", "map_sheet", "plot_number", "kind")),
    ],
)  # fmt: skip
def test_files_have_the_contract_headers(files, name, columns):
    assert header(files["dir"] / name) == columns


def test_every_cell_parses_under_the_contract_rules(files):
    for row in files["registry"]:
        assert len(row["commune_code"]) == 5 and row["commune_code"].isdigit()
        assert parse_decimal(row["area_m2"]) > 0
        assert "," in row["area_m2"]  # decimal comma, as registry exports write it
        assert parse_land_use(row["land_use"])
        prefixes = ("công ty", "hợp tác xã", "ủy ban", "trường", "chùa")
        organisation = row["owner_name"].casefold().startswith(prefixes)
        assert parse_partial_date(row["owner_birth"]) is not None or organisation
        parse_partial_date(row["certificate_issue_date"])
    for row in files["records"]:
        month = parse_partial_date(row["collected_on"]).date.strftime("%Y-%m")
        assert month in ("2025-09", "2025-10", "2025-11")
        assert row["channel"] in ("home_visit", "office", "online_photo", "photocopy")
        assert row["certificate_status"] in ("held", "mortgaged", "lost", "damaged", "not_issued")
        parse_bool(row["owner_far_away"])
        parse_decimal(row["area_m2"])
        parse_partial_date(row["holder_birth"])
        assert nfc(row["holder_name"]) == row["holder_name"]


# --- the province ----------------------------------------------------------------------------------


def test_plot_keys_are_unique_and_co_owners_share_one_plot(files, registry_by_key):
    assert len({row["registry_id"] for row in files["registry"]}) == len(files["registry"])
    assert len(registry_by_key) == PLOTS
    order = [registry_key(row) for row in files["registry"]]
    runs = [k for i, k in enumerate(order) if i == 0 or order[i - 1] != k]
    assert len(runs) == len(registry_by_key)  # rows of one plot are adjacent, a key is never reused
    for rows in registry_by_key.values():
        shared = {(r["area_m2"], r["land_use"], r["certificate_serial"], r["plot_address"]) for r in rows}
        assert len(shared) == 1
    owners = Counter(len(rows) for rows in registry_by_key.values())
    assert owners[2] > 0.08 * PLOTS  # husband and wife
    assert 1.08 < len(files["registry"]) / PLOTS < 1.22


def test_merged_wards_overlap_and_some_communes_were_not_merged(files, registry_by_key):
    wards: dict[str, list[str]] = defaultdict(list)
    for row in files["assignments"]:
        wards[row["commune_code"]].append(row["old_commune_code"])
    merged = [olds for olds in wards.values() if len(olds) > 1]
    # The real units of Bắc Ninh: 2 to 7 former units a merged ward.
    assert merged and all(2 <= len(olds) <= 7 for olds in merged)
    assert wards["09253"] == ["09250", "09253", "09259"] and wards["07552"] == ["07552", "07558"]
    assert any(olds == [code] for code, olds in wards.items())
    for olds in merged:
        assert all(key(old, "1", "1") in registry_by_key for old in olds)
    groups = defaultdict(set)
    for row in files["assignments"]:
        groups[row["commune_code"]].add(row["working_group"])
    assert any(len(names - {""}) == 2 for names in groups.values())
    targets = defaultdict(set)
    for row in files["assignments"]:
        targets[row["commune_code"]].add(row["target_plots"])
    assert all(len(values) == 1 and int(next(iter(values))) > 0 for values in targets.values())


def test_registry_has_the_quirks_that_must_not_raise_flags(files, registry_by_key):
    names = [row["owner_name"] for row in files["registry"]]
    assert any(name != nfc(name) for name in names)  # NFD
    assert any(name == name.upper() and has_diacritics(name) for name in names)
    assert any(("oà" in name or "uý" in name or "uỷ" in name) for name in names)  # old-style tones
    assert any(not has_diacritics(name) for name in names)
    assert any(row["map_sheet"].startswith("0") for row in files["registry"])
    assert any(row["old_commune_code"] == "" for row in files["registry"])
    serials = [row["certificate_serial"] for row in files["registry"] if row["certificate_serial"]]
    assert all(re.fullmatch(r"[A-ZĐ]{2} (\d{6}|\d{8})", serial) for serial in serials)
    assert any(len(serial) == 11 for serial in serials)  # the 2024 form: 2 letters + 8 digits
    assert any("Đ" in serial for serial in serials)
    books = [row["certificate_book_number"] for row in files["registry"] if row["certificate_book_number"]]
    assert all(re.fullmatch(r"(CH|CS|VP|H) \d{5}", book) for book in books)
    assert any(re.fullmatch(r"[a-z]{2}\d{6,8}", row["certificate_serial"]) for row in files["records"])


def test_names_follow_the_vietnamese_distribution(files):
    people = [nfc(row["owner_name"]) for row in files["registry"]]
    families = Counter(fold_diacritics(name.split(" ")[0]).casefold() for name in people)
    share = families["nguyen"] / len(people)
    assert 0.30 < share < 0.46
    assert families["tran"] > families["le"] > families["ly"]
    letters = set("".join(nfc(row["holder_name"]) for row in files["records"]))
    assert set("đăâêôơưàáảãạ") <= letters | {c.lower() for c in letters}


def test_every_registry_id_is_valid_and_held_by_one_person(files):
    holders: dict[str, set] = defaultdict(set)
    kinds = Counter()
    for row in files["registry"]:
        kind = classify_id(row["owner_id_number"], birth_year=birth_year(row["owner_birth"]))
        assert kind != IdKind.INVALID, row
        kinds[kind] += 1
        if row["owner_id_number"]:
            person = (name_key(fold_diacritics(row["owner_name"])), row["owner_birth"])
            holders[row["owner_id_number"]].add(person)
    assert all(len(people) == 1 for people in holders.values())
    assert kinds[IdKind.CCCD] and kinds[IdKind.CMND] and kinds[IdKind.EMPTY]
    cccds = [row["owner_id_number"] for row in files["registry"] if len(row["owner_id_number"]) == 12]
    # Bắc Ninh (24) merged the former Bắc Giang (024) and Bắc Ninh (027): most births were registered there.
    prefixes = Counter(n[:3] for n in cccds)
    assert {p for p, _n in prefixes.most_common(2)} == {"024", "027"}
    assert len({n[:3] for n in cccds}) > 3
    assert {n[3] for n in cccds} >= {"0", "1", "2", "3"}


def test_collected_ids_are_valid_except_the_injected_invalid_ones(files):
    invalid_plots = {key(f["old_commune_code"], f["map_sheet"], f["plot_number"])
                     for f in files["flags"] if f["code"] == "ID_INVALID"}  # fmt: skip
    assert invalid_plots
    for row in files["records"]:
        kind = classify_id(row["holder_id_number"], birth_year=birth_year(row["holder_birth"]))
        plot = key(row["old_commune_code"], row["map_sheet"], row["plot_number"])
        assert (kind == IdKind.INVALID) == (plot in invalid_plots), row


def test_about_sixty_percent_of_plots_are_collected_in_known_shares(files):
    summary = files["summary"]
    assert 0.55 < summary.collected_plots / PLOTS < 0.65
    assert all(summary.cases[case.name] > 0 for case in demo.CASES)
    assert summary.cases["verified"] / summary.collected_plots == pytest.approx(0.40, abs=0.05)
    assert sum(case.share for case in demo.CASES) == pytest.approx(100)


def test_every_flag_code_and_enrichment_kind_of_the_case_table_is_present(files):
    codes = {f["code"] for f in files["flags"]}
    kinds = {e["kind"] for e in files["enrichments"]}
    assert codes == {flag for case in demo.CASES for flag in case.flags}
    assert kinds == {kind for case in demo.CASES for kind in case.enrichments}
    assert kinds == {"cccd", "birth_date", "diacritics", "co_holder", "actual_user"}


def test_id_conflict_donors_exist_with_another_name_and_are_not_collected(files, registry_by_key):
    by_id = {row["owner_id_number"]: row for row in files["registry"] if row["owner_id_number"]}
    collected = {key(r["old_commune_code"], r["map_sheet"], r["plot_number"]) for r in files["records"]}
    records = {key(r["old_commune_code"], r["map_sheet"], r["plot_number"]): r for r in files["records"]}
    conflicts = [key(f["old_commune_code"], f["map_sheet"], f["plot_number"])
                 for f in files["flags"] if f["code"] == "ID_CONFLICT"]  # fmt: skip
    assert conflicts
    for plot in conflicts:
        record = records[plot]
        donor = by_id[record["holder_id_number"]]
        donor_plot = registry_key(donor)
        assert donor_plot != plot and donor_plot not in collected
        assert (donor["old_commune_code"] or donor["commune_code"]) != plot[0]
        assert name_key(fold_diacritics(donor["owner_name"])) != name_key(fold_diacritics(record["holder_name"]))
        assert birth_year(donor["owner_birth"]) == birth_year(record["holder_birth"])
        assert registry_by_key[plot][0]["owner_id_number"] == ""  # the holder had no number registered


# --- the expected flags agree with the records ------------------------------------------------------


def _same_person(registry_name: str, collected_name: str) -> tuple[bool, bool]:
    """(same name, diacritics enrichment) under contract §1 and §4."""
    if name_key(registry_name) == name_key(collected_name):
        return True, False
    folded = name_key(fold_diacritics(collected_name))
    if not has_diacritics(registry_name) and name_key(registry_name) == folded:
        return True, has_diacritics(collected_name)
    return False, False


def _oracle(files, registry_by_key) -> tuple[set, set]:
    """Flags and enrichments per plot, re-derived from the files with the rules of contract §4."""
    records: dict[tuple, list[dict]] = defaultdict(list)
    for row in files["records"]:
        records[key(row["old_commune_code"], row["map_sheet"], row["plot_number"])].append(row)
    people_by_id: dict[str, set] = defaultdict(set)
    for row in files["registry"]:
        if row["owner_id_number"]:
            person = (name_key(row["owner_name"]), birth_year(row["owner_birth"]))
            people_by_id[row["owner_id_number"]].add(person)
    for row in files["records"]:
        for prefix in ("holder", "co_holder"):
            if row[f"{prefix}_id_number"]:
                people_by_id[row[f"{prefix}_id_number"]].add(
                    (name_key(row[f"{prefix}_name"]), birth_year(row[f"{prefix}_birth"]))
                )
    flags, enrichments = set(), set()
    for plot, rows in records.items():
        out = {"flags": set(), "enrich": set()}
        owners = registry_by_key.get(plot)
        if not owners:
            flags.add((plot, "PLOT_NOT_IN_REGISTRY"))
            continue
        if len(rows) > 1:
            ignored = ("collected_on", "channel", "collected_by")
            significant = [tuple(v for k, v in r.items() if k not in ignored) for r in rows]
            if len(set(significant)) > 1:
                out["flags"].add("DUPLICATE_RECORD")
        for row in rows:
            _check_record(row, owners, people_by_id, out)
        flags |= {(plot, code) for code in out["flags"]}
        enrichments |= {(plot, kind) for kind in out["enrich"]}
    return flags, enrichments


def _check_record(row: dict, owners: list[dict], people_by_id: dict, out: dict) -> None:
    first = owners[0]
    people = [("holder", row["holder_name"])]
    if row["co_holder_name"]:
        people.append(("co_holder", row["co_holder_name"]))
    matched_rows = []
    for prefix, name in people:
        matches = [(o, _same_person(o["owner_name"], name)) for o in owners]
        found = [(o, diacritics) for o, (same, diacritics) in matches if same]
        if not found:
            if prefix == "co_holder" and len(owners) == 1:
                out["enrich"].add("co_holder")
            else:
                out["flags"].add("OWNER_NAME_MISMATCH")
            continue
        owner, diacritics = found[0]
        if diacritics:
            out["enrich"].add("diacritics")
        matched_rows.append((prefix, owner))
    for prefix, _ in people:
        collected_id = row[f"{prefix}_id_number"]
        kind = classify_id(collected_id, birth_year=birth_year(row[f"{prefix}_birth"]))
        if collected_id and kind == IdKind.INVALID:
            out["flags"].add("ID_INVALID")
        elif collected_id and len(people_by_id[collected_id]) > 1:
            out["flags"].add("ID_CONFLICT")
    for prefix, owner in matched_rows:
        collected_id = row[f"{prefix}_id_number"]
        collected_year = birth_year(row[f"{prefix}_birth"])
        registry_year = birth_year(owner["owner_birth"])
        valid = classify_id(collected_id, birth_year=collected_year) != IdKind.INVALID
        if collected_id and valid and len(people_by_id[collected_id]) == 1:
            if not owner["owner_id_number"]:
                if len(collected_id) == 12:
                    out["enrich"].add("cccd")
            elif collected_id != owner["owner_id_number"]:
                upgrade = (
                    len(owner["owner_id_number"]) == 9
                    and row.get(f"{prefix}_old_id_number") == owner["owner_id_number"]
                )
                out["enrich" if upgrade else "flags"].add("cccd" if upgrade else "ID_NUMBER_MISMATCH")
        if registry_year and collected_year and registry_year != collected_year:
            out["flags"].add("BIRTH_MISMATCH")
        elif registry_year and collected_year:
            registry_full = parse_partial_date(owner["owner_birth"]).is_full
            if not registry_full and parse_partial_date(row[f"{prefix}_birth"]).is_full:
                out["enrich"].add("birth_date")
    for column, registry_column in (("certificate_serial", "certificate_serial"),
                                    ("certificate_book_number", "certificate_book_number")):  # fmt: skip
        ours, theirs = certificate_key(row[column]), certificate_key(first[registry_column])
        if ours and theirs and ours != theirs:
            out["flags"].add("CERTIFICATE_MISMATCH")
    if row["area_m2"]:
        registry_area, area = parse_decimal(first["area_m2"]), parse_decimal(row["area_m2"])
        if abs(area - registry_area) > max(Decimal(1), registry_area / 100):
            out["flags"].add("AREA_MISMATCH")
    if row["land_use"] and parse_land_use(row["land_use"]) != parse_land_use(first["land_use"]):
        out["flags"].add("LAND_USE_MISMATCH")
    if row["actual_user_name"] and all(
        name_key(row["actual_user_name"]) != name_key(name) for name in (row["holder_name"], row["co_holder_name"])
    ):
        out["flags"].add("USER_NOT_HOLDER")
        out["enrich"].add("actual_user")
    if row["certificate_status"] != "held" or parse_bool(row["owner_far_away"]):
        out["flags"].add("CERTIFICATE_STATUS")


def test_expected_flags_and_enrichments_agree_with_the_records(files, registry_by_key):
    flags, enrichments = _oracle(files, registry_by_key)
    expected_flags = {(row_key(f), f["code"]) for f in files["flags"]}
    expected_enrichments = {(row_key(e), e["kind"]) for e in files["enrichments"]}
    assert len(expected_flags) == len(files["flags"])  # one row per (plot, code)
    assert flags - expected_flags == set()
    assert expected_flags - flags == set()
    assert enrichments - expected_enrichments == set()
    assert expected_enrichments - enrichments == set()


def test_each_flagged_plot_carries_exactly_the_flags_of_one_case(files):
    per_plot: dict[tuple, set] = defaultdict(set)
    for f in files["flags"]:
        per_plot[(f["old_commune_code"], f["map_sheet"], f["plot_number"])].add(f["code"])
    allowed = {frozenset(case.flags) for case in demo.CASES}
    assert all(frozenset(codes) in allowed for codes in per_plot.values())


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Nguyễn Văn Hòa", "Nguyễn Văn Hoà"), ("Lê Thị Thúy", "Lê Thị Thuý"), ("Trần Thủy", "Trần Thuỷ"),
     ("Phạm Khỏe", "Phạm Khoẻ"), ("Hoàng Văn Hùng", "Hoàng Văn Hùng"), ("Huỳnh Tuyết", "Huỳnh Tuyết")],
)  # fmt: skip
def test_old_style_tones_move_the_mark_and_keep_the_name_key(name, expected):
    assert demo.old_style_tones(name) == expected
    assert name_key(demo.old_style_tones(name)) == name_key(name)


# --- the command -----------------------------------------------------------------------------------------


def test_command_writes_files_and_prints_one_summary_line(tmp_path):
    out = io.StringIO()
    call_command("generate_demo_data", plots=300, seed=3, out=str(tmp_path / "d"), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1 and "300" in lines[0]
    assert len(read(tmp_path / "d" / demo.REGISTRY_FILE)) >= 300
    assert demo.demo_manifest(tmp_path / "d")["seed"] == 3


def test_command_defaults_to_var_demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("generate_demo_data", plots=50, stdout=io.StringIO())
    manifest = demo.demo_manifest(tmp_path / "demo")
    assert manifest["plots"] == 50 and manifest["seed"] == 1


def test_command_refuses_zero_plots(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_demo_data", plots=0, out=str(tmp_path), stdout=io.StringIO())
