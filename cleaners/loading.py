"""Finding pages on disk and loading them. Loading never raises: a bad file becomes a page with an error."""

from __future__ import annotations

import gzip
import os
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .encoding import NotText, decode
from .files import NotAFile, open_regular
from .model import Page, PageFormat
from .textpage import text_blocks
from .warc import NotWarc, Response, html_records, is_warc, read_response, starts_like_warc

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
TEXT_SUFFIXES = frozenset({".txt", ".text", ""})
# Changes when the same bytes may load into a different page (text, blocks, notes): results the cache keeps
# for a page's bytes are then not reused. 2: fallback text of (nearly) empty HTML pages, XHTML, NULs, UTF-16.
# 3: the parts React streamed into a page are read where a browser shows them. 4: collapsed panels are read.
LOADER_VERSION = "4"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # a page larger than this (after decompression) is reported, not read


@dataclass(frozen=True, slots=True)
class Source:
    """Where a page comes from: a file (or a record in a web archive), and the page id.

    The id is the path relative to the opened folder; a WARC record's id is the archive's id, '#' and
    the record's number among the archive's HTML responses.
    """

    id: str
    # The file's path as a string: a folder of 100,000 pages makes 100,000 sources, and a ``Path`` costs
    # several times a string to make and to turn back into one (every stat and open does).
    file: str
    record: int | None = None  # byte offset of the record in a WARC file
    url: str | None = None

    @property
    def path(self) -> Path:
        return Path(self.file)

    @property
    def name(self) -> str:
        """The file's name."""
        return os.path.basename(self.file)


def _expand(source: Source) -> Iterator[Source]:
    """A web archive stands for its HTML records; any other file for itself.

    A file named like an archive that is not one, or an archive without HTML responses, stands for itself
    too: loading it says which.
    """
    if is_warc(source.file):
        found = False
        try:
            for rec in html_records(source.file):
                found = True
                yield Source(f"{source.id}#{rec.number}", source.file, rec.offset, rec.url)
        except (OSError, NotWarc):
            pass
        if found:
            return
    yield source


def archive_records(source: Source) -> Iterator[Source]:
    """A web archive's HTML records, each a source of its own; any other file (or an archive without HTML
    responses) stands for itself, as :func:`iter_sources` lists them."""
    return _expand(source)


def _sort_key(entry: os.DirEntry[str]) -> str:
    return entry.name


def _listing(path: str, seen: set[tuple[int, int]]) -> list[os.DirEntry[str]] | None:
    """The entries of the folder at ``path`` in name order; None for a folder already listed (a symlink loop)."""
    st = os.stat(path)
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return None
    seen.add(key)
    with os.scandir(path) as it:
        return sorted(it, key=_sort_key)


