"""newsread's cleaning engine: load scraped pages, annotate boilerplate with pluggable cleaners.

A pure library (no Textual): the reader, batch output and scores all read the
annotations it produces::

    from newsread.cleaners import Pipeline, load_pages

    pipeline = Pipeline.default()
    for cleaned in pipeline.clean_all(load_pages(["seeds/"])):
        print(cleaned.title, cleaned.body[:80])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import BaseCleaner, ChunkedFolderCleaner, Cleaner, Context, FolderCleaner
from .config import Config, ConfigError, default_config_path, load_config, parse_config
from .encoding import decode
from .inert import inert
from .loading import Source, iter_sources, load_page, load_pages, page_from_bytes
from .model import Annotation, Block, CleanedPage, CleanerError, Mark, Page, Segment
from .output import FORMATS, render, to_markdown, to_record, to_text
from .pipeline import Pipeline, Stage
from .registry import GROUP, CleanerInfo, discover_entry_points
from .textpage import text_page
from .version import __version__

if TYPE_CHECKING:
    from .htmlpage import html_page


def __getattr__(name: str) -> Any:
    # lxml is imported when HTML is first met: a reader of text folders starts ~25 ms sooner.
    if name == "html_page":
        from .htmlpage import html_page

        return html_page
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FORMATS",
    "GROUP",
    "Annotation",
    "BaseCleaner",
    "Block",
    "ChunkedFolderCleaner",
    "CleanedPage",
    "Cleaner",
    "CleanerError",
    "CleanerInfo",
    "Config",
    "ConfigError",
    "Context",
    "FolderCleaner",
    "Mark",
    "Page",
    "Pipeline",
    "Segment",
    "Source",
    "Stage",
    "__version__",
    "decode",
    "default_config_path",
    "discover_entry_points",
    "html_page",
    "inert",
    "iter_sources",
    "load_config",
    "load_page",
    "load_pages",
    "page_from_bytes",
    "parse_config",
    "render",
    "text_page",
    "to_markdown",
    "to_record",
    "to_text",
]
