"""Peak memory of the worker's photo processing for the largest photo the portal accepts.

Run from the repository root:

    python bench/scan_memory.py [--pixels 60000000] [--max-bytes 26214400] [--budget-mb 250]

1. Generates a JPEG of `--pixels` (default: the SCAN_MAX_PIXELS default, 60 MP, 3:2) that fits in
   `--max-bytes` (the SCAN_MAX_BYTES default, 25 MB): paper, lines of text, boxes, a CCCD QR code,
   EXIF orientation 6 (the phone held upright: the image must be turned) and GPS tags.
2. In a fresh Python process (so that nothing else counts), imports the processing module, reads
   the file and runs `collection.scans.processing.process_image` on it as the worker does for an
   ID card (full-resolution QR retry on), then prints the peak resident memory
   (`resource.getrusage(RUSAGE_SELF).ru_maxrss`), the same just after the imports, the size the
   photo is stored at and the QR text read.
Exits 1 when the peak is above `--budget-mb` or the QR code was not read.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from collection.scans import processing
after_imports = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
data = open(sys.argv[2], "rb").read()
started = time.monotonic()
result = processing.process_image(data, max_pixels=int(sys.argv[3]), qr_full_resolution_retry=True)
seconds = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({
    "peak_kb": peak, "after_imports_kb": after_imports, "seconds": round(seconds, 2),
    "stored": [result.width, result.height], "stored_bytes": len(result.image_bytes),
    "qr": result.qr_payload, "issues": [str(i) for i in result.issues],
}))
"""


def make_photo(pixels: int, max_bytes: int) -> tuple[bytes, tuple[int, int]]:
    """A `pixels`-pixel 3:2 document photo as JPEG, no larger than `max_bytes`."""
    from PIL import Image, ImageDraw

    from tests.collection.scans import images

    height = int(math.sqrt(pixels * 2 / 3))
    width = pixels // height
    tile = images.document_photo(1500, 1000, seed=5, noise=10)  # paper grain and text, tiled
    photo = Image.new("RGB", (width, height), (205, 205, 205))
    for y in range(0, height, tile.height):
        for x in range(0, width, tile.width):
            photo.paste(tile, (x, y))
    draw = ImageDraw.Draw(photo)
    draw.rectangle((width // 3 - 60, height // 3 - 60, width // 3 + 1500, height // 3 + 1500), fill=(250, 250, 250))
    photo.paste(images.qr_image(images.CCCD_PAYLOAD, scale=20), (width // 3, height // 3))
    exif = images.exif_with_orientation_and_gps(6)
    for quality in (90, 85, 80, 75, 70, 60):
        data = images.encode(photo, "JPEG", quality=quality, exif=exif)
        if len(data) <= max_bytes:
            return data, (width, height)
    raise SystemExit(f"could not fit {width}x{height} in {max_bytes} bytes")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pixels", type=int, default=60_000_000)
    parser.add_argument("--max-bytes", type=int, default=25 * 1024 * 1024)
    parser.add_argument("--budget-mb", type=float, default=250)
    parser.add_argument("--make", help=argparse.SUPPRESS)  # internal: write the photo to this path
    args = parser.parse_args()
    if args.make:
        data, (width, height) = make_photo(args.pixels, args.max_bytes)
        Path(args.make).write_bytes(data)
        print(width, height)
        return 0

    with tempfile.NamedTemporaryFile(suffix=".jpg") as handle:
        # Both steps in their own process: Linux keeps a process's peak RSS across fork and exec, so
        # the measuring process must be started by one that never held the big photo.
        made = subprocess.run(
            [
                sys.executable,
                __file__,
                "--make",
                handle.name,
                "--pixels",
                str(args.pixels),
                "--max-bytes",
                str(args.max_bytes),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        width, height = (int(v) for v in made.stdout.split())
        size = Path(handle.name).stat().st_size
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(ROOT), handle.name, str(args.pixels)],
            check=True,
            capture_output=True,
            text=True,
        )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    peak_mb = result["peak_kb"] / 1024
    print(f"photo: {width}x{height} ({width * height / 1e6:.1f} MP), {size / 1e6:.1f} MB JPEG, EXIF orientation 6")
    print(f"after imports: {result['after_imports_kb'] / 1024:.0f} MB")
    print(f"peak while processing: {peak_mb:.0f} MB (budget {args.budget_mb:.0f} MB), {result['seconds']} s")
    print(f"stored at {result['stored'][0]}x{result['stored'][1]}, {result['stored_bytes'] / 1e6:.1f} MB")
    print(f"QR read: {'yes' if result['qr'] else 'NO'}")
    ok = peak_mb <= args.budget_mb and bool(result["qr"])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
