"""`{% scan_panel_data record as panel %}`: what the scan panel shows, for pages that include it."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def scan_panel_data(context, record):
    from collection.scans.views import panel_data

    return panel_data(context["request"], record)
