"""Signals the campaign sends; `verification` connects to them in its AppConfig.ready()."""

from django.dispatch import Signal

# Sent after a record is submitted or resubmitted (inside the transaction). kwargs: record_id.
record_submitted = Signal()
# Sent once after many records were imported at once (inside the transaction). kwargs: record_ids.
records_imported = Signal()
# Sent after a scan has been processed. kwargs: scan_id.
scan_processed = Signal()
