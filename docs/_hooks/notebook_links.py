"""MkDocs hook: make the links in rendered notebooks point at the built pages.

mkdocs-jupyter renders a notebook's Markdown cells itself, so MkDocs neither rewrites their
relative links (``../discussion/stability.md#sim``) to the built pages nor checks them. This
hook does both for notebook pages: ``X.md`` and ``X.ipynb`` become ``X.html`` (the site uses
``use_directory_urls: false``), and a link to a page that does not exist is a warning, which
``mkdocs build --strict`` turns into an error.
"""

from __future__ import annotations

import logging
import posixpath
import re
from typing import Any

log = logging.getLogger("mkdocs.hooks.notebook_links")

_LINK = re.compile(r'href="(?![a-z][a-z0-9+.\-]*:|#|/)([^"#?]+?)\.(md|ipynb)(#[^"]*)?"')


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """Rewrite and check the relative links of a notebook page."""
    src = page.file.src_uri
    if not src.endswith(".ipynb"):
        return html

    def fix(match: re.Match[str]) -> str:
        stem, ext, anchor = match.group(1), match.group(2), match.group(3) or ""
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src), f"{stem}.{ext}"))
        if files.get_file_from_path(target) is None:
            log.warning("%s: link to %s.%s, which is not a page of the site", src, stem, ext)
        return f'href="{stem}.html{anchor}"'

    return _LINK.sub(fix, html)
