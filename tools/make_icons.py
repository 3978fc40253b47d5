#!/usr/bin/env python3
"""Draw the portal's icons (favicon, app icons for the home screen) into static/img/. Pillow only.

A field of plots seen from above, in the portal's blue: plain shapes, so that it stays legible at 16 px
and needs no font. Run again after changing it; the PNGs are committed.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "img"
BLUE, LIGHT, GREEN = (11, 61, 110), (232, 240, 251), (27, 127, 59)


def icon(size: int, *, maskable: bool) -> Image.Image:
    image = Image.new("RGB", (size, size), BLUE)
    draw = ImageDraw.Draw(image)
    pad = size * (0.22 if maskable else 0.12)
    inner = size - 2 * pad
    gap = max(1, round(size * 0.035))
    cell = (inner - gap) / 2
    for row in range(2):
        for col in range(2):
            x0 = pad + col * (cell + gap)
            y0 = pad + row * (cell + gap)
            fill = GREEN if (row, col) == (1, 0) else LIGHT
            draw.rectangle((x0, y0, x0 + cell, y0 + cell), fill=fill)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        icon(size, maskable=True).save(OUT / f"icon-maskable-{size}.png", optimize=True)
    icon(180, maskable=False).save(OUT / "apple-touch-icon.png", optimize=True)
    icon(32, maskable=False).save(OUT / "favicon-32.png", optimize=True)
    icon(64, maskable=False).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
