"""A result cache on disk: what each cleaner said about a page, so an unchanged page is never cleaned twice.

A page's stage results are one row, keyed by the page key: a JSON object from
stage fingerprint to what that stage said. The page key hashes the page's
bytes and the format its file name implies; the stage fingerprint chains the
newsread version and the name, origin and options of every active cleaner up to
and including that stage — a cleaner's marks depend on what the earlier ones
removed. So changing cleaner k's options reuses the rows of stages before k and
recomputes k and what follows. A folder-level cleaner (one with ``fit``) depends
on what it learned from the whole folder: its fingerprint includes a digest of
that learned state, so it and the later stages are cached once it is fitted
(not before). The learned state itself is kept too, keyed by the folder's file
stamps (:meth:`ResultCache.fit_state`): reopening an unchanged folder need not
read every page to learn again. What a whole opened folder came to (the reader's
summaries of every page, its stories) can be kept as one row too
(:meth:`ResultCache.remember_folder`), valid while the stamps of all its files
are the same.

The page text is not stored: it is re-read from the file (the key proves it is
the same bytes), which is cheaper than storing it twice and keeps the cache small.
A damaged cache is discarded with a warning and rebuilt; the cache is only ever
written under its own folder (the user cache directory by default).

Why one module over 600 lines: the keys (page, stage, folder) and the cached cleaning that reads and writes
them must change together — a key that stops covering what a stage depends on serves stale results — so
they live next to the one class, :class:`ResultCache`, that stores them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import pickle
import sqlite3
import sys
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import platformdirs

from .loading import (
    DEFAULT_MAX_BYTES,
    LOADER_VERSION,
    Source,
    load_page,
    page_format,
    page_from_bytes,
    read_bytes,
    record_page,
)
from .model import Annotation, CleanedPage, Page
from .pipeline import Pipeline, Stage, StageOutcome
from .warc import is_warc, read_response

CACHE_ENV = "NEWSREAD_CACHE_DIR"
DB_NAME = "results.sqlite3"
SCHEMA = "4"
MAX_STAGE_RESULTS = 64  # per page: results of this many (stage, configuration) pairs; the oldest go first


def default_cache_dir() -> Path:
    """``$NEWSREAD_CACHE_DIR`` if set, else the user cache directory."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path(platformdirs.user_cache_dir("newsread"))


def clear_cache(folder: Path | None = None) -> int:
    """Delete the result cache files in ``folder``; returns the bytes freed. Only the cache's own files."""
    folder = folder if folder is not None else default_cache_dir()
    freed = 0
    for suffix in ("", "-wal", "-shm", ".damaged"):
        path = folder / (DB_NAME + suffix)
        with contextlib.suppress(OSError):
            freed += path.stat().st_size
            path.unlink()
    return freed


def page_key(name: str, data: bytes) -> bytes:
    """Identifies a page's content: its bytes and the format its file name implies (not its id or place)."""
    fmt, _ = page_format(name)
    h = hashlib.blake2b(digest_size=20)
    h.update((fmt or "?").encode())
    h.update(b"\0")
    h.update(data)
    return h.digest()


def _stage_identity(stage: Stage) -> list[object]:
    ident: list[object] = [stage.name, stage.info.origin, sorted((k, repr(v)) for k, v in stage.options.items())]
    if stage.info.origin.startswith("file "):  # a cleaner file can be edited without any version changing
        try:
            st = Path(stage.info.origin[5:]).stat()
            ident.append([st.st_mtime_ns, st.st_size])
        except OSError:
            ident.append(None)
    else:  # so can an installed cleaner's code and shipped models (a source checkout, an editable install)
        module = sys.modules.get(type(stage.cleaner).__module__)
        ident.append(_folder_stamp(str(Path(module.__file__).parent)) if module and module.__file__ else None)
    return ident


