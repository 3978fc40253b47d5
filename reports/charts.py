"""Server-side SVG chart of records collected per day with a 7-day trend line (no JS library)."""

from __future__ import annotations

import datetime as dt

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def moving_average(values: list[int], window: int = 7) -> list[float]:
    """Trailing mean over `window` days (fewer at the start)."""
    out: list[float] = []
    running = 0
    for i, value in enumerate(values):
        running += value
        if i >= window:
            running -= values[i - window]
        out.append(running / min(i + 1, window))
    return out


def fill_days(rows: list[tuple[dt.date, int]]) -> list[tuple[dt.date, int]]:
    """Every day between the first and last, with zero where nothing was collected."""
    if not rows:
        return []
    counts = dict(rows)
    day, last = rows[0][0], rows[-1][0]
    out = []
    while day <= last:
        out.append((day, counts.get(day, 0)))
        day += dt.timedelta(days=1)
    return out


def daily_chart(rows: list[tuple[dt.date, int]], *, width: int = 720, height: int = 220) -> SafeString:
    """Bars per day and a 7-day moving average, as inline accessible SVG."""
    days = fill_days(rows)
    title = _("Số bản ghi thu thập theo ngày")
    if not days:
        return format_html('<p class="muted">{}</p>', _("Chưa có bản ghi nào được thu thập."))
    left, bottom, top = 40, 24, 10
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max(n for _d, n in days) or 1
    step = plot_w / len(days)
    bar_w = max(1.0, step * 0.8)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#5b6575" stroke-width="1"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" font-size="11" fill="#5b6575">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="11" fill="#5b6575">0</text>',
    ]
    for i, (day, n) in enumerate(days):
        h = plot_h * n / peak
        x = left + i * step + (step - bar_w) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="#9cc0e6">'
            f"<title>{day:%d/%m/%Y}: {n}</title></rect>"
        )
    trend = moving_average([n for _d, n in days])
    points = " ".join(
        f"{left + i * step + step / 2:.1f},{top + plot_h - plot_h * v / peak:.1f}" for i, v in enumerate(trend)
    )
    parts.append(f'<polyline points="{points}" fill="none" stroke="#b3261e" stroke-width="2"/>')
    for i in sorted({0, len(days) // 2, len(days) - 1}):
        x = left + i * step + step / 2
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" font-size="11" fill="#5b6575">{days[i][0]:%d/%m}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (numbers, dates and an escaped title only)
