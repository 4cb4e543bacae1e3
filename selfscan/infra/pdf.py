"""HTML to PDF with WeasyPrint (which needs Debian's Pango: README, .ci/run).

The document comes complete: its stylesheets inline and its charts as inline SVG. WeasyPrint is
given a URL fetcher that fetches nothing, so that a document can never make the server read a
file or call another machine, whatever text ended up in it.
"""

from __future__ import annotations

from typing import Any


def html_to_pdf(html: str) -> bytes:
    """The PDF of a complete HTML document (A4 pages are set in its stylesheet)."""
    # Imported here: loading Pango costs time at start-up, and only PDFs need it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class FetchNothing(URLFetcher):  # type: ignore[misc]
        """Refuses every URL; WeasyPrint then leaves the resource out and goes on."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"Selfscan's PDFs fetch nothing: {url[:80]}")

    pdf = HTML(string=html, base_url=None, url_fetcher=FetchNothing()).write_pdf()
    assert pdf is not None
    return bytes(pdf)
