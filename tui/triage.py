"""Triage state: read/unread, a decision (kept/starred/discarded) and tags per page, kept in SQLite.

App-level state, not engine (no Textual import). One :class:`TriageStore` is one
state file (default under platformdirs' ``user_state_dir("newsread")``).

How the app uses it::

    store, notices = open_store(state_path)        # show `notices` to the user
    tracked = track_paths(paths)                   # [(Source, PageRef)], ids as iter_sources gives them
    store.attach([ref for _, ref in tracked])      # this session's pages, by page id
    store.set_info_many([PageInfo(id, title, site, date, body), ...])   # after cleaning, in batches
    store.opened("a.txt")                          # shown: read (not an undo step)
    store.keep(["a.txt"])                          # one key = one action = one committed transaction
    store.undo(); store.redo()
    store.query(Filter(statuses=frozenset({"unread"}), text="harbour"))   # page ids, in attach order
    store.counts()

Every method may raise :class:`StateError` (e.g. the disk is full); its message is
meant for the user. Use the store from one thread only (the app's main thread).

Identity: a page is found by the sha256 of its raw bytes first (so renaming a
file or moving the folder keeps its state), then by its folder and relative
path (so editing a file in place keeps it too). Identical copies in one folder
each have a row here; the reader's session acts on all of them at once, so to
the user identical files are the same page (see triage_session.with_copies).

Durability: every action is one transaction committed with ``synchronous=FULL``
in WAL mode, so once a call returns the action survives SIGKILL and power loss.
FULL costs one fsync per action (~5-30 ms); triage actions come at human speed,
so that is cheap, while NORMAL could drop the last actions on power loss. Bulk
writes are one transaction each; set_info_many (derived data the app can
recompute) is written with NORMAL.

Undo/redo: a durable action log (table ``actions``) holds each action's before
and after values, so undo works after a restart or a crash, in the same
transaction as the change itself. The log is a stack: a new action drops what
was undone. Undo and redo only see actions on the pages of the current session.
Automatic "read when opened" (:meth:`TriageStore.opened`) is not logged, so undo
after opening a page undoes the last real decision.

Why one module over 600 lines: it is the state file's schema and every transaction on it; what it promises
(one key = one committed transaction, undo across runs, the migrations) holds only if all its SQL is read
together. The reader's side of triage is in :mod:`.triage_session` and :mod:`.triage_actions`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from newsread.cleaners import Source
from newsread.cleaners.files import open_regular
from newsread.cleaners.loading import iter_given

from .dates import readings

SCHEMA_VERSION = 1
DECISIONS = ("none", "kept", "starred", "discarded")
STATUSES = ("unread", "read", "undecided", "kept", "starred", "discarded")
BODY_LIMIT = 8000  # characters of clean body kept for text search: enough to find a story, bounded file size
LOG_LIMIT = 2000  # undo history kept on disk

Decision = Literal["none", "kept", "starred", "discarded"]


class StateError(Exception):
    """The state file cannot be used; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class PageRef:
    """How one page of this session is identified: the app's page id, its folder, path in it, content hash."""

    page_id: str
    root: str
    relpath: str
    hash: str


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What the app learned by cleaning a page, stored for filters (body is truncated to BODY_LIMIT)."""

    page_id: str
    title: str | None = None
    site: str | None = None
    date: str | None = None
    body: str = ""


@dataclass(frozen=True, slots=True)
class PageState:
    page_id: str
    read: bool = False
    decision: Decision = "none"
    tags: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """The decision, or "undecided"."""
        return "undecided" if self.decision == "none" else self.decision


@dataclass(frozen=True, slots=True)
class Filter:
    """Which pages to show. Every given criterion must hold (AND); within ``statuses`` any one (OR).

    statuses: any of STATUSES. tags: the page has every one. site: case-insensitive substring.
    dates: the page's date is in any of these ranges ``(from, to)``, inclusive, either end open (None), compared as
    text on ISO dates ("2024", "2024-05" and "2024-05-03" all work as bounds); a page dated in figures that read
    both ways (``05/06/2019``) is in a range when either reading is (:func:`~newsread.tui.dates.readings`).
    text: every word of it starts a word of the title or body (any case, accents ignored, any order: "harb lev"
    finds "Harbour levy"); without SQLite FTS5, or for scripts written without spaces (CJK, Thai), each part is a
    case-insensitive substring instead.
    """

    statuses: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    site: str | None = None
    dates: tuple[tuple[str | None, str | None], ...] = ()
    text: str | None = None

    def __post_init__(self) -> None:
        unknown = set(self.statuses) - set(STATUSES)
        if unknown:
            raise ValueError(f"unknown status {', '.join(sorted(unknown))}: use {', '.join(STATUSES)}")


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What an action, undo or redo did: ``page_ids`` of this session it changed, a line for the status bar, and
    ``step``: the undo step it made, undid or redid (None when nothing changed)."""

    description: str
    page_ids: tuple[str, ...] = ()
    changed: int = 0
    step: int | None = None


