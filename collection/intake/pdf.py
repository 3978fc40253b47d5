"""The pages of a PDF (a CamScanner export, a scanner's file) as images, one per page, with pypdfium2.

Pages are rendered at 200 dpi, enough for the certificate's printed numbers and a CCCD's QR code; a
page larger than A3 is scaled down so that no image exceeds the scan limits.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pypdfium2 as pdfium

DPI = 200
MAX_SIDE = 4000  # px: an A3 page at 200 dpi is 3,300 px on its long side
MAX_PAGES = 50


class PdfRejected(ValueError):
    """Not a PDF that can be read (damaged, encrypted, or too many pages)."""


def is_pdf(head: bytes) -> bool:
    return head.startswith(b"%PDF-")


def pdf_pages(data: bytes, *, max_pages: int = MAX_PAGES) -> Iterator[tuple[int, bytes]]:
    """(page number from 1, JPEG bytes) for each page."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PdfRejected(str(exc)) from exc
    try:
        if len(document) == 0:
            raise PdfRejected("no pages")
        if len(document) > max_pages:
            raise PdfRejected(f"{len(document)} pages")
        for number in range(len(document)):
            page = document[number]
            width, height = page.get_size()  # points, 1/72 inch
            scale = min(DPI / 72, MAX_SIDE / max(width, height, 1))
            image = page.render(scale=scale).to_pil().convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=90)
            page.close()
            yield number + 1, out.getvalue()
    finally:
        document.close()