@functools.lru_cache(maxsize=32)
def _folder_stamp(folder: str) -> str:
    """The sizes and times of the code and data files in ``folder`` (a cleaner's module's), once a process."""
    stamps = []
    for path in sorted(Path(folder).iterdir()):
        if path.suffix in (".py", ".json"):
            with contextlib.suppress(OSError):
                st = path.stat()
                stamps.append((path.name, st.st_mtime_ns, st.st_size))
    return hashlib.sha256(repr(stamps).encode()).hexdigest()[:16]


def is_fitter(stage: Stage) -> bool:
    """A folder-level cleaner: it learns from the whole folder (``fit``) before pages are cleaned."""
    return callable(getattr(stage.cleaner, "fit", None))


def state_digest(state: Any) -> str | None:
    """A digest of what a folder-level cleaner learned (None if it cannot be pickled: then not cacheable)."""
    try:
        return hashlib.sha256(pickle.dumps(state, protocol=5)).hexdigest()[:24]
    except Exception:
        return None


def stage_fingerprints(pipeline: Pipeline) -> list[str | None]:
    """One fingerprint per active stage; None from the first folder-level cleaner that has not learned
    (or whose learning cannot be fingerprinted) on: not cacheable."""
    from .version import __version__

    out: list[str | None] = []
    prev = f"{SCHEMA}:{__version__}:{LOADER_VERSION}"
    cacheable = True
    for stage in pipeline.active:
        learned = None
        if cacheable and is_fitter(stage):
            state = pipeline.folder_state.get(stage.name)
            learned = state_digest(state) if state is not None else None
            cacheable = learned is not None
        if not cacheable:
            out.append(None)
            continue
        # What other cleaners learned that this one reads (say, the site's template lines), when learned.
        read = [
            [name, state_digest(pipeline.folder_state[name])]
            for name in getattr(stage.cleaner, "reads_folder", ())
            if name in pipeline.folder_state
        ]
        ident: list[object] = [prev, _stage_identity(stage), learned]
        if read:
            ident.append(read)  # (only then: the keys of cleaners that read nothing stay as they were)
        blob = json.dumps(ident, default=repr).encode()
        prev = hashlib.sha256(blob).hexdigest()[:24]
        out.append(prev)
    return out


def pipeline_key(fingerprints: Sequence[str | None]) -> str | None:
    """Identifies what the whole pipeline makes of a page (None: it depends on the folder, not cacheable)."""
    from .version import __version__

    if any(fp is None for fp in fingerprints):
        return None
    return fingerprints[-1] if fingerprints else f"{SCHEMA}:{__version__}:{LOADER_VERSION}:no cleaners"


def folder_key(stamps: Iterable[FileStamp | None], stage: Stage) -> bytes:
    """What a folder-level cleaner learns from: its identity and every page's file, unchanged (by stamp)."""
    from .version import __version__

    h = hashlib.blake2b(digest_size=20)
    h.update(json.dumps([SCHEMA, __version__, LOADER_VERSION, _stage_identity(stage)], default=repr).encode())
    _hash_stamps(h, stamps)
    return h.digest()


def stamps_digest(stamps: Iterable[FileStamp | None]) -> bytes:
    """Identifies a folder as it is now: every page's file, in order, unchanged (by stamp)."""
    h = hashlib.blake2b(digest_size=20)
    _hash_stamps(h, stamps)
    return h.digest()


def _hash_stamps(h: Any, stamps: Iterable[FileStamp | None]) -> None:
    for st in stamps:
        h.update(b"\0missing" if st is None else b"\0%s\0%d\0%d\0%d" % (st.ident, st.size, st.mtime_ns, st.ino))


class _StateUnpickler(pickle.Unpickler):
    """Learned state is plain data and newsread's own classes: nothing else is rebuilt from the cache file."""

    ALLOWED = ("builtins", "collections", "array", "newsread.cleaners")

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in {"eval", "exec", "getattr", "setattr", "__import__", "open", "compile"}:
            raise pickle.UnpicklingError(f"{module}.{name} is not learned state")
        if module in self.ALLOWED or module.startswith("newsread.cleaners."):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not learned state")