@dataclass(slots=True)
class _Change:
    row: int
    field: str  # "decision", "read" or "tag:<name>"
    before: Any
    after: Any


def default_state_path() -> Path:
    """``<user_state_dir>/newsread/triage.sqlite3``."""
    from platformdirs import user_state_dir

    return Path(user_state_dir("newsread")) / "triage.sqlite3"


def content_hash(path: str | os.PathLike[str]) -> str:
    """sha256 of a file's raw bytes (as stored, compressed or not)."""
    h = hashlib.sha256()
    with open_regular(path) as fh:  # a FIFO or a device is never opened (it would block or never end)
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def track_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    stop: Callable[[], bool] | None = None,
    skip: Container[str] = (),
) -> list[tuple[Source, PageRef]]:
    """The pages under ``paths`` with their refs; ids are the ones ``iter_sources(paths)`` gives.

    A file that cannot be read is hashed as its path (it keeps state by path only).
    ``stop`` is asked before each file (the reader quitting while a big folder is hashed):
    when it says True, what was hashed so far is returned. Pages whose id is in ``skip`` are left out
    (not hashed): a folder scanned again hashes only its new pages.
    """
    out: list[tuple[Source, PageRef]] = []
    for path, prefix, source in iter_given(paths):
        if stop is not None and stop():
            return out
        if source.id in skip:
            continue
        try:
            digest = content_hash(source.file)
        except OSError:
            digest = "unreadable:" + source.id
        root = os.path.abspath(path if path.is_dir() else path.parent)
        relpath = source.id[len(prefix) :]
        out.append((source, PageRef(source.id, root, relpath, digest)))
    return out


def _reads_in(date: str, low: str | None, high: str | None) -> bool:
    """Whether a date in figures that reads both ways (``05/06/2019``) has a reading from ``low`` to ``high``
    (either None: open; ``high`` takes in every day that starts so): the filter's ``date:`` in SQL."""
    return any((low is None or day >= low) and (high is None or day < high + "\uffff") for day in readings(date))


_SCHEMA = """
CREATE TABLE pages(
    row INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    root TEXT NOT NULL,
    relpath TEXT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0,
    decision TEXT NOT NULL DEFAULT 'none' CHECK (decision IN ('none', 'kept', 'starred', 'discarded')),
    site TEXT,
    date TEXT,
    seen REAL NOT NULL
);
CREATE INDEX pages_hash ON pages(hash);
CREATE INDEX pages_path ON pages(relpath, root);
CREATE INDEX pages_decision ON pages(decision, read);
CREATE INDEX pages_date ON pages(date);
CREATE TABLE tags(
    tag TEXT NOT NULL,
    row INTEGER NOT NULL REFERENCES pages(row) ON DELETE CASCADE,
    PRIMARY KEY (tag, row)
) WITHOUT ROWID;
CREATE INDEX tags_row ON tags(row);
CREATE TABLE texts(
    row INTEGER PRIMARY KEY REFERENCES pages(row) ON DELETE CASCADE,
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT ''
);
CREATE TABLE actions(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    description TEXT NOT NULL,
    changes TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE action_rows(
    row INTEGER NOT NULL,
    seq INTEGER NOT NULL REFERENCES actions(seq) ON DELETE CASCADE,
    PRIMARY KEY (row, seq)
) WITHOUT ROWID;
CREATE INDEX action_rows_seq ON action_rows(seq);
"""


