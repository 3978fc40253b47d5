"""Signals the registry data sends; `collection` connects to them in its AppConfig.ready()."""

from django.dispatch import Signal

# Sent after the admin exported people's data (the land users' list), so that the export is logged
# (collection.export_log). kwargs: request, kind, land_user_ids, rows, scope, full_ids.
personal_data_exported = Signal()