def load_state(blob: bytes) -> Any:
    return _StateUnpickler(io.BytesIO(blob)).load()


@dataclass(frozen=True, slots=True)
class FileStamp:
    """Where a page's file is and its size, time and inode: unchanged stamp, unchanged page (as make and git assume)."""

    ident: bytes
    size: int
    mtime_ns: int
    ino: int

    @classmethod
    def of(cls, source: Source) -> FileStamp | None:
        path = source.file
        try:
            st = os.stat(path)
        except OSError:
            return None
        # Bytes: a file name need not be valid UTF-8 (SQLite text must be).
        ident = os.fsencode(path if os.path.isabs(path) else os.path.abspath(path)) + (
            f"#{source.record}".encode() if source.record is not None else b""
        )
        return cls(ident, st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass(frozen=True, slots=True)
class StageResult:
    """What one cleaner said about one page: its annotations, its error, the notes it added."""

    marks: tuple[tuple[int, int, str, str | None, str | None], ...]
    error: str | None
    notes: tuple[str, ...]

    def to_json(self) -> list[Any]:
        return [self.marks, self.error, self.notes]

    @classmethod
    def from_json(cls, value: Any) -> StageResult:
        marks, error, notes = value
        return cls(tuple((m[0], m[1], m[2], m[3], m[4]) for m in marks), error, tuple(notes))


def is_damage(exc: BaseException) -> bool:
    """Whether a cache error says the file is damaged (not a database, malformed, an unknown schema), as opposed
    to a file that is whole but cannot be written or opened now (read-only, a full disk, locked, no permission)."""
    if isinstance(exc, sqlite3.OperationalError | OSError):
        return False
    return isinstance(exc, sqlite3.DatabaseError) or not isinstance(exc, sqlite3.Error)  # (or a stored row unread)


class ResultCache:
    """SQLite (WAL) store of per-stage results; safe to share between processes.

    Every failure of the cache degrades to "no cache" with a warning in
    ``warnings``: cleaning never fails because of it.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else default_cache_dir()
        self.path = self.folder / DB_NAME
        self.warnings: list[str] = []
        self.hits = 0
        self.misses = 0
        self._pending: list[tuple[bytes, str]] = []
        self._pending_memos: list[tuple[bytes, str, str, str]] = []
        self._pending_files: list[tuple[bytes, int, int, int, bytes]] = []
        self._lock = threading.RLock()  # one connection, shared by the threads of the reader
        self._conn: sqlite3.Connection | None = None
        self.read_only = False  # an intact cache that cannot be written (a read-only folder, a full disk): read it
        try:
            self._conn = self._open()
        except (sqlite3.Error, OSError) as exc:
            if is_damage(exc):
                self._discard(f"cache {self.path} is damaged ({exc}); rebuilding it")
                try:
                    self._conn = self._open()
                except (sqlite3.Error, OSError) as exc2:
                    self.warnings.append(f"cache {self.path} cannot be used ({exc2}); cleaning without it")
                    self._conn = None
            else:  # not damage: the file may be whole; never discarded for this
                self._conn = self._open_read_only()
                if self._conn is not None:
                    self.read_only = True
                    self.warnings.append(
                        f"cache {self.path} cannot be written ({exc}); reading it, this run's results are not kept"
                    )
                else:
                    self.warnings.append(f"cache {self.path} cannot be used ({exc}); cleaning without it")

    @property
    def usable(self) -> bool:
        return self._conn is not None

    def _marker(self) -> Path:
        return self.path.with_name(DB_NAME + ".damaged")

    def _open(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._marker().exists():  # an earlier run found damage while the file was in use
            raise sqlite3.DatabaseError("marked damaged by an earlier run")
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            # One row per page (not per stage): a page's results are written and read together, and a row per
            # stage made the cache's writes a large part of cleaning a folder.
            conn.execute(
                "CREATE TABLE IF NOT EXISTS stages (page BLOB PRIMARY KEY, results TEXT NOT NULL) WITHOUT ROWID"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS memos (page BLOB NOT NULL, pipeline TEXT NOT NULL, kind TEXT NOT NULL,"
                " value TEXT NOT NULL, PRIMARY KEY (page, pipeline, kind)) WITHOUT ROWID"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS files (ident BLOB PRIMARY KEY, size INTEGER NOT NULL,"
                " mtime INTEGER NOT NULL, ino INTEGER NOT NULL, page BLOB NOT NULL) WITHOUT ROWID"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS fits (folder BLOB NOT NULL, cleaner TEXT NOT NULL, state BLOB NOT NULL,"
                " PRIMARY KEY (folder, cleaner)) WITHOUT ROWID"
            )
            # One row per opened folder, pipeline and kind: what the whole folder came to (every page's summary,
            # its stories), valid while the folder's files are those of ``stamps`` (:func:`stamps_digest`).
            conn.execute(
                "CREATE TABLE IF NOT EXISTS folders (root TEXT NOT NULL, pipeline TEXT NOT NULL, kind TEXT NOT NULL,"
                " stamps BLOB NOT NULL, value BLOB NOT NULL, PRIMARY KEY (root, pipeline, kind))"
            )
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA,))
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None or row[0] != SCHEMA:
                raise sqlite3.DatabaseError(f"unknown cache schema {row[0] if row else None!r}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_read_only(self) -> sqlite3.Connection | None:
        """The cache opened for reading only, if it is there and whole; None otherwise."""
        if not self.path.is_file() or self._marker().exists():
            return None
        uri = self.path.resolve().as_uri()
        for mode in ("mode=ro", "immutable=1"):  # immutable: a WAL file whose -shm cannot be made (a read-only folder)
            conn = None
            try:
                conn = sqlite3.connect(
                    f"{uri}?{mode}", uri=True, timeout=60, isolation_level=None, check_same_thread=False
                )
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                conn.execute("SELECT 1 FROM stages LIMIT 1").fetchall()
                if row is not None and row[0] == SCHEMA:
                    return conn
                conn.close()
                return None
            except sqlite3.Error:
                if conn is not None:
                    conn.close()
        return None

    def _discard(self, why: str) -> None:
        self.warnings.append(why)
        for suffix in ("", "-wal", "-shm", ".damaged"):
            with contextlib.suppress(OSError):
                os.unlink(str(self.path) + suffix)

    def _broken(self, exc: Exception) -> None:
        if not is_damage(exc):  # a full disk, a file size limit, a lock held too long: the file is whole
            if self.read_only:
                self.warnings.append(f"cache {self.path} cannot be read ({exc}); cleaning without it")
            else:
                self.warnings.append(f"cache {self.path} cannot be written ({exc}); this run's results are not kept")
            self._pending, self._pending_memos, self._pending_files = [], [], []
            self.close(flush=False)
            return
        # Other processes may still have the file open: mark it, and the next run rebuilds it.
        self.warnings.append(f"cache {self.path} is damaged ({exc}); it will be rebuilt next run")
        with contextlib.suppress(OSError):
            self._marker().touch()
        self.close(flush=False)

    def lookup(self, key: bytes) -> dict[str, StageResult]:
        """Every stage result kept for the page ``key``, by stage fingerprint."""
        row = self._one("SELECT results FROM stages WHERE page = ?", (key,))
        if row is None:
            return {}
        try:
            return {fp: StageResult.from_json(value) for fp, value in json.loads(row[0]).items()}
        except (ValueError, TypeError, IndexError, AttributeError) as exc:
            with self._lock:
                self._broken(exc)
            return {}

    def store(self, key: bytes, results: dict[str, StageResult]) -> None:
        """Keep the stage results of the page ``key`` (all of them: they replace what was kept for it)."""
        if len(results) > MAX_STAGE_RESULTS:  # many configurations tried on one page: keep the latest
            results = dict(list(results.items())[-MAX_STAGE_RESULTS:])
        value = json.dumps({fp: r.to_json() for fp, r in results.items()}, separators=(",", ":"))  # ASCII: stores
        with self._lock:
            if self._conn is not None and not self.read_only:
                self._pending.append((key, value))
                if len(self._pending) >= 256:
                    self.flush()

    def remember(self, file: FileStamp | None, key: bytes, pipeline: str, kind: str, value: str) -> None:
        """Keep ``value`` (what the whole pipeline made of the page, e.g. its summary) and where the file was."""
        with self._lock:
            if self._conn is None or self.read_only:
                return
            self._pending_memos.append((key, pipeline, kind, value))
            if file is not None:
                self._pending_files.append((file.ident, file.size, file.mtime_ns, file.ino, key))
            if len(self._pending_memos) >= 256:
                self.flush()

    def recall(self, files: Sequence[FileStamp], pipeline: str, kind: str) -> dict[bytes, str]:
        """Values remembered for files that did not change since (same size, time and inode), by ident.

        Found without reading the files: this is what makes reopening a large folder instant.
        """
        out: dict[bytes, str] = {}
        with self._lock:
            if self._conn is None:
                return out
            try:
                for start in range(0, len(files), 500):
                    part = files[start : start + 500]
                    wanted = {f.ident: f for f in part}
                    marks = ",".join("?" * len(part))
                    rows = self._conn.execute(
                        "SELECT f.ident, f.size, f.mtime, f.ino, m.value FROM files f JOIN memos m"
                        f" ON m.page = f.page AND m.pipeline = ? AND m.kind = ? WHERE f.ident IN ({marks})",
                        (pipeline, kind, *wanted),
                    ).fetchall()
                    for ident, size, mtime, ino, value in rows:
                        f = wanted.get(ident)
                        if f is not None and (f.size, f.mtime_ns, f.ino) == (size, mtime, ino):
                            out[ident] = value
            except sqlite3.Error as exc:
                self._broken(exc)
                return {}
        return out

    def fit_state(self, folder: bytes, cleaner: str) -> Any | None:
        """What ``cleaner`` learned from the folder ``folder`` (:func:`folder_key`) last time, or None."""
        row = self._one("SELECT state FROM fits WHERE folder = ? AND cleaner = ?", (folder, cleaner))
        if row is None:
            return None
        try:
            return load_state(row[0])
        except Exception:  # damaged, or written by another version of the cleaner: learn again
            return None

    def has_fit(self, folder: bytes, cleaner: str) -> bool:
        """Whether :meth:`fit_state` has something for ``folder`` and ``cleaner`` (without reading it)."""
        return self._one("SELECT 1 FROM fits WHERE folder = ? AND cleaner = ?", (folder, cleaner)) is not None

    def _one(self, sql: str, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """The first row ``sql`` finds, or None (also when the cache is closed or damaged)."""
        with self._lock:
            if self._conn is None:
                return None
            try:
                row: tuple[Any, ...] | None = self._conn.execute(sql, args).fetchone()
                return row
            except sqlite3.Error as exc:
                self._broken(exc)
                return None

    def remember_fit(self, folder: bytes, cleaner: str, state: Any) -> None:
        """Keep what ``cleaner`` learned from the folder ``folder``."""
        try:
            blob = pickle.dumps(state, protocol=5)
        except Exception:
            return
        self._write_now("INSERT OR REPLACE INTO fits VALUES (?, ?, ?)", (folder, cleaner, blob))

    def remember_folder(self, root: str, pipeline: str, kind: str, stamps: bytes, value: Any) -> None:
        """Keep ``value`` (JSON), what a whole folder came to, for the folder ``root`` while its files are
        ``stamps`` (replacing what was kept for an earlier state of it: one row per folder, pipeline and kind)."""
        blob = zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 1)  # a folder's rows: megabytes
        self._write_now("INSERT OR REPLACE INTO folders VALUES (?, ?, ?, ?, ?)", (root, pipeline, kind, stamps, blob))

    def _write_now(self, sql: str, row: tuple[Any, ...]) -> None:
        """One row written at once, in a transaction of its own (not with the pending per-page rows)."""
        with self._lock:
            if self._conn is None or self.read_only:
                return
            try:
                with self._conn:
                    self._conn.execute("BEGIN IMMEDIATE")
                    self._conn.execute(sql, row)
            except sqlite3.Error as exc:
                self._broken(exc)

    def recall_folder(self, root: str, pipeline: str, kind: str, stamps: bytes) -> Any | None:
        """What :meth:`remember_folder` kept for ``root``, if its files are still exactly ``stamps`` (None also
        for a damaged row)."""
        row = self._one(
            "SELECT stamps, value FROM folders WHERE root = ? AND pipeline = ? AND kind = ?", (root, pipeline, kind)
        )
        if row is None or row[0] != stamps:
            return None
        try:
            return json.loads(zlib.decompress(row[1]))
        except (ValueError, TypeError, zlib.error):
            return None

    def flush(self) -> None:
        with self._lock:
            if self._conn is None or not (self._pending or self._pending_memos or self._pending_files):
                return
            rows, self._pending = self._pending, []
            memos, self._pending_memos = self._pending_memos, []
            files, self._pending_files = self._pending_files, []
            try:
                with self._conn:
                    self._conn.execute("BEGIN IMMEDIATE")
                    self._conn.executemany("INSERT OR REPLACE INTO stages VALUES (?, ?)", rows)
                    self._conn.executemany("INSERT OR REPLACE INTO memos VALUES (?, ?, ?, ?)", memos)
                    self._conn.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", files)
            except sqlite3.Error as exc:
                self._broken(exc)

    def close(self, flush: bool = True) -> None:
        with self._lock:
            if flush:
                self.flush()
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load_keyed(source: Source, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Page, bytes]:
    """Load a page as :func:`load_page` does, and its content key. Raises where ``load_page`` reports an error."""
    if source.record is not None:
        response = read_response(source.file, source.record, max_bytes)
        page = record_page(source, response)
        h = hashlib.blake2b(digest_size=20)
        status = f"{response.status} {int(response.truncated)} {' '.join(response.warnings)}"
        for part in (b"warc", (response.charset or "").encode(), response.url.encode("utf-8", "surrogateescape")):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        for part in (status.encode("utf-8", "surrogateescape"), response.body):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        return page, h.digest()
    name = source.name
    fmt, gz = page_format(name)
    if is_warc(name):  # named like an archive but listed as one page: load_page says what it is
        page = load_page(source, max_bytes=max_bytes)
        return page, page_key(name, b"" if page.error else read_bytes(source.file, gz, max_bytes))
    data = read_bytes(source.file, gz, max_bytes)
    return page_from_bytes(source.id, data, fmt=fmt, path=source.path), page_key(name, data)


def clean_source(
    source: Source,
    pipeline: Pipeline,
    cache: ResultCache | None = None,
    fingerprints: Sequence[str | None] | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    loaded: Loaded | None = None,
) -> CleanedPage:
    """Load and clean one page, reusing every stage result the cache holds for it.

    The result equals ``pipeline.clean(load_page(source, max_bytes=max_bytes))``:
    it is :meth:`Pipeline.clean` with the cache as its memory of each stage's
    result. ``fingerprints`` (from :func:`stage_fingerprints`) may be
    passed to save recomputing them. ``loaded``: the page as :func:`load_for_cleaning` read it a moment ago
    (learning the folder read every page: cleaning need not read it again).
    """
    return clean_keyed(source, pipeline, cache, fingerprints, max_bytes=max_bytes, loaded=loaded)[0]


class Loaded(NamedTuple):
    """A page read once for both learning the folder and cleaning it: the page and its content key (None when
    the page could not be read or was read without a cache)."""

    page: Page
    key: bytes | None


def load_for_cleaning(source: Source, max_bytes: int, keyed: bool) -> Loaded:
    """The page of ``source`` as :func:`load_page` gives it, with its content key when ``keyed`` (a cache is used)."""
    if keyed:
        try:
            page, key = load_keyed(source, max_bytes)
        except Exception:  # let the loader say why, exactly as without a cache
            return Loaded(load_page(source, max_bytes=max_bytes), None)
        return Loaded(page, None if page.error is not None else key)
    return Loaded(load_page(source, max_bytes=max_bytes), None)


def clean_keyed(
    source: Source,
    pipeline: Pipeline,
    cache: ResultCache | None = None,
    fingerprints: Sequence[str | None] | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    loaded: Loaded | None = None,
) -> tuple[CleanedPage, bytes | None, bool]:
    """:func:`clean_source`, plus the page's content key (None: not loaded) and whether the result may be
    remembered (False when the time limit cut cleaning short: another run may get further)."""
    if cache is None or not cache.usable:
        page = loaded.page if loaded is not None else load_page(source, max_bytes=max_bytes)
        return pipeline.clean(page), None, False
    if loaded is not None and (loaded.key is not None or loaded.page.error is not None):
        page, found = loaded.page, loaded.key
        if found is None:
            return pipeline.clean(page), None, False
        key = found
    else:
        try:
            page, key = load_keyed(source, max_bytes)
        except Exception:  # let the loader say why, exactly as without a cache
            return pipeline.clean(load_page(source, max_bytes=max_bytes)), None, False
    if page.error is not None:
        return pipeline.clean(page), None, False
    fps = list(fingerprints) if fingerprints is not None else stage_fingerprints(pipeline)
    memory = _CachedStages(cache, key, fps, cache.lookup(key))
    cleaned = pipeline.clean(page, memory)
    memory.save()
    if memory.missed:
        cache.misses += 1
    else:
        cache.hits += 1
    return cleaned, key, not memory.cut


_new: Any = tuple.__new__  # a named tuple of given values (see model._new)


class _CachedStages:
    """The result cache as the pipeline's memory of one page's stages (see :class:`StageMemory`)."""

    def __init__(self, cache: ResultCache, key: bytes, fps: Sequence[str | None], rows: dict[str, StageResult]):
        self.cache, self.key, self.fps, self.rows = cache, key, fps, rows
        self.new: dict[str, StageResult] = {}  # results of the stages that ran, kept by :meth:`save`
        self.missed = False  # some stage had to run
        self.cut = False  # the time limit cut cleaning short

    def recall(self, position: int, stage: Stage) -> StageOutcome | None:
        fp = self.fps[position]
        hit = self.rows.get(fp) if fp is not None and not self.cut else None
        if hit is None:
            self.missed = True
            return None
        name = stage.name
        return [_new(Annotation, (s, e, name, r, f, v)) for s, e, r, f, v in hit.marks], hit.error, hit.notes

    def keep(self, position: int, stage: Stage, outcome: StageOutcome) -> None:
        fp = self.fps[position]
        if fp is not None and not self.cut:
            stamped, error, notes = outcome
            marks = tuple((a[0], a[1], a[3], a[4], a[5]) for a in stamped)
            self.new[fp] = StageResult(marks, error, notes)

    def save(self) -> None:
        """Keep what the stages that ran said, with what was kept for the page before (other settings)."""
        if self.new:
            # Other settings' results first, then this pipeline's: when the row is full, the others go first.
            current = {fp for fp in self.fps if fp is not None}
            others = {fp: r for fp, r in self.rows.items() if fp not in current}
            used = {fp: r for fp, r in self.rows.items() if fp in current and fp not in self.new}
            self.cache.store(self.key, {**others, **used, **self.new})

    def cut_short(self) -> None:
        self.cut = True
