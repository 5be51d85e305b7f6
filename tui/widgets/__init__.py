"""The reader's widgets, each named for what it shows."""

from .cleaners_panel import CleanersPanel
from .document_view import DocumentView
from .help_screen import HelpScreen
from .page_list import PageList
from .prompt_bar import PromptBar
from .reading_pane import ReadingPane
from .removal_details import RemovalDetails
from .search_bar import SearchBar
from .status_bar import StatusBar
from .story_versions import StoryVersions

__all__ = [
    "CleanersPanel",
    "DocumentView",
    "HelpScreen",
    "PageList",
    "PromptBar",
    "ReadingPane",
    "RemovalDetails",
    "SearchBar",
    "StatusBar",
    "StoryVersions",
]
