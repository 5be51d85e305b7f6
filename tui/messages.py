"""What the reader is told of the work behind it: the folder session's events as Textual messages.

The session (:mod:`newsread.cleaners.session`) tells its events from whatever thread does the work; a
:class:`Relay` posts each as a message to the app, where it is handled on the UI thread like a key. Progress comes
once per page cleaned: it is coalesced, one :class:`PagesChanged` waiting at a time (the handler takes it before
looking, so nothing that happens after is missed).
"""

from __future__ import annotations

import threading

from textual.message import Message
from textual.message_pump import MessagePump

from newsread.cleaners.session import Event, FolderLearned, PageCleaned, PagesFound, Problem, Progress, StoriesFound


class PagesChanged(Message):
    """Pages were listed or cleaned (or the cleaners changed): the list, its title and the progress to redraw."""


class Learned(Message):
    """Folder-level cleaners learned from the folder: a page shown before is to be cleaned again."""


class Stories(Message):
    """The folder's stories were found: the list's folding and the open page's other versions."""


class WorkProblem(Message):
    """Something went wrong behind the reader (the cache, the workers); the reader goes on."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Relay:
    """A listener for the session's events that posts them to ``target`` as messages, once :meth:`start` is called
    (before, the app is not running: what happened then is read from the library as the app starts)."""

    def __init__(self) -> None:
        self._target: MessagePump | None = None
        self._waiting = threading.Event()  # a PagesChanged is posted and not yet handled

    def start(self, target: MessagePump) -> None:
        self._target = target

    def stop(self) -> None:
        self._target = None

    def taken(self) -> None:
        """The waiting PagesChanged is being handled: the next change posts another."""
        self._waiting.clear()

    def __call__(self, event: Event) -> None:
        target = self._target
        if target is None:
            return
        if isinstance(event, Progress | PagesFound | PageCleaned):
            if self._waiting.is_set():
                return
            self._waiting.set()
            target.post_message(PagesChanged())
        elif isinstance(event, FolderLearned):
            target.post_message(Learned())
        elif isinstance(event, StoriesFound):
            target.post_message(Stories())
        elif isinstance(event, Problem):
            target.post_message(WorkProblem(event.message))
