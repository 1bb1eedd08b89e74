"""Reports of a strategy analysis: terminal text and one self-contained HTML file."""

from detente.report.html import render_html
from detente.report.text import render_text

__all__ = ["render_html", "render_text"]