# Word index (accents folded, prefixes of 2-3 letters indexed): far smaller and quicker to build than trigrams.
# detail='none': no positions are stored (queries are words, not phrases), which keeps the index small.
_FTS = (
    "fts5(title, body, content='texts', content_rowid='row', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3', detail='none')"
)
_WORDS = re.compile(r"\w+")
# Scripts written without spaces between words: the word index cannot find text inside such runs.
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _fts5(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute(f"CREATE VIRTUAL TABLE temp.probe USING {_FTS}")
        conn.execute("DROP TABLE temp.probe")
        return True
    except sqlite3.DatabaseError:
        return False


def _set_aside(path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    path.rename(target)
    for suffix in ("-wal", "-shm"):  # the journal belongs to the corrupt file; keep it with it
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


class _Damaged(sqlite3.DatabaseError):
    """The integrity check found damage."""


_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


class TriageStore:
    """Triage state over one SQLite file. Not thread-safe: use it from one thread (the app's).

    Open with :func:`open_store` (handles corrupt and newer files); the constructor raises
    :class:`StateError` instead. ``path=":memory:"`` gives a store that saves nothing.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._ids: dict[int, str] = {}  # row -> page id, this session
        self._rows: dict[str, int] = {}  # page id -> row
        memory = self.path == ":memory:"
        self._order: list[str] = []
        if not memory:
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StateError(f"cannot create the folder for state file {self.path}: {exc}") from exc
        try:
            # check_same_thread=False: the reader opens the store in a worker (hashing, integrity check) and then
            # hands it to its main thread for good; it is never used by two threads at once.
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA busy_timeout = 5000")  # a second reader on the same state waits, briefly
            self.conn.create_function("newsread_reads_in", 3, _reads_in, deterministic=True)
            self._check_and_migrate()
        except (sqlite3.Error, StateError) as exc:
            with contextlib.suppress(Exception):
                self.conn.close()
            if isinstance(exc, StateError):
                raise
            if isinstance(exc, _Damaged) or getattr(exc, "sqlite_errorcode", None) in _CORRUPT_CODES:
                raise CorruptState(f"state file {self.path} is not a readable newsread state ({exc})") from exc
            # Busy, read-only, missing permissions...: the file may be fine, so it is never moved aside.
            raise StateError(f"cannot use state file {self.path}: {exc}. Use --state PATH for another file.") from exc
        self.conn.execute("CREATE TEMP TABLE session(row INTEGER PRIMARY KEY, page_id TEXT NOT NULL UNIQUE)")

    # -- opening -------------------------------------------------------------------------------------------------

    def _check_and_migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise NewerState(
                f"state file {self.path} was written by a newer newsread (state version {version}, "
                f"this one knows {SCHEMA_VERSION})"
            )
        ok = self.conn.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise _Damaged(f"integrity check failed: {ok}")
        if version == 0 and self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise StateError(  # someone else's database: never moved aside or written, just refused
                f"{self.path} is an SQLite database but not a newsread state file: use --state with another path"
            )
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        if version == 0:
            with self._transaction():
                # Another newsread may have created the schema since user_version was read.
                if self.conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                    self._create_schema()
        self.fts = self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'pages_text'").fetchone() is not None

    def _create_schema(self) -> None:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                self.conn.execute(statement)
        if _fts5(self.conn):  # word search for titles and bodies; LIKE when SQLite lacks FTS5
            self.conn.execute(f"CREATE VIRTUAL TABLE pages_text USING {_FTS}")
        self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _transaction(self) -> contextlib.AbstractContextManager[None]:
        return _transaction(self.conn, self.path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> TriageStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- this session's pages ------------------------------------------------------------------------------------

    def attach(self, refs: Iterable[PageRef]) -> None:
        """Make these pages this session's (replacing any earlier set): find each one's state, or start it.

        Lookup order per page: same hash and path; same hash (renamed or moved: its path is
        updated); same folder and path (edited in place: its hash is updated); else a new page.
        A stored page is claimed by at most one page of the session (identical copies get their own).
        """
        refs = [replace(r, root=_db(r.root), relpath=_db(r.relpath), hash=_db(r.hash)) for r in refs]
        claimed: set[int] = set()
        pending: list[PageRef] = []
        mapping: dict[str, int] = {}
        cur = self.conn
        now = time.time()

        # One read of the identity columns, matched in memory: far quicker than queries per page.
        by_hash: dict[str, list[tuple[int, str, str]]] = {}
        by_path: dict[tuple[str, str], list[int]] = {}
        known: dict[int, tuple[str, str, str]] = {}
        for row, digest, root, relpath in cur.execute("SELECT row, hash, root, relpath FROM pages ORDER BY seen DESC"):
            by_hash.setdefault(digest, []).append((row, root, relpath))
            by_path.setdefault((root, relpath), []).append(row)
            known[row] = (digest, root, relpath)

        def pick(ref: PageRef) -> int | None:
            same = [c for c in by_hash.get(ref.hash, ()) if c[0] not in claimed]
            exact = [c for c in same if c[2] == ref.relpath]
            exact.sort(key=lambda c: c[1] != ref.root)  # same folder first
            for row, _, _ in exact or same:
                return row
            for row in by_path.get((ref.root, ref.relpath), ()):
                if row not in claimed:
                    return row
            return None

        updates: list[tuple[str, str, str, float, int]] = []
        for ref in refs:
            found = pick(ref)
            if found is None:
                pending.append(ref)
                continue
            claimed.add(found)
            mapping[ref.page_id] = found
            if known[found] != (ref.hash, ref.root, ref.relpath):  # only moved, renamed or edited pages are written
                updates.append((ref.hash, ref.root, ref.relpath, now, found))
        if updates or pending:
            with self._transaction():
                cur.executemany("UPDATE pages SET hash = ?, root = ?, relpath = ?, seen = ? WHERE row = ?", updates)
                for ref in pending:
                    c = cur.execute(
                        "INSERT INTO pages(hash, root, relpath, seen) VALUES (?, ?, ?, ?)",
                        (ref.hash, ref.root, ref.relpath, now),
                    )
                    assert c.lastrowid is not None
                    mapping[ref.page_id] = c.lastrowid
        cur.execute("BEGIN")  # the session table is temporary: one transaction, no lock on the state file
        cur.execute("DELETE FROM temp.session")
        cur.executemany(
            "INSERT INTO temp.session(row, page_id) VALUES (?, ?)", [(r, _db(p)) for p, r in mapping.items()]
        )
        cur.execute("COMMIT")
        self._rows = mapping
        self._ids = {r: p for p, r in mapping.items()}
        self._order = [ref.page_id for ref in refs]

    def set_info_many(self, infos: Iterable[PageInfo]) -> None:
        """Store title/site/date/body (body cut to BODY_LIMIT) for the filters, in one transaction.

        Pages whose info did not change are not written, so calling this again on every start
        is cheap. Call it with batches (e.g. every few hundred pages cleaned, and at the end),
        not once per page: each call is one transaction. This is derived data (the app can
        compute it again), so it is written with synchronous=NORMAL: no fsync per batch.
        """
        self.conn.execute("PRAGMA synchronous = NORMAL")
        try:
            _write_infos(self.conn, self.path, self._rows, self.fts, infos)
        finally:
            self.conn.execute("PRAGMA synchronous = FULL")

    def info_writer(self) -> InfoWriter | None:
        """A writer of :meth:`set_info_many` for another thread, through a connection of its own (None for a
        store in memory, which no other connection can reach)."""
        if self.path == ":memory:":
            return None
        try:
            return InfoWriter(self)
        except sqlite3.Error:
            return None

    def set_info(self, info: PageInfo) -> None:
        """Store one page's cleaned title/site/date/body (see :meth:`set_info_many`)."""
        self.set_info_many([info])

    # -- reading state -------------------------------------------------------------------------------------------

    def state(self, page_id: str) -> PageState:
        return self.states([page_id]).get(page_id, PageState(page_id))

    def states(self, page_ids: Iterable[str] | None = None) -> dict[str, PageState]:
        """State of the given pages (default: every page of the session), by page id.

        After an action, refresh the list with ``states(result.page_ids)``: a few pages are quick.
        """
        wanted = list(self._rows) if page_ids is None else [p for p in page_ids if p in self._rows]
        tags: dict[int, list[str]] = {}
        info: dict[int, tuple[int, Decision]] = {}
        chunks: list[tuple[str, tuple[int, ...]]]
        if page_ids is None or len(wanted) > 2000:
            chunks = [("JOIN temp.session s ON s.row = {t}.row", ())]
        else:
            rows = [self._rows[p] for p in wanted]
            chunks = [
                ("WHERE {t}.row IN (" + ",".join("?" * len(part)) + ")", tuple(part))
                for part in (rows[i : i + 500] for i in range(0, len(rows), 500))
            ]
        for clause, args in chunks:
            for tag, row in self.conn.execute(
                "SELECT t.tag, t.row FROM tags t " + clause.format(t="t") + " ORDER BY t.tag", args
            ):
                tags.setdefault(row, []).append(tag)
            for row, read, decision in self.conn.execute(
                "SELECT p.row, p.read, p.decision FROM pages p " + clause.format(t="p"), args
            ):
                info[row] = (read, decision)
        out: dict[str, PageState] = {}
        for pid in wanted:
            row = self._rows[pid]
            read, decision = info.get(row, (0, "none"))
            out[pid] = PageState(pid, bool(read), decision, tuple(tags.get(row, ())))
        return out

    def all_tags(self) -> list[tuple[str, int]]:
        """Tags used in this session, with how many pages carry each."""
        return [
            (t, n)
            for t, n in self.conn.execute(
                "SELECT t.tag, count(*) FROM tags t JOIN temp.session s ON s.row = t.row GROUP BY t.tag ORDER BY t.tag"
            )
        ]

    def counts(self) -> dict[str, int]:
        """Pages of this session per status: unread, read, undecided, kept, starred, discarded, and total."""
        out = dict.fromkeys(STATUSES, 0)
        for decision, read, n in self.conn.execute(
            "SELECT p.decision, p.read, count(*) FROM pages p JOIN temp.session s ON s.row = p.row "
            "GROUP BY p.decision, p.read"
        ):
            out["undecided" if decision == "none" else decision] += n
            out["read" if read else "unread"] += n
        out["total"] = len(self._order)
        return out

    def query(self, flt: Filter) -> list[str]:
        """Page ids of this session matching ``flt``, in the order they were attached."""
        where: list[str] = []
        args: list[Any] = []
        if flt.statuses:
            ors = []
            for status in sorted(flt.statuses):
                if status in ("read", "unread"):
                    ors.append(f"p.read = {1 if status == 'read' else 0}")
                else:
                    ors.append("p.decision = ?")
                    args.append("none" if status == "undecided" else status)
            where.append("(" + " OR ".join(ors) + ")")
        for tag in sorted(flt.tags):
            where.append("EXISTS (SELECT 1 FROM tags t WHERE t.tag = ? AND t.row = p.row)")
            args.append(tag)
        if flt.site:
            where.append("p.site LIKE ? ESCAPE '\\'")
            args.append(f"%{_like(flt.site)}%")
        if flt.dates:
            ors = []
            for low, high in flt.dates:
                # ISO dates by the index; a date in figures that reads both ways by its readings (few pages)
                ors.append(
                    "(p.date GLOB '[0-9][0-9][0-9][0-9]*' AND p.date >= ? AND p.date < ?"
                    " OR p.date GLOB '*[0-9][./-]*[0-9][0-9][0-9][0-9]*' AND newsread_reads_in(p.date, ?, ?))"
                )
                args += [low or "", (high or "9999") + "\uffff", low, high]  # (to: every date that starts so)
            where.append("(" + " OR ".join(ors) + ")")
        text = (flt.text or "").strip()
        words = _WORDS.findall(text)
        if text and self.fts and words and not _UNSPACED.search(text):
            # every word of the query starts a word of the title or body, in any order
            where.append("p.row IN (SELECT rowid FROM pages_text WHERE pages_text MATCH ?)")
            args.append(" AND ".join('"' + w + '"*' for w in words))
        elif text and _UNSPACED.search(text):
            # no case to fold in these scripts: instr() is several times quicker than LIKE
            where.append("p.row IN (SELECT t.row FROM texts t WHERE instr(t.title, ?) OR instr(t.body, ?))")
            args += [text, text]
        elif text:
            for part in text.split():
                where.append(
                    "p.row IN (SELECT t.row FROM texts t WHERE t.title LIKE ? ESCAPE '\\' OR t.body LIKE ? ESCAPE '\\')"
                )
                args += [f"%{_like(part)}%"] * 2
        sql = "SELECT s.page_id FROM pages p JOIN temp.session s ON s.row = p.row"
        if where:
            sql += " WHERE " + " AND ".join(where)
        found = {pid for (pid,) in self.conn.execute(sql, args)}
        return [pid for pid in self._order if _db(pid) in found]

    def next_unread(self, order: Sequence[str], current: str | None) -> str | None:
        """The first unread page after ``current`` in ``order`` (wrapping round), or None when all are read."""
        unread = set(self.query(Filter(statuses=frozenset({"unread"}))))
        return _next_in(order, current, unread)

    def next_undecided(self, order: Sequence[str], current: str | None) -> str | None:
        """The first undecided page after ``current`` in ``order`` (wrapping round), or None."""
        undecided = set(self.query(Filter(statuses=frozenset({"undecided"}))))
        return _next_in(order, current, undecided)

    # -- where the reader was --------------------------------------------------------------------------------------

    def place(self, key: str) -> str | None:
        """The page (its id in this session) last read with the folders ``key`` open, or None.

        The table is created by the first :meth:`set_place`: a state file of an older newsread has none (and an
        older newsread ignores it)."""
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'places'").fetchone() is None:
            return None
        found = self.conn.execute("SELECT row FROM places WHERE folders = ?", (_db(key),)).fetchone()
        return self._ids.get(found[0]) if found is not None else None

    def set_place(self, key: str, page_id: str) -> None:
        """Remember ``page_id`` as the page last read with the folders ``key`` open (a page keeps its place when its
        file is renamed, as its triage does)."""
        row = self._rows.get(page_id)
        if row is None:
            return
        with self._transaction():
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS places(folders TEXT PRIMARY KEY, row INTEGER NOT NULL, at REAL NOT NULL)"
            )
            self.conn.execute(
                "INSERT INTO places(folders, row, at) VALUES (?, ?, ?)"
                " ON CONFLICT(folders) DO UPDATE SET row = excluded.row, at = excluded.at",
                (_db(key), row, time.time()),
            )

    # -- actions -------------------------------------------------------------------------------------------------

    def opened(self, page_id: str) -> None:
        """The page was shown: mark it read. Not an undoable action (undo is for decisions)."""
        row = self._rows.get(page_id)
        if row is None:
            return
        with self._transaction():
            self.conn.execute("UPDATE pages SET read = 1 WHERE row = ? AND read = 0", (row,))

    def set_read(self, page_ids: Sequence[str], read: bool) -> ActionResult:
        """Mark pages read or unread (an undoable action)."""
        return self._act(page_ids, "read", int(read), f"marked {'read' if read else 'unread'}")

    def decide(self, page_ids: Sequence[str], decision: Decision, *, toggle: bool = False) -> ActionResult:
        """Set the decision of pages. With ``toggle``, pages that all have it already go back to undecided."""
        if decision not in DECISIONS:
            raise ValueError(f"unknown decision {decision!r}: use {', '.join(DECISIONS)}")
        if toggle and page_ids and all(self.state(p).decision == decision for p in page_ids):
            return self._act(page_ids, "decision", "none", f"un{_verb(decision)}")
        return self._act(page_ids, "decision", decision, _verb(decision) if decision != "none" else "undecided")

    def keep(self, page_ids: Sequence[str]) -> ActionResult:
        return self.decide(page_ids, "kept", toggle=True)

    def star(self, page_ids: Sequence[str]) -> ActionResult:
        return self.decide(page_ids, "starred", toggle=True)

    def discard(self, page_ids: Sequence[str]) -> ActionResult:
        return self.decide(page_ids, "discarded", toggle=True)

    def tag(self, page_ids: Sequence[str], tag: str) -> ActionResult:
        tag = _clean_tag(tag)
        return self._act(page_ids, f"tag:{tag}", True, f"tagged {tag!r}")

    def untag(self, page_ids: Sequence[str], tag: str) -> ActionResult:
        tag = _clean_tag(tag)
        return self._act(page_ids, f"tag:{tag}", False, f"untagged {tag!r}")

    def _read_field(self, row: int, fld: str) -> Any:
        if fld.startswith("tag:"):
            return (
                self.conn.execute("SELECT 1 FROM tags WHERE tag = ? AND row = ?", (fld[4:], row)).fetchone() is not None
            )
        r = self.conn.execute(f"SELECT {fld} FROM pages WHERE row = ?", (row,)).fetchone()
        return None if r is None else r[0]

    def _write_field(self, row: int, fld: str, value: Any) -> None:
        if fld.startswith("tag:"):
            if value:
                self.conn.execute("INSERT OR IGNORE INTO tags(tag, row) VALUES (?, ?)", (fld[4:], row))
            else:
                self.conn.execute("DELETE FROM tags WHERE tag = ? AND row = ?", (fld[4:], row))
        elif fld in ("decision", "read"):
            self.conn.execute(f"UPDATE pages SET {fld} = ? WHERE row = ?", (value, row))
        else:
            raise ValueError(f"unknown field {fld!r}")

    def _act(self, page_ids: Sequence[str], fld: str, value: Any, verb: str) -> ActionResult:
        unknown = [p for p in page_ids if p not in self._rows]
        if unknown:
            raise KeyError(f"not a page of this session: {unknown[0]}")
        with self._transaction():
            changes: list[_Change] = []
            for pid in dict.fromkeys(page_ids):
                row = self._rows[pid]
                before = self._read_field(row, fld)
                if before != value:
                    self._write_field(row, fld, value)
                    changes.append(_Change(row, fld, before, value))
            if not changes:
                return ActionResult(f"nothing to change: already {verb}")
            description = f"{verb} {_pages(len(changes))}"
            payload = json.dumps([[c.row, c.field, c.before, c.after] for c in changes])
            self.conn.execute(f"DELETE FROM actions WHERE undone = 1 AND {_IN_SESSION}")  # ends the redo branch
            seq = self.conn.execute(
                "INSERT INTO actions(at, description, changes) VALUES (?, ?, ?)", (time.time(), description, payload)
            ).lastrowid
            self.conn.executemany(
                "INSERT OR IGNORE INTO action_rows(row, seq) VALUES (?, ?)", [(c.row, seq) for c in changes]
            )
            self.conn.execute("DELETE FROM actions WHERE seq <= (SELECT max(seq) FROM actions) - ?", (LOG_LIMIT,))
        return self._result(description, changes, seq)

    def _result(self, description: str, changes: list[_Change], step: int | None) -> ActionResult:
        ids = tuple(dict.fromkeys(self._ids[c.row] for c in changes if c.row in self._ids))
        return ActionResult(description, ids, len(changes), step)

    def can_undo(self) -> bool:
        return self.conn.execute(f"SELECT 1 FROM actions WHERE undone = 0 AND {_IN_SESSION}").fetchone() is not None

    def can_redo(self) -> bool:
        return self.conn.execute(f"SELECT 1 FROM actions WHERE undone = 1 AND {_IN_SESSION}").fetchone() is not None

    def undo(self) -> ActionResult:
        """Undo the latest action on this session's pages still in effect (also one from an earlier run).

        Undo and redo only see actions on pages of this session, so undo in one folder never
        changes pages of another folder you triaged before.
        """
        with self._transaction():
            r = self.conn.execute(
                "SELECT seq, description, changes FROM actions "
                f"WHERE undone = 0 AND {_IN_SESSION} ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            if r is None:
                return ActionResult("nothing to undo")
            changes = [_Change(*c) for c in json.loads(r[2])]
            for c in reversed(changes):
                self._write_field(c.row, c.field, c.before)
            self.conn.execute("UPDATE actions SET undone = 1 WHERE seq = ?", (r[0],))
        return self._result(f"undid: {r[1]}", changes, r[0])

    def redo(self) -> ActionResult:
        """Redo the earliest undone action on this session's pages."""
        with self._transaction():
            r = self.conn.execute(
                f"SELECT seq, description, changes FROM actions WHERE undone = 1 AND {_IN_SESSION} ORDER BY seq LIMIT 1"
            ).fetchone()
            if r is None:
                return ActionResult("nothing to redo")
            changes = [_Change(*c) for c in json.loads(r[2])]
            for c in changes:
                self._write_field(c.row, c.field, c.after)
            self.conn.execute("UPDATE actions SET undone = 0 WHERE seq = ?", (r[0],))
        return self._result(f"redid: {r[1]}", changes, r[0])


_IN_SESSION = "seq IN (SELECT ar.seq FROM action_rows ar JOIN temp.session s ON s.row = ar.row)"


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection, path: str) -> Iterator[None]:
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        # Nothing of the action was saved (one transaction); say so rather than crash the app.
        raise StateError(f"could not save triage to {path}: {exc}. The last action was not saved.") from exc


_Info = tuple[str, str | None, str | None, str]  # title, site, date, body as stored


def _write_infos(
    conn: sqlite3.Connection, path: str, rows: dict[str, int], fts: bool, infos: Iterable[PageInfo]
) -> None:
    """:meth:`TriageStore.set_info_many` through ``conn`` (``rows``: page id -> row of this session's pages)."""
    wanted: dict[int, _Info] = {}
    for info in infos:
        row = rows.get(info.page_id)
        if row is not None:
            wanted[row] = (
                _db(info.title or ""),
                _db(info.site) if info.site else info.site,
                _db(info.date) if info.date else info.date,
                _db((info.body or "")[:BODY_LIMIT]),
            )
    if not wanted:
        return
    current: dict[int, _Info] = {}
    ordered = list(wanted)
    for part in (ordered[i : i + 500] for i in range(0, len(ordered), 500)):
        # Only the rows being written: a scan of every stored body per batch grew with the folder.
        for row, title, site, date, body in conn.execute(
            "SELECT p.row, t.title, p.site, p.date, t.body FROM pages p JOIN texts t ON t.row = p.row "
            "WHERE p.row IN (" + ",".join("?" * len(part)) + ")",
            part,
        ):
            current[row] = (title, site, date, body)
    changed = [(row, value) for row, value in wanted.items() if current.get(row) != value]
    if not changed:
        return
    with _transaction(conn, path):
        if fts:
            # External-content FTS: an entry is removed with the values it was indexed with.
            conn.executemany(
                "INSERT INTO pages_text(pages_text, rowid, title, body) VALUES ('delete', ?, ?, ?)",
                [(row, current[row][0], current[row][3]) for row, _ in changed if row in current],
            )
        conn.executemany("UPDATE pages SET site = ?, date = ? WHERE row = ?", [(v[1], v[2], row) for row, v in changed])
        conn.executemany(
            "INSERT OR REPLACE INTO texts(row, title, body) VALUES (?, ?, ?)", [(row, v[0], v[3]) for row, v in changed]
        )
        if fts:
            conn.executemany(
                "INSERT INTO pages_text(rowid, title, body) VALUES (?, ?, ?)", [(row, v[0], v[3]) for row, v in changed]
            )


class InfoWriter:
    """Writes what cleaning learned to a store's word index from a thread of its own, through its own connection:
    SQLite does the indexing outside the interpreter lock, so the UI thread never waits for it. The store's pages
    (:meth:`TriageStore.attach`) are read from the store at each write."""

    def __init__(self, store: TriageStore) -> None:
        self._store = store
        self.conn = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
        try:
            self.conn.execute("PRAGMA busy_timeout = 5000")  # a triage action meanwhile waits for one batch at most
            self.conn.execute("PRAGMA synchronous = NORMAL")  # derived data: see the module's Durability
        except sqlite3.Error:
            self.conn.close()
            raise

    def set_info_many(self, infos: Iterable[PageInfo]) -> None:
        store = self._store
        try:
            _write_infos(self.conn, store.path, store._rows, store.fts, infos)
        except sqlite3.Error as exc:
            raise StateError(f"could not save triage to {store.path}: {exc}") from exc

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()


class CorruptState(StateError):
    """The state file is damaged or is not a newsread state file."""


class NewerState(StateError):
    """The state file was written by a newer newsread."""


def open_store(path: Path | None = None, *, for_writing: bool = True) -> tuple[TriageStore, list[str]]:
    """Open the state file (default :func:`default_state_path`); returns the store and notices to show the user.

    Never raises with ``for_writing=True`` (the reader): every problem becomes a notice.

    - Corrupt file (random bytes, failed integrity check): renamed ``<name>.corrupt-<UTC time>``
      (with its -wal/-shm), a fresh state is started and the notice says where the old one
      went. Nothing is deleted.
    - File from a newer newsread: never touched; this run triages in memory (not saved) and
      the notice says to upgrade newsread or use ``--state PATH``.
    - Anything else (not a newsread file, no permission, locked for long, corrupt file that
      cannot be moved): the file is left alone, this run triages in memory, the notice says why.
    With ``for_writing=False`` (the export command) these raise :class:`StateError` with the
    advice instead, so an export is never made from a state that was not read.
    """
    target = default_state_path() if path is None else Path(path)
    unsaved = "It is left untouched and triage in this run is not saved."
    try:
        return TriageStore(target), []
    except NewerState as exc:
        advice = "Upgrade newsread, or use --state PATH for a separate state file."
        if not for_writing:
            raise StateError(f"{exc}. {advice}") from exc
        return TriageStore(":memory:"), [f"{exc}. {unsaved} {advice}"]
    except CorruptState as exc:
        if not for_writing:
            raise StateError(
                f"{exc}. Open the folder in newsread to set it aside and start afresh, or use --state PATH."
            ) from exc
        try:
            aside = _set_aside(target)
            store = TriageStore(target)
        except (OSError, StateError) as again:
            return TriageStore(":memory:"), [
                f"{exc}; it could not be set aside ({again}). {unsaved} Use --state PATH for another file."
            ]
        return store, [f"{exc}. It was moved to {aside} and a fresh state was started; nothing was deleted."]
    except StateError as exc:
        if not for_writing:
            raise
        return TriageStore(":memory:"), [f"{exc} {unsaved}"]


def _next_in(order: Sequence[str], current: str | None, wanted: set[str]) -> str | None:
    if not order:
        return None
    start = 0
    if current is not None and current in order:
        start = list(order).index(current) + 1
    n = len(order)
    for i in range(n):
        pid = order[(start + i) % n]
        if pid in wanted and pid != current:
            return pid
    return None


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _db(text: str) -> str:
    """``text`` as SQLite can store it: file names with undecodable bytes (surrogate escapes) get them as
    ``\\xe9``; the same name always gives the same text, so identity by path still works."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "backslashreplace")
    return text


def _clean_tag(tag: str) -> str:
    tag = _db(" ".join(tag.split()))
    if not tag:
        raise ValueError("a tag cannot be empty")
    return tag


def _verb(decision: str) -> str:
    return {"kept": "kept", "starred": "starred", "discarded": "discarded"}.get(decision, decision)


def _pages(n: int) -> str:
    return f"{n} page" if n == 1 else f"{n} pages"
