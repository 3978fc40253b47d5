"""Cost of encrypting scans at rest (collection.scans.encryption), per photo.

Run from the repository root (no database needed):

    .venv/bin/python bench/scan_encryption.py [--runs 50]

Makes a photo-like JPEG of a phone's size (3000×2250, ~1.5 MB), then times, `--runs` times each:
sealing it under AES-256-GCM (what an upload, the worker and rotate_scan_key add), opening it
again (what each authorised view adds), and the same for its ~30 KB thumbnail. Prints median and
p95 in milliseconds, and the throughput of the stream format used by backups.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def photo_bytes() -> bytes:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(1)
    pixels = rng.normal(200, 25, (2250, 3000, 3)).clip(0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, "JPEG", quality=70)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    from django.conf import settings

    settings.configure(SCAN_ENCRYPTION_KEYS="bench:" + base64.b64encode(os.urandom(32)).decode())
    from collection.scans import encryption

    photo = photo_bytes()
    while len(photo) < 1_400_000:  # a phone photo of 1–2 MB whatever the generator gives
        photo += photo[: 1_500_000 - len(photo)]
    thumb = photo[:30_000]
    sealed, _ = encryption.encrypt(photo)
    sealed_thumb, _ = encryption.encrypt(thumb)
    rows = [
        (f"photo {len(photo) / 1e6:.2f} MB encrypt", timed(lambda: encryption.encrypt(photo), args.runs)),
        (f"photo {len(photo) / 1e6:.2f} MB decrypt", timed(lambda: encryption.decrypt(sealed), args.runs)),
        (f"thumbnail {len(thumb) / 1e3:.0f} KB encrypt", timed(lambda: encryption.encrypt(thumb), args.runs)),
        (f"thumbnail {len(thumb) / 1e3:.0f} KB decrypt", timed(lambda: encryption.decrypt(sealed_thumb), args.runs)),
    ]
    for label, values in rows:
        print(f"{label:32} median {statistics.median(values):7.2f} ms   p95 {percentile(values, 0.95):7.2f} ms")

    size = 64 * 1024 * 1024
    data = os.urandom(size)
    started = time.perf_counter()
    raw = io.BytesIO()
    with encryption.EncryptingWriter(raw) as writer:
        for start in range(0, size, 1024 * 1024):
            writer.write(data[start : start + 1024 * 1024])
    seconds = time.perf_counter() - started
    print(f"{'backup stream encrypt':32} {size / seconds / 1e6:7.0f} MB/s")
    added = len(sealed) - len(photo)
    print(f"{'size added per photo':32} {added} bytes (header, nonce, tag)")


if __name__ == "__main__":
    main()
