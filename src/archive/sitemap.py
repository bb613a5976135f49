"""`sitemap.xml` (sitemaps.org 0.9) listing every HTML page of the site.

The protocol wants absolute URLs. With an absolute `base_url` they are; with a path base_url
(`/`, `/repo/`) each `<loc>` is that path plus the page, which search engines resolve against
the sitemap's own URL but which strict validators reject: set an absolute base_url for a site
that search engines should crawl. The 404 page is left out (it is not a page to index).
"""
from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from archive.config import ArchiveConfig
from archive.feeds import serialize

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
EXCLUDE_KINDS = {"not_found"}


def write_sitemap(pages, config: ArchiveConfig, out: Path) -> int:
    root = ET.Element("urlset", xmlns=NS)
    n = 0
    for spec in sorted(pages, key=lambda p: p.path):
        if spec.kind in EXCLUDE_KINDS:
            continue
        # index.html pages are served as their folder: list the URL people link to
        path = spec.path[: -len("index.html")] if spec.path.endswith("index.html") else spec.path
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = (config.base_url or "") + path
        art = spec.subject if spec.kind == "article" else None  # not its context: made only if needed
        if art is not None and art.date and art.date.day:
            ET.SubElement(url, "lastmod").text = art.date.iso()
        n += 1
    # ElementTree's bytes, written directly (feeds.serialize; the tests compare the two)
    (out / "sitemap.xml").write_bytes(serialize(root))
    return n
