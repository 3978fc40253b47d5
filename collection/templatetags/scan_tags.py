"""`{% scan_panel_data record as panel %}`: what the scan panel shows, for pages that include it."""

from django import template

from collection.scans.views import panel_data

register = template.Library()


@register.simple_tag(takes_context=True)
def scan_panel_data(context, record):
    return panel_data(context["request"], record)
