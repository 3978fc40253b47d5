"""The project stands alone: its docs and sample files live in the repo, identical to their twins in ../shared.

`../shared` is where the product's docs and samples are maintained; a checkout with nothing beside it must
still read, test and run, so the repo carries copies. Whenever `../shared` is there, every copy must equal
its twin to the byte: a change to one without the other fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TWINS = {
    "docs": ("design.md", "contract.md", "domain.md", "style.md", "seed-article.txt"),
    "tests/fixtures": (
        "README.md",
        "registry_extract.csv",
        "registry_extract_vi.xlsx",
        "assignments.csv",
        "collection_records.csv",
    ),
}
SHARED_DIRS = {"docs": SHARED / "docs", "tests/fixtures": SHARED / "samples"}


@pytest.mark.parametrize(("folder", "name"), [(folder, name) for folder, names in TWINS.items() for name in names])
def test_copy_in_repo_equals_its_twin_in_shared(folder: str, name: str):
    copy = ROOT / folder / name
    assert copy.is_file() and copy.stat().st_size > 0, f"{copy} missing: the repo must carry its own copy"
    twin = SHARED_DIRS[folder] / name
    if twin.exists():
        assert copy.read_bytes() == twin.read_bytes(), f"{copy} differs from {twin}: copy the new version over"


def test_shared_holds_nothing_the_repo_lacks():
    """A new doc or sample in ../shared must be brought into the repo too."""
    for folder, shared in SHARED_DIRS.items():
        if shared.is_dir():
            assert {p.name for p in shared.iterdir() if p.is_file()} <= set(TWINS[folder])


def test_nothing_in_the_repo_reads_shared():
    """No test, script or setting may depend on ../shared existing."""
    offenders = []
    for path in ROOT.rglob("*"):
        if any(part in {".git", ".venv", "node_modules", "var", "test-artifacts", "vendor"} for part in path.parts):
            continue
        if path.suffix in {".py", ".sh", ".toml", ".cfg", ".yml", ".yaml", ".md", ".html", ".js"} or path.name in {
            "run",
            "demo",
            "test",
        }:
            if path == Path(__file__) or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="ignore")
            if "../shared" in text or "/work/shared" in text or '"shared" / "samples"' in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
