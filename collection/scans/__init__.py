"""Scans of certificates and ID cards: upload, processing in the worker, QR reading, authorised serving.

- `processing.py` pure image functions (no Django); `qr.py` CCCD QR parsing;
  `services.py` writes (`scan_upload`, `scans_upload`, `scan_process`, `scan_open`, `scan_delete`);
  `selectors.py` what the panel shows; `views.py` thin views; the Celery task is
  `collection.tasks.process_scan` (queue "records").

Decisions:
- Uploads are allowed to officials/group leaders of the record's commune (and group) and to
  province admins, while the record is a draft or has been returned; reviewers only view.
- The upload request reads only the header (Pillow `open` + `verify`), hashes the upload and
  streams it to storage under `scans/<yyyy>/<mm>/<uuid>.<ext>`; the worker decodes it, turns it
  upright, re-encodes it as a JPEG without any metadata under a new name, and deletes the upload.
  A file the worker rejects (truncated, bomb) is deleted and the scan marked failed with a reason.
- Two hashes: `Scan.sha256` is the SHA-256 of the bytes as uploaded (duplicate detection on the
  record, DUPLICATE_SCAN across plots); `Scan.stored_sha256` is that of the cleaned file stored.
- `Scan.quality_note` holds codes ("blurred", "low_resolution") and `Scan.error` a rejection code;
  `selectors.py`/`services.ERROR_MESSAGES` turn them into translated messages.
- Every opening of a full image AND of a thumbnail is written to `DocumentAccess` (actions "view"
  and "thumbnail"): a thumbnail of an ID card is still personal data. The polled list keeps
  thumbnails with `hx-preserve`, so polling does not fetch (and log) them again.
- No public media URL: `MEDIA_URL` is never routed; files are streamed only by `scan_image` /
  `scan_thumbnail` after the scope check.
"""
