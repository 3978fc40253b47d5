"""Small template helpers shared by every app's pages."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from collection.forms import html_text

register = template.Library()


@register.filter
def age(value: dt.datetime | None) -> str:
    """How long ago, in the largest whole unit ("3 ngày"): Django ships no Vietnamese timesince."""
    if value is None:
        return ""
    seconds = max(0, int((timezone.now() - value).total_seconds()))
    days, hours, minutes = seconds // 86400, seconds // 3600, seconds // 60
    if days:
        return ngettext("%(n)d ngày", "%(n)d ngày", days) % {"n": days}
    if hours:
        return ngettext("%(n)d giờ", "%(n)d giờ", hours) % {"n": hours}
    return ngettext("%(n)d phút", "%(n)d phút", minutes) % {"n": minutes}


@register.filter
def get_item(mapping: dict | None, key: str):
    """`mapping[key]` in a template, None when absent."""
    return (mapping or {}).get(key)


@register.simple_tag
def official_options(officials) -> SafeString:
    """`<option value="pk">label</option>` per (pk, label) of `official_choices`.

    In Python rather than a `{% for %}` in the page: the province admin's list offers every official
    of the province, and the loop took ~11 ms of each plot-list page (bench/plot_list.py)."""
    return mark_safe(  # noqa: S308  (every value is escaped by html_text)
        "".join(f'<option value="{html_text(pk)}">{html_text(label)}</option>' for pk, label in officials)
    )