def _walk(root: Path, prefix: str, seen: set[tuple[int, int]]) -> Iterator[Source]:
    """Files under ``root`` depth-first in name order, hidden entries skipped, symlink loops broken.

    The walk keeps its own stack of open folders, not Python's: a folder nested thousands deep is walked
    like any other. A folder that cannot be listed is an entry of its own, so loading it says why.
    """
    try:
        entries = _listing(os.fspath(root), seen)
    except OSError:  # the folder given cannot be listed: an entry whose error says why
        yield Source(prefix.rstrip("/") or root.name, os.fspath(root))
        return
    if entries is None:
        return
    stack: list[tuple[Iterator[os.DirEntry[str]], str]] = [(iter(entries), prefix)]
    while stack:
        it, here = stack[-1]
        entry = next(it, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        rel = f"{here}{entry.name}"
        try:
            is_dir = entry.is_dir()  # follows symlinks; loops are caught by ``seen``
        except OSError:
            is_dir = False
        if is_dir:
            try:
                inner = _listing(entry.path, seen)
            except OSError:  # (permission denied, a path too long): the entry's error says which
                yield Source(rel, entry.path)
                continue
            if inner is not None:
                stack.append((iter(inner), rel + "/"))
        elif is_warc(entry.name):
            yield from _expand(Source(rel, entry.path))
        else:  # (most files: no generator of their own to pass through)
            yield Source(rel, entry.path)


def _parts(path: str) -> list[str]:
    """The names a path is made of, from the top: absolute for a local path (``.`` is the folder's own name), as
    written for a URL (``s3://bucket/crawl`` is ``s3:``, ``bucket``, ``crawl``)."""
    full = path if "://" in path else os.path.abspath(path)
    return [part for part in full.replace(os.sep, "/").split("/") if part] or ["(root)"]


def _name(path: str) -> str:
    """The last name of a path (``a/b/`` is ``b``; ``.`` is the folder's own name): without a look at the rest, for
    a path named like no other (most are: ``newsread dir/*.html``)."""
    name = path.replace(os.sep, "/").rstrip("/").rpartition("/")[2]
    return name if name not in ("", ".", "..") else _parts(path)[-1]


def id_prefixes(paths: Sequence[str | os.PathLike[str]], is_folder: Callable[[str], bool] = os.path.isdir) -> list[str]:
    """What the ids of the pages under each of ``paths`` start with, so that no two pages share one.

    One path: nothing (ids are relative to it). Several: a folder's name (``one/page.txt``, ``two/page.txt``), and
    a file given itself is its name alone (``x.html``). Where two paths end in the same name (``p/news`` and
    ``q/news``, or ``a/x.html`` and ``b/x.html``), each is named by as many of its last folders as tell it from the
    others (``p/news/page.txt``, ``q/news/page.txt``; ``a/x.html``, ``b/x.html``). The names come from the paths
    alone, so a rescan, or a run with the same paths from another folder, gives the same ids.
    """
    texts = [os.fspath(p) for p in paths]
    if len(texts) < 2:
        return [""] * len(texts)
    names = [_name(t) for t in texts]
    labels = list(names)
    counts = Counter(names)
    # Paths that share a name are named by their last k names, one more while they still share one (or a path has
    # no more names): only they are made absolute and split.
    parts = {i: _parts(texts[i]) for i, name in enumerate(names) if counts[name] > 1}
    k = dict.fromkeys(parts, 1)
    crowded = list(parts)
    while crowded:
        groups: dict[tuple[str, ...], list[int]] = {}
        for i in crowded:
            groups.setdefault(tuple(parts[i][-k[i] :]), []).append(i)
        crowded = []
        for members in groups.values():
            if len({tuple(parts[i]) for i in members}) < 2:
                continue  # (one path, or the same path given twice)
            for i in members:
                if k[i] < len(parts[i]):
                    k[i] += 1
                    crowded.append(i)
    for i, n in k.items():
        labels[i] = "/".join(parts[i][-n:])
    return [
        f"{label}/" if is_folder(text) else label[: len(label) - len(name)]  # (a file's id is its label)
        for text, name, label in zip(texts, names, labels, strict=True)
    ]


def given_paths(paths: Sequence[str | os.PathLike[str]]) -> list[tuple[Path, str]]:
    """Each of ``paths`` with what its pages' ids start with (:func:`id_prefixes`); a path given twice once."""
    counts = Counter(_name(os.fspath(p)) for p in paths)
    seen: set[str] = set()
    firsts = []
    for path in paths:
        if counts[_name(os.fspath(path))] > 1:  # (only a path named like another may be the same path)
            full = os.path.abspath(path)
            if full in seen:
                continue
            seen.add(full)
        firsts.append(path)
    return [(Path(p), prefix) for p, prefix in zip(firsts, id_prefixes(firsts), strict=True)]


def iter_given(paths: Sequence[str | os.PathLike[str]]) -> Iterator[tuple[Path, str, Source]]:
    """Every page under ``paths`` (see :func:`iter_sources`) with the path given it was found under and the
    prefix of its id there (``source.id`` is the prefix, then the page's path relative to that folder)."""
    seen: set[tuple[int, int]] = set()
    given = given_paths(paths)
    files: dict[str, str] | None = {} if len(given) > 1 else None  # id -> file, where two paths may meet
    for path, prefix in given:
        if path.is_dir():
            found: Iterator[Source] = _walk(path, prefix, seen)
        else:
            found = _expand(Source(prefix + path.name, os.fspath(path)))
        for source in found:
            if files is not None:
                was = files.get(source.id)
                if was is None:
                    files[source.id] = source.file
                elif os.path.realpath(was) == os.path.realpath(source.file):
                    continue  # the same file, given itself and in a folder given (p/news/x.html p/news): once
                else:
                    source = _renamed(source, files)
            yield path, prefix, source


def _renamed(source: Source, files: dict[str, str]) -> Source:
    """``source`` under an id no other page has (``x.html~2``): two paths given whose names tell them apart meet
    inside one of them (the folder ``/1/p/news`` and the file ``/2/p/news/x.html``)."""
    n = 2
    while f"{source.id}~{n}" in files:
        n += 1
    files[f"{source.id}~{n}"] = source.file
    return Source(f"{source.id}~{n}", source.file, source.record, source.url)


def iter_sources(paths: Sequence[str | os.PathLike[str]]) -> Iterator[Source]:
    """Every page under ``paths``: folders recursively in name order, files as given.

    A page's id is its path relative to the folder it was found in; with several paths, each id starts with
    the name of the folder it came from, so ids stay unique (:func:`id_prefixes`: ``one/page.txt``,
    ``two/page.txt``; with the same name twice, ``p/news/page.txt``, ``q/news/page.txt``). A file given itself
    is its name (``newsread a/x.html b/y.html``: ``x.html``, ``y.html``; ``a/x.html`` and ``b/x.html`` when both
    are named ``x.html``). A path given twice is read once.
    """
    for _, _, source in iter_given(paths):
        yield source


def page_format(name: str) -> tuple[PageFormat | None, bool]:
    """The format a file name says (None: decide by content) and whether it is gzip-compressed."""
    lower = name.lower()
    gz = lower.endswith(".gz")
    if gz:
        lower = lower[:-3]
    suffix = os.path.splitext(lower)[1]
    if suffix in HTML_SUFFIXES:
        return "html", gz
    if suffix == ".txt":
        return "text", gz
    return None, gz


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or ("<body" in head and "</" in head)


def _mb(size: int) -> str:
    """A page limit as the config gives it: 64 MB, 0.001 MB."""
    return f"{round(size / (1024 * 1024), 3):g} MB"


def read_bytes(path: str | os.PathLike[str], gz: bool, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    with open_regular(path) as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"file is larger than the {_mb(max_bytes)} page limit (max_page_mb)")
    if gz or data[:2] == b"\x1f\x8b":
        # Decompress with a bound so a gzip bomb cannot eat the memory.
        d = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        out = d.decompress(data, max_bytes + 1)
        if len(out) > max_bytes:
            raise ValueError(f"decompressed page is larger than the {_mb(max_bytes)} page limit (max_page_mb)")
        if not d.eof:
            raise ValueError("truncated gzip file")
        return out
    return data


def page_from_bytes(
    page_id: str, data: bytes, *, fmt: PageFormat | None, path: Path | None = None, charset: str | None = None
) -> Page:
    """Decode and split ``data`` into a page. Raises NotText for binary data."""
    decoded = decode(data, html=fmt != "text", declared=charset)
    text = decoded.text
    if fmt is None:
        fmt = "html" if _looks_like_html(text) else "text"
    if fmt == "html":
        from .htmlpage import html_page  # lxml is imported when HTML is first met (a text folder never needs it)

        page = html_page(page_id, text, encoding=decoded.encoding, path=path)
    else:
        blocks = text_blocks(text)
        page = Page(id=page_id, path=path, format="text", text=text, blocks=blocks, encoding=decoded.encoding)
        if not blocks:
            page.notes.append("the file is empty" if not data else "the file holds no text (only spaces)")
    if decoded.notes:
        page.notes[:0] = decoded.notes
    return page


def record_page(source: Source, response: Response) -> Page:
    """The page of a web archive's response record, with what is wrong with the record in its notes."""
    path = source.path
    if response.status is not None and response.status != 200:
        what = f"{response.status} {response.reason}".strip()
        page = Page.failed(source.id, path, f"not read: the archived response is HTTP {what}, not a page (200)")
        if response.url:
            page.meta["url"] = response.url
        return page
    page = page_from_bytes(source.id, response.body, fmt="html", path=path, charset=response.charset)
    if response.url:
        page.meta["url"] = response.url  # where the archive says it was fetched from
    if response.truncated:
        page.notes.append("the archive record is cut short (the file ends inside it): the page is incomplete")
    for said in response.warnings:
        page.notes.append(f"the archive is damaged near this record: {said}")
    return page


def _not_an_archive(source: Source, max_bytes: int) -> Page:
    """A file named .warc that listed no HTML responses: an archive without any, or not an archive at all."""
    path = source.path
    if starts_like_warc(source.file):
        return Page.failed(source.id, path, "a web archive with no readable HTML response records")
    _, gz = page_format(source.name)
    page = page_from_bytes(source.id, read_bytes(source.file, gz, max_bytes), fmt=None, path=path)
    page.notes.append("named like a web archive (.warc) but is not one: read as an ordinary page")
    return page


def load_page(source: Source, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Page:
    """Load one page. Never raises: a file that cannot be read becomes a page whose ``error`` says why."""
    fmt, gz = page_format(source.name)
    path = source.path
    try:
        if source.record is not None:
            return record_page(source, read_response(source.file, source.record, max_bytes))
        if is_warc(source.file):
            return _not_an_archive(source, max_bytes)
        data = read_bytes(source.file, gz, max_bytes)
        return page_from_bytes(source.id, data, fmt=fmt, path=path)
    except (NotText, NotAFile) as exc:
        return Page.failed(source.id, path, str(exc))
    except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
        return Page.failed(source.id, path, f"broken gzip file: {exc}")
    except IsADirectoryError:
        return Page.failed(source.id, path, "is a folder, not a page")
    except FileNotFoundError:
        return Page.failed(source.id, path, "file not found (broken link, or removed while open)")
    except PermissionError:
        return Page.failed(source.id, path, "permission denied")
    except (OSError, ValueError, MemoryError, RecursionError) as exc:
        return Page.failed(source.id, path, f"cannot read: {exc}")


def load_pages(paths: Sequence[str | os.PathLike[str]], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Page]:
    for source in iter_sources(paths):
        yield load_page(source, max_bytes=max_bytes)


def load_all(paths: Iterable[str | os.PathLike[str]]) -> list[Page]:
    return list(load_pages(list(paths)))
