"""The print edition reaching the web: a page's OCR text parsed into stories (`parser.py`) and
imported as drafts through the editing services (`importer.py`), with its admin and form."""

from .parser import MAX_BYTES, ParsedPage, PrintPageError, Story, decode, parse

__all__ = ["MAX_BYTES", "ParsedPage", "PrintPageError", "Story", "decode", "parse"]
