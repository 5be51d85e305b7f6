"""The reader's widgets, each named for what it shows."""

from .cleaners_panel import CleanersPanel
from .help_screen import HelpScreen
from .page_list import PageList
from .reading_pane import ReadingPane

__all__ = ["CleanersPanel", "HelpScreen", "PageList", "ReadingPane"]
