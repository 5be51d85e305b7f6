"""``newsread clean`` on a Dask cluster: the same pipeline, the same output, byte for byte and in the same order.

The run is a few map and reduce steps, each a set of Dask tasks (see docs/distributed.md):

1. **list** — one task lists the inputs (local paths or fsspec URLs) on a worker; the listing stays there.
2. **fit** — folder-level cleaners learn the folder as a map (``Pipeline.fit_chunk`` over slices of the listing)
   and a reduce (``Pipeline.fit_merge``). What they learn stays on the cluster as one piece of data, sent to
   each worker once (not with every task).
3. **clean** — slices of the listing (partitions) are loaded and cleaned on the workers; each partition keeps
   its JSONL records (without their story cluster) and splits its pages' story signatures by key.
4. **cluster** — the signatures are shuffled: identical bodies, near-copy sketch bands and rare shingles go to
   the reducer of their key's range; page pairs that share shingles are shuffled again by page and counted; a
   last task joins every link found into clusters (each page's representative: the first page of its cluster).
5. **write** — each partition's records get their cluster and go to ``part-00000.jsonl`` … (then ``_SUCCESS``),
   or to one file or standard output, in order.

Dask, distributed and fsspec are imported only when a run starts (``pip install 'newsread[dask]'``).

Why one module over 600 lines: the five steps above are one Dask graph whose tasks hand each other data by
shape (listings, learned state, signatures by key, partitions of records); split across modules, a change of
one step's output would be made far from the step that reads it.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import math
import multiprocessing
import operator
import os
import re
import shutil
import sys
import tempfile
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, Any

from .batch import PipelineSpec
from .cache import ResultCache, clean_source, stage_fingerprints
from .clusters import (
    MAX_DF,
    MIN_SHARED,
    PAIR_BUCKETS,
    SKETCH_BAND,
    by_range,
    pairs_sharing,
    shares_story,
    signature_of,
)
from .learning import LEARNS_THEM_NOTHING, stopped_in_parts
from .loading import DEFAULT_MAX_BYTES, Source, archive_records, id_prefixes, iter_sources, load_page
from .model import CleanedPage, Page
from .outfiles import OutputError, OutputFolder, check_out_folder
from .output import json_line, printable, to_record
from .pipeline import Pipeline, capture_stdout
from .warc import is_warc

INSTALL_HINT = "Dask is not installed: pip install 'newsread[dask]' (dask[distributed] and fsspec)"
PART_NAME = "part-{:05d}.jsonl"
_PART = re.compile(r"part-\d{5}\.jsonl")
SUCCESS = "_SUCCESS"
TEMPORARY = "_temporary"
MANIFEST = ".newsread-written"
PARTITION_PAGES = 2000  # pages a partition (and so an output part) holds, by default
FIT_PAGES = 1000  # pages a fit task reads
KEEP_NANNIES = "30 days"  # a local cluster's lost-worker-timeout: never, within a run (see connect)


class DaskMissing(RuntimeError):
    """Dask (or fsspec) is not installed; the message says how to install it."""


class RunError(RuntimeError):
    """The run cannot start or cannot write its output; the message says why (nothing was written into an input)."""


def require_dask() -> None:
    """Raise :class:`DaskMissing` unless dask.distributed and fsspec can be imported."""
    try:
        import distributed  # noqa: F401
        import fsspec  # noqa: F401
    except ImportError as exc:
        raise DaskMissing(INSTALL_HINT) from exc


def _distributed() -> Any:
    """The ``distributed`` module (untyped for mypy: it has no complete annotations)."""
    return importlib.import_module("distributed")


# -- connecting -----------------------------------------------------------------------------------
def parse_cluster(text: str) -> int | None:
    """``local`` -> None (Dask's default number of workers), ``local:N`` -> N. Raises ValueError otherwise."""
    m = re.fullmatch(r"local(?::(\d+))?", text.strip())
    if m is None or (m.group(1) is not None and int(m.group(1)) < 1):
        raise ValueError(f"--cluster {text!r}: use local or local:N (N workers, N >= 1)")
    return int(m.group(1)) if m.group(1) else None


@contextlib.contextmanager
def connect(scheduler: str | None = None, cluster: str | None = None, *, processes: bool = True) -> Iterator[Any]:
    """A ``distributed.Client``: to the scheduler at ``scheduler``, or to a local cluster (``local[:N]``) started
    here and closed on leaving. Raises :class:`DaskMissing`, or ValueError for a bad ``cluster``."""
    require_dask()
    dist = _distributed()
    Client, LocalCluster = dist.Client, dist.LocalCluster
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    workers = parse_cluster(cluster or "local")
    config = importlib.import_module("dask.config")
    # A local cluster closes a worker's nanny for good when no worker of its name is back some seconds after it
    # was lost (``lost-worker-timeout``, 15 s): a page that ends each worker as it comes back (a restarted worker
    # is given the next try at once) would leave the run without workers, waiting for ever. Its nannies restart
    # their worker however often it ends; the run decides what a page that ends them each time becomes.
    with (
        config.set({"distributed.deploy.lost-worker-timeout": KEEP_NANNIES}),
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes, dashboard_address=":0") as local,
        Client(local) as client,
    ):
        yield client


# -- inputs ---------------------------------------------------------------------------------------
def is_url(path: str) -> bool:
    return "://" in path


def _local(path: str) -> str | None:
    """The local path ``path`` stands for (a plain path, or a file:// URL), or None for another file system."""
    if not is_url(path):
        return path
    if path.startswith(("file://", "local://")):
        return path.split("://", 1)[1]
    return None


def list_inputs(paths: Sequence[str]) -> list[Source]:
    """Every page under ``paths``, as :func:`~newsread.cleaners.loading.iter_sources` lists local folders
    (depth-first in name order, hidden entries skipped, web archives expanded to their HTML records); fsspec
    URLs (``s3://bucket/crawl/``, ``memory://…``) are listed the same way. Runs on a worker."""
    local = [_local(p) for p in paths]
    if all(p is not None for p in local):
        return list(iter_sources([p for p in local if p is not None]))
    prefixes = id_prefixes(paths, lambda p: (is_url(p) and _local(p) is None) or os.path.isdir(_local(p) or p))
    out: list[Source] = []
    for raw, here, prefix in zip(paths, local, prefixes, strict=True):
        if here is not None:
            out.extend(Source(prefix + s.id, s.file, s.record, s.url) for s in iter_sources([here]))
            continue
        out.extend(_list_url(raw, prefix))
    return out


def input_problem(paths: Sequence[str]) -> str | None:
    """Why an input URL cannot be read here (it does not exist, no credentials for it …), in one line, or None.
    Runs on a worker (where the pages are read): what it says is returned, not raised (a task that fails is
    logged with its traceback by the worker)."""
    import fsspec

    for url in paths:
        if _local(url) is not None:
            continue  # (checked where the command runs)
        try:
            fs, root = fsspec.core.url_to_fs(url)
            fs.info(root)
        except FileNotFoundError:
            return f"no such file or folder: {url}"
        except Exception as exc:
            return f"{url} cannot be read: {_why(exc)}"
    return None


def _why(exc: BaseException) -> str:
    """An exception from a file system, in one line; missing credentials said as such."""
    name = type(exc).__name__
    text = " ".join(str(exc).split()) or name
    if "credential" in f"{name} {text}".lower():
        return f"no credentials for it were found ({name}: {text}); give them as its file system expects"
    return f"{name}: {text}"


def _list_url(url: str, prefix: str) -> Iterator[Source]:
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    try:
        is_dir = fs.isdir(root)
    except OSError:
        is_dir = False
    if not is_dir:
        name = os.path.basename(root.rstrip("/"))
        yield from _expand_url(Source(name, url))  # a file given itself is its name
        return
    # Each page's URL is the one given and the names under it (as the user wrote it, not as the file system does)
    stack: list[tuple[Iterator[dict[str, Any]], str, str]] = [(iter(_ls(fs, root)), prefix, url.rstrip("/") + "/")]
    while stack:
        it, here, there = stack[-1]
        entry = next(it, None)
        if entry is None:
            stack.pop()
            continue
        name = os.path.basename(str(entry["name"]).rstrip("/"))
        if name.startswith("."):
            continue
        if entry.get("type") == "directory":
            stack.append((iter(_ls(fs, entry["name"])), f"{here}{name}/", f"{there}{name}/"))
        else:
            yield from _expand_url(Source(f"{here}{name}", f"{there}{name}"))


def _ls(fs: Any, path: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = fs.ls(path, detail=True)
    return sorted(entries, key=lambda e: os.path.basename(str(e["name"]).rstrip("/")))


def _expand_url(source: Source) -> Iterator[Source]:
    """A web archive at a URL stands for its HTML records (read from a local copy); any other file for itself."""
    if not is_warc(source.file):
        yield source
        return
    with _fetched(source, whole=True) as local:
        for s in archive_records(local):
            yield Source(s.id, source.file, s.record, s.url)


# -- loading --------------------------------------------------------------------------------------
_here = threading.local()  # per worker thread: the last web archive fetched from a URL, and built pipelines


@contextlib.contextmanager
def _fetched(source: Source, *, whole: bool, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Source]:
    """``source`` (a URL) as a local file of the same name: the loader's own checks then apply unchanged.
    A page is fetched up to one byte past the limit (the loader then says it is too large); a web archive whole,
    and kept while the worker thread reads its records."""
    import fsspec

    kept: tuple[str, str, str] | None = getattr(_here, "archive", None)
    if whole and kept is not None and kept[0] == source.file:
        yield Source(source.id, kept[2], source.record, source.url)
        return
    folder = tempfile.mkdtemp(prefix="newsread-fetch-")
    local = os.path.join(folder, source.name or "page")
    try:
        with fsspec.open(source.file, "rb") as src, open(local, "wb") as dst:
            if whole:
                shutil.copyfileobj(src, dst, 1 << 20)
            else:
                dst.write(src.read(max_bytes + 1))
        if whole:
            if kept is not None:
                shutil.rmtree(kept[1], ignore_errors=True)
            _here.archive = (source.file, folder, local)
            folder = ""  # kept for the next record of this archive
        yield Source(source.id, local, source.record, source.url)
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def load_source(source: Source, max_bytes: int = DEFAULT_MAX_BYTES) -> Page:
    """:func:`~newsread.cleaners.loading.load_page` for a local page or one at a URL. Never raises."""
    if not is_url(source.file):
        return load_page(source, max_bytes=max_bytes)
    try:
        with _fetched(source, whole=source.record is not None or is_warc(source.file), max_bytes=max_bytes) as local:
            return load_page(local, max_bytes=max_bytes)
    except FileNotFoundError:
        return Page.failed(source.id, None, "file not found")
    except (OSError, ValueError) as exc:
        return Page.failed(source.id, None, f"cannot read: {exc}")


# -- the pipeline on a worker ---------------------------------------------------------------------
_own_output: list[int] = []  # the worker process whose standard output is its own (see _build)


def _build(spec: PipelineSpec) -> Pipeline:
    """``spec``'s pipeline, built in a worker. A worker in a process of its own (a local cluster's, started by a
    nanny) shares the command's standard output: there, as in ``newsread clean``'s workers, what cleaners print
    becomes a note on the page and file descriptor 1 goes to the null device; what loading a cleaner file
    prints was said when the command built it."""
    if multiprocessing.parent_process() is not None and _own_output != [os.getpid()]:
        with contextlib.suppress(OSError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.close(null)
        capture_stdout()
        _own_output[:] = [os.getpid()]
    with contextlib.redirect_stdout(io.StringIO()):
        return spec.build()


def _pipeline(spec: PipelineSpec, token: str, state: dict[str, Any] | None = None) -> Pipeline:
    """The run's pipeline in this worker thread, built once per run (``token``); with what the folder taught."""
    pipes: dict[str, Pipeline] = getattr(_here, "pipes", None) or {}
    _here.pipes = pipes
    found = pipes.get(token)
    if found is None:
        if len(pipes) >= 2:
            pipes.pop(next(iter(pipes)))
        found = pipes[token] = _build(spec)
    if state is not None:
        found.adopt(state)
    return found


def fit_part(spec: PipelineSpec, token: str, listing: Sequence[Source], start: int, end: int) -> dict[str, Any]:
    """The map step of learning the folder: what the folder-level cleaners keep of pages ``start:end``."""
    pipeline = _pipeline(spec, token)  # (the one that cleans next: fit_chunk leaves it as it is)
    return pipeline.fit_chunk(load_source(s, spec.max_bytes) for s in listing[start:end])


def fit_merge(spec: PipelineSpec, token: str, *chunks: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The reduce step: what the folder-level cleaners learn from the parts, in folder order, and any problems."""
    pipeline = _build(spec)
    known = len(pipeline.problems)
    pipeline.fit_merge(chunks)
    return pipeline.folder_state, pipeline.problems[known:]


def fit_whole(spec: PipelineSpec, listing: Sequence[Source]) -> tuple[dict[str, Any], list[str]]:
    """Learning the folder in one task, for folder-level cleaners that cannot learn it in parts."""
    pipeline = _build(spec)
    known = len(pipeline.problems)
    pipeline.fit(load_source(s, spec.max_bytes) for s in listing)
    return pipeline.folder_state, pipeline.problems[known:]


@dataclass(slots=True)
class Partition:
    """What cleaning a partition gives: its JSONL records (their cluster still null), its pages' load errors and
    their story signatures split by shuffle key (see :func:`clean_part`)."""

    start: int
    lines: list[str]
    errors: list[tuple[str, str]]  # (page id, error) of pages that could not be read
    signed: array[int] = field(default_factory=lambda: array("q"))  # pages with a signature: page, its shingles, …
    bodies: list[list[int]] = field(default_factory=list)  # by reducer: body hash, page, body hash, page …
    bands: list[list[int]] = field(default_factory=list)  # by reducer: band key, page, …
    shingles: list[tuple[bytes, list[int]]] = field(default_factory=list)  # by range: shingles, [page, count, …]
    cached: int = 0  # pages whose every stage came from the result cache
    warnings: list[str] = field(default_factory=list)  # what went wrong with the result cache

    def __sizeof__(self) -> int:
        """Roughly the bytes it holds: what Dask weighs (``sizeof``) to run a task where its inputs are rather
        than move them, and to account a worker's memory. Without it Dask counts the object alone (~100 bytes)
        and may move a whole partition to run a small task elsewhere."""
        ints = sum(map(len, chain(self.bodies, self.bands))) + sum(len(heads) for _, heads in self.shingles)
        return (
            object.__sizeof__(self)
            + sum(map(sys.getsizeof, self.lines))
            + sys.getsizeof(self.signed)
            + sum(len(data) for data, _ in self.shingles)
            + 36 * ints  # (a list's pointer and a Python int each)
        )


def shingle_bounds(reducers: int) -> list[int]:
    """Each shingle range's upper end (excluded): the signed 64-bit hash space split evenly."""
    return [-(2**63) + (2**64 * p) // reducers for p in range(1, reducers + 1)]


def clean_part(
    spec: PipelineSpec,
    token: str,
    state: dict[str, Any],
    listing: Sequence[Source],
    start: int,
    end: int,
    reducers: int,
    cache_dir: str | None = None,
) -> Partition:
    """Clean pages ``start:end`` of the listing: each page's JSONL record (as ``newsread clean`` writes it, but
    for its cluster) and its story signature, split by shuffle key for ``reducers`` reducers. ``cache_dir``: the
    result cache folder, as this worker sees it (see :func:`clean_on_dask`): each stage's result for a page is
    taken from it when it holds one, and kept there, as a local run does (the same records)."""
    pipeline = _pipeline(spec, token, state)
    cache = _cache(cache_dir)
    if cache is None:
        cleaned = ((i, pipeline.clean(load_source(listing[i], spec.max_bytes))) for i in range(start, end))
        return _partition(cleaned, listing, start, reducers)
    fps, hits = stage_fingerprints(pipeline), cache.hits
    cleaned = ((i, _clean_cached(listing[i], pipeline, cache, fps, spec.max_bytes)) for i in range(start, end))
    part = _partition(cleaned, listing, start, reducers)
    cache.flush()
    part.cached, part.warnings, cache.warnings = cache.hits - hits, cache.warnings, []
    return part


_caches: dict[str, ResultCache] = {}  # this worker process's result cache, by folder


def _cache(folder: str | None) -> ResultCache | None:
    if folder is None:
        return None
    cache = _caches.get(folder)
    if cache is None:
        cache = _caches[folder] = ResultCache(Path(folder))
    return cache if cache.usable else None


def _clean_cached(
    source: Source, pipeline: Pipeline, cache: ResultCache, fps: list[str | None], max_bytes: int
) -> CleanedPage:
    """:func:`~newsread.cleaners.cache.clean_source` of a local page or one at a URL (read from a local copy)."""
    if not is_url(source.file):
        return clean_source(source, pipeline, cache, fps, max_bytes=max_bytes)
    try:
        with _fetched(source, whole=source.record is not None or is_warc(source.file), max_bytes=max_bytes) as local:
            return clean_source(local, pipeline, cache, fps, max_bytes=max_bytes)
    except (OSError, ValueError):  # (fetching it failed: the loader says why, as without a cache)
        return pipeline.clean(load_source(source, max_bytes))


def lost_part(listing: Sequence[Source], start: int, end: int, why: str, reducers: int) -> Partition:
    """The records of pages whose worker was lost each time they were cleaned: each says so, as a local run does."""
    pages = [
        (i, CleanedPage(Page.failed(listing[i].id, listing[i].path, f"not cleaned: {why}"), ()))
        for i in range(start, end)
    ]
    return _partition(pages, listing, start, reducers)


def _partition(
    cleaned: Iterable[tuple[int, CleanedPage]], listing: Sequence[Source], start: int, reducers: int
) -> Partition:
    """The partition of ``cleaned`` pages, each taken as it comes and let go once its record and signature are
    kept: a partition's cleaned pages are never all held at once (see docs/distributed.md, "3.")."""
    part = Partition(start, [], [], array("q"), [[] for _ in range(reducers)], [[] for _ in range(reducers)])
    bounds = shingle_bounds(reducers)
    shingle_data: list[list[bytes]] = [[] for _ in range(reducers)]
    shingle_heads: list[list[int]] = [[] for _ in range(reducers)]
    for i, page in cleaned:
        source = listing[i]
        record = to_record(page)
        if is_url(source.file):
            record["path"] = printable(source.file)  # where the page is, not the worker's copy of it
        part.lines.append(json_line(record))
        if page.page.error is not None:
            part.errors.append((source.id, page.page.error))
        sig = signature_of(page)
        if sig is None:
            continue
        part.signed += array("q", (i, len(sig.shingles)))
        if sig.body:
            part.bodies[sig.body % reducers] += (sig.body, i)
        for b in range(0, len(sig.sketch), SKETCH_BAND):
            key = hash((b, *sig.sketch[b : b + SKETCH_BAND]))  # (as cluster_signatures keys a band)
            part.bands[key % reducers] += (key, i)
        for r, packed, count in by_range(sig.shingles, bounds):
            shingle_data[r].append(packed)
            shingle_heads[r] += (i, count)
    part.shingles = [(b"".join(d), h) for d, h in zip(shingle_data, shingle_heads, strict=True)]
    return part


# -- clustering: the shuffle's reducers -----------------------------------------------------------
Piece = tuple[list[int], list[int], tuple[bytes, list[int]]]  # one reducer's bodies, bands and shingles


def piece(part: Partition, reducer: int) -> Piece:
    """What the partition sends to one reducer of the shuffle (picked where the partition is)."""
    return part.bodies[reducer], part.bands[reducer], part.shingles[reducer]


def reduce_bodies(*pieces: Piece) -> tuple[array[int], array[int]]:
    """Pages with the same body (of this reducer's range): links to the first of them, and the later ones (which
    add nothing more: their sketches and shingles are left out, as :func:`cluster_signatures` leaves them)."""
    first: dict[int, int] = {}
    links, copies = array("q"), array("q")
    for flat, _, _ in pieces:
        for body, page in zip(flat[::2], flat[1::2], strict=True):
            origin = first.setdefault(body, page)
            if origin != page:
                links.append(origin << 32 | page)
                copies.append(page)
    return links, copies


def all_copies(*bodies: tuple[array[int], array[int]]) -> frozenset[int]:
    """Every page that is a later copy of another page's body."""
    out: set[int] = set()
    for _, copies in bodies:
        out.update(copies)
    return frozenset(out)


def reduce_bands(copies: frozenset[int], *pieces: Piece) -> array[int]:
    """Near-copies: pages whose sketches agree on a band (of this reducer's keys) link to the first such page."""
    first: dict[int, int] = {}
    links = array("q")
    for _, flat, _ in pieces:
        for key, page in zip(flat[::2], flat[1::2], strict=True):
            if page in copies:
                continue
            origin = first.setdefault(key, page)
            if origin != page:
                links.append(origin << 32 | page)
    return links


def reduce_shingles(copies: frozenset[int], *pieces: Piece) -> list[array[int]]:
    """Page pairs sharing a rare shingle of this reducer's range, once per shingle, by the bucket of their second
    page (:func:`~newsread.cleaners.clusters.pairs_sharing`): shuffled again to be counted by bucket."""
    shingles: list[int] = []
    heads: list[int] = []
    for _, _, (data, flat) in pieces:
        values = array("q")
        values.frombytes(data)
        numbers = values.tolist()
        at = 0
        for page, count in zip(flat[::2], flat[1::2], strict=True):
            if page not in copies:
                shingles += numbers[at : at + count]
                heads += (page, count)
            at += count
    pairs = [array("q") for _ in range(PAIR_BUCKETS)]
    pairs_sharing(shingles, heads, MAX_DF, pairs)
    return pairs


def reduce_pairs(*found: array[int]) -> array[int]:
    """Pairs of one bucket that share rare shingles (over every range) often enough to be one story if the pages
    are short enough (see :func:`~newsread.cleaners.clusters.shares_story`): pair, times shared, pair, …"""
    counts: Counter[int] = Counter()
    for pairs in found:
        counts.update(pairs)
    return array("q", chain.from_iterable(sorted((p, n) for p, n in counts.items() if n >= MIN_SHARED)))


def components(size: int, signed: Sequence[array[int]], shared: Sequence[array[int]], *links: array[int]) -> array[int]:
    """Each page's cluster representative: the first page of its cluster (linked pages, transitively); -1 for a
    page without a signature (it could not be read). ``signed``: page, its number of shingles, … for each page
    with a signature; ``shared``: pair, times shared, … (:func:`reduce_pairs`); ``links``: pairs that are one
    story whatever their size (copies, near-copies)."""
    parent = list(range(size))
    sizes = array("q", bytes(8 * size))
    for pages in signed:
        for i, n in zip(pages[::2], pages[1::2], strict=True):
            sizes[i] = n
    story_links = array("q")
    for counted in shared:
        for pair, n in zip(counted[::2], counted[1::2], strict=True):
            if shares_story(n, sizes[pair >> 32], sizes[pair & 0xFFFFFFFF]):
                story_links.append(pair)
    links = (*links, story_links)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for found in links:
        for pair in found:
            ra, rb = find(pair >> 32), find(pair & 0xFFFFFFFF)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    reps = array("q", [-1]) * size
    for pages in signed:
        for i in pages[::2]:
            reps[i] = find(i)
    return reps


def finished_lines(part: Partition, reps: array[int], listing: Sequence[Source]) -> str:
    """The partition's records, each with its story cluster (the id of its cluster's first page; null when the
    page could not be read), as ``newsread clean`` writes them."""
    out: list[str] = []
    for k, line in enumerate(part.lines):
        rep = reps[part.start + k]
        cluster = json_line(printable(listing[rep].id) if rep >= 0 else None)[:-1]
        out.append(f"{line[:-6]}{cluster}}}\n")  # (to_record puts "cluster": null last)
    return "".join(out)


def write_part(url: str, name: str, token: str, part: Partition, reps: array[int], listing: Sequence[Source]) -> int:
    """Write one output part: in a local folder to a temporary name in ``_temporary/``, then renamed to ``name``;
    at a URL (an object store) straight to ``name``, where an object appears whole or not at all (a move there
    is a copy and a delete: each part would travel twice). Returns its records."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    if _local(url) is None:
        with fs.open(f"{root.rstrip('/')}/{name}", "w", encoding="utf-8", newline="") as fh:
            fh.write(finished_lines(part, reps, listing))
        return len(part.lines)
    tmp = f"{root.rstrip('/')}/{TEMPORARY}/{name}.{token}"
    fs.makedirs(f"{root.rstrip('/')}/{TEMPORARY}", exist_ok=True)
    with fs.open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(finished_lines(part, reps, listing))
    fs.mv(tmp, f"{root.rstrip('/')}/{name}")
    return len(part.lines)


# -- the run --------------------------------------------------------------------------------------
@dataclass(slots=True)
class RunResult:
    pages: int = 0
    failures: int = 0  # pages that could not be read
    parts: int = 0
    problems: list[str] = field(default_factory=list)  # what folder-level cleaners could not learn
    cached: int = 0  # pages whose every stage came from the result cache


def plan(pages: int, partition_pages: int) -> list[tuple[int, int]]:
    """The partitions (start, end) of ``pages`` pages."""
    size = max(1, partition_pages)
    return [(s, min(pages, s + size)) for s in range(0, pages, size)]


def clean_on_dask(
    client: Any,
    inputs: Sequence[str],
    spec: PipelineSpec,
    *,
    out: str | None = None,
    stdout: IO[str] | None = None,
    partition_pages: int = PARTITION_PAGES,
    reducers: int | None = None,
    on_error: Callable[[str, str], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    pipeline: Pipeline | None = None,
    cache_dir: str | None = None,
) -> RunResult:
    """Clean ``inputs`` (local paths or fsspec URLs) on the cluster ``client`` is connected to, as JSONL.

    ``out``: None writes to ``stdout``; a name ending in ``.jsonl`` (a path or URL) is one file; anything else is
    a folder (path or URL) of ``part-00000.jsonl`` … and ``_SUCCESS`` once every part is written. The records are
    those of ``newsread clean --jobs 1`` on the same input, in the same order. ``on_error(page id, error)`` for
    each page that could not be read, ``progress(pages)`` as partitions are cleaned, ``on_total(pages)`` once
    they are listed. ``pipeline``: the one ``spec`` was made of, if at hand (else it is built here to see whether
    it learns from the folder). ``cache_dir``: the result cache folder, a path every worker can open (the same
    for a local cluster, a shared one for a remote one): the workers use it as a local run does (a page cleaned
    before with the same cleaners is not cleaned again), and so do later local runs. Raises :class:`RunError`
    when the output may not be written where asked.
    """
    dist = _distributed()
    as_completed, wait = dist.as_completed, dist.wait
    result = RunResult()
    warn = on_warning or (lambda _m: None)
    target = _Target.of(out, inputs)  # checked before anything runs
    token = os.urandom(8).hex()
    submit = client.submit
    if any(_local(i) is None for i in inputs):
        problem = submit(input_problem, list(inputs), key=f"newsread-inputs-{token}").result()
        if problem is not None:
            raise RunError(problem)
    listing = submit(list_inputs, list(inputs), key=f"newsread-list-{token}")
    total: int = submit(len, listing, key=f"newsread-count-{token}").result()
    result.pages = total
    if on_total is not None:
        on_total(total)
    parts = plan(total, partition_pages)
    result.parts = len(parts)
    nred = reducers or max(1, min(32, math.isqrt(len(parts))))

    # fit: map and reduce; what is learned stays on the cluster, fetched once by each worker that cleans
    probe = pipeline if pipeline is not None else spec.build()
    state: Any = {}
    if probe.fitters and total:
        state, result.problems = _learn(client, spec, token, listing, total, probe)
        for problem in result.problems:
            warn(problem)

    # The listing and what was learned reach each worker as any task's input does: fetched by its first cleaning
    # task there, kept while tasks need them (so a worker lost loses neither once any other has cleaned; else Dask
    # computes them again). Not ``client.replicate``: with 4 workers it stalled (docs/distributed.md, "At 100k").

    # clean: a task per partition; a partition whose worker is lost each time Dask tries it is cleaned a page a
    # task, and a page whose worker is lost each time is a page error (the rest of the partition is not lost)
    key = f"newsread-clean-{token}"
    cleaning = {
        submit(clean_part, spec, token, state, listing, s, e, nred, cache_dir, pure=False, key=f"{key}-{k}"): k
        for k, (s, e) in enumerate(parts)
    }
    done: dict[int, Any] = {}
    failed: list[int] = []
    for fut in as_completed(list(cleaning)):
        k = cleaning[fut]
        if fut.status == "error":
            failed.append(k)  # (once the others are done: each try of a page that ends its worker costs a worker)
            continue
        done[k] = fut
        if progress is not None:
            progress(parts[k][1] - parts[k][0])
    for k in sorted(failed):
        done[k] = _page_by_page(client, spec, token, state, listing, parts[k], nred, cache_dir)
        if progress is not None:
            progress(parts[k][1] - parts[k][0])
    cleaned = [done[k] for k in range(len(parts))]
    del cleaning, done
    said = operator.attrgetter("errors", "cached", "warnings")
    for errors, cached, warnings in client.gather([submit(said, part, pure=False) for part in cleaned]):
        result.cached += cached
        for warning in dict.fromkeys(warnings):
            warn(warning)
        for page_id, error in errors:
            result.failures += 1
            if on_error is not None:
                on_error(page_id, error)

    # cluster: shuffle by key range (each partition's piece for each reducer is picked where the partition is, so
    # only that piece travels), reduce, shuffle the pairs found by bucket, count, and join the links found
    pieces = [[submit(piece, part, r, pure=False) for part in cleaned] for r in range(nred)]
    bodies = [submit(reduce_bodies, *pieces[r], pure=False) for r in range(nred)]
    copies = submit(all_copies, *bodies, pure=False)
    bands = [submit(reduce_bands, copies, *pieces[r], pure=False) for r in range(nred)]
    shingles = [submit(reduce_shingles, copies, *pieces[r], pure=False) for r in range(nred)]
    pairs = [
        submit(reduce_pairs, *[submit(operator.itemgetter(q), s, pure=False) for s in shingles], pure=False)
        for q in range(PAIR_BUCKETS)
    ]
    signed = [submit(operator.attrgetter("signed"), part, pure=False) for part in cleaned]
    body_links = [submit(operator.itemgetter(0), b, pure=False) for b in bodies]
    reps = submit(components, total, signed, pairs, *body_links, *bands, pure=False)
    del pieces, bodies, copies, bands, shingles, pairs, signed, body_links

    # write
    if target.folder is not None:
        names = [PART_NAME.format(k) for k in range(len(parts))]
        target.begin(names)
        writes = [
            submit(write_part, target.folder, name, token, part, reps, listing, pure=False)
            for name, part in zip(names, cleaned, strict=True)
        ]
        wait(writes)
        for w in writes:
            w.result()  # (raises the first write error)
        target.finish(names)
    else:
        texts = [submit(finished_lines, part, reps, listing, pure=False) for part in cleaned]
        with target.stream(stdout) as fh:
            for text in texts:
                fh.write(text.result())
                text.release()
    return result


def _learn(
    client: Any, spec: PipelineSpec, token: str, listing: Any, total: int, probe: Pipeline
) -> tuple[Any, list[str]]:
    """The folder learned on the cluster, within the learning limit (``max_learn_seconds`` for each folder-level
    cleaner, as when a local run learns in parts): what was learned (a future, left on the cluster) and the
    problems. Past the limit the tasks are cancelled and the workers running them restarted (a ``fit`` stuck in C
    code answers nothing else); when the tasks fail (a worker lost each time: a cleaner that ends its process)
    the run goes on likewise, without what the folder would teach, and a problem says so."""
    dist = _distributed()
    submit = client.submit
    names = [s.name for s in probe.fitters]
    seconds = spec.config.max_learn_seconds * max(1, len(names))
    if probe.fits_in_chunks():
        spans = enumerate(plan(total, FIT_PAGES))
        key = f"newsread-fit-{token}-{{}}"
        maps = [submit(fit_part, spec, token, listing, s, e, pure=False, key=key.format(k)) for k, (s, e) in spans]
        learned = submit(fit_merge, spec, token, *maps, pure=False, key=f"newsread-fit-{token}-merge")
    else:
        maps = []
        learned = submit(fit_whole, spec, listing, pure=False, key=f"newsread-fit-{token}-whole")
    tasks = [*maps, learned]
    try:
        dist.wait([learned], timeout=seconds)
    except TimeoutError:
        _stop(client, tasks)
        why = f"learning from the folder on the cluster did not finish within {seconds:g} s: stopped"
        return {}, [stopped_in_parts(names, why)]
    if learned.status != "finished":
        exc = learned.exception()
        client.cancel(tasks)
        how = "its worker was lost each time it was tried" if type(exc).__name__ == "KilledWorker" else str(exc)
        which = ", ".join(map(repr, names))
        why = f"learning from the folder on the cluster failed ({type(exc).__name__}: {how})"
        return {}, [f"{why}; none of {which} learned anything, {LEARNS_THEM_NOTHING}"]
    problems = list(submit(operator.itemgetter(1), learned, pure=False).result())
    return submit(operator.itemgetter(0), learned, pure=False), problems


def _stop(client: Any, tasks: Sequence[Any]) -> None:
    """Cancel ``tasks``; restart the workers running one of them (cancelling does not stop a running task)."""
    keys = {t.key for t in tasks}
    try:
        busy = [w for w, running in client.processing().items() if keys.intersection(running)]
    except Exception:
        busy = []
    client.cancel(list(tasks), force=True)
    if busy:  # (only workers with a nanny can be restarted: others finish their task in their own time)
        with contextlib.suppress(Exception):
            client.restart_workers(busy, timeout=30, raise_for_error=False)


def _page_by_page(
    client: Any,
    spec: PipelineSpec,
    token: str,
    state: Any,
    listing: Any,
    span: tuple[int, int],
    nred: int,
    cache_dir: str | None,
) -> Any:
    """A partition whose worker was lost each time Dask tried it, cleaned a page a task, one task at a time (a task
    waiting on a worker that a page ends counts as failed too): a page that ends its worker each time is a page
    error, the others are cleaned."""
    singles = []
    for i in range(*span):
        fut = client.submit(clean_part, spec, token, state, listing, i, i + 1, nred, cache_dir, pure=False)
        with contextlib.suppress(Exception):
            fut.result()
        if fut.status == "error":
            exc = fut.exception()
            name = type(exc).__name__
            why = (
                f"the worker cleaning it was lost each time it was tried ({name})"
                if name == "KilledWorker"
                else f"cleaning it failed on the cluster ({name}: {exc})"
            )
            fut = client.submit(lost_part, listing, i, i + 1, why, nred, pure=False)
        singles.append(fut)
    return client.submit(_joined, *singles, pure=False)


def _joined(*parts: Partition) -> Partition:
    first = parts[0]
    out = Partition(first.start, [], [], array("q"), [[] for _ in first.bodies], [[] for _ in first.bands])
    data: list[list[bytes]] = [[] for _ in first.shingles]
    heads: list[list[int]] = [[] for _ in first.shingles]
    for part in parts:
        out.lines += part.lines
        out.errors += part.errors
        out.cached += part.cached
        out.warnings += part.warnings
        out.signed += part.signed
        for r in range(len(first.bodies)):
            out.bodies[r] += part.bodies[r]
            out.bands[r] += part.bands[r]
            data[r].append(part.shingles[r][0])
            heads[r] += part.shingles[r][1]
    out.shingles = [(b"".join(d), h) for d, h in zip(data, heads, strict=True)]
    return out


# -- where the output goes ------------------------------------------------------------------------
@dataclass(slots=True)
class _Target:
    """Where a run writes: standard output, one file, or a folder of parts; checked against the inputs first."""

    inputs: Sequence[str]
    file: str | None = None
    folder: str | None = None

    @classmethod
    def of(cls, out: str | None, inputs: Sequence[str]) -> _Target:
        if out is None:
            return cls(inputs)
        target = cls(inputs, file=out) if out.endswith(".jsonl") else cls(inputs, folder=out)
        target._check(out)
        return target

    def _check(self, out: str) -> None:
        local_out = _local(out)
        local_inputs = [p for p in (_local(i) for i in self.inputs) if p is not None]
        if local_out is not None:
            if self.folder is not None:
                try:
                    check_out_folder(Path(local_out), local_inputs)
                except OutputError as exc:
                    raise RunError(str(exc)) from exc
            else:  # the rules of every local output file (outfiles.py): checked now, before anything runs
                try:
                    with OutputFolder(Path(local_out).parent, local_inputs) as folder:
                        written = folder.claim(Path(local_out).name)
                except OutputError as exc:
                    raise RunError(str(exc)) from exc
                if written.renamed:
                    raise RunError(f"{out}: {written.why}; not replaced")
            return
        mine = _normal(out)
        for item in self.inputs:
            if is_url(item) and _local(item) is None:
                theirs = _normal(item)
                if mine[0] == theirs[0] and _overlap(mine[1], theirs[1]):
                    raise RunError(f"{out} and the input {item} overlap: newsread never writes into what it reads")
        try:
            self._check_url(out)
        except RunError:
            raise
        except Exception as exc:  # (no credentials, no such endpoint, access denied …: said in one line)
            raise RunError(f"{out} cannot be written: {_why(exc)}") from exc

    def _check_url(self, out: str) -> None:
        """An output at a URL: its bucket exists (newsread creates none: a typo would make one), and a part
        folder there holds only a former run's parts."""
        import fsspec

        fs, root = fsspec.core.url_to_fs(out)
        bucket = "" if root.startswith("/") else root.strip("/").split("/", 1)[0]
        if bucket:
            try:
                fs.info(bucket)
            except FileNotFoundError:
                proto = out.split("://", 1)[0]
                raise RunError(
                    f"{proto}://{bucket} does not exist: newsread creates no bucket (create it, or check the name)"
                ) from None
        if self.folder is not None:
            _only_parts(fs, root.rstrip("/"), self.folder, None)

    @contextlib.contextmanager
    def stream(self, stdout: IO[str] | None) -> Iterator[IO[str]]:
        if self.file is None:
            fh = stdout if stdout is not None else _stdout()
            yield fh
            fh.flush()
            return
        local = _local(self.file)
        if local is not None:  # the rules of every local output file (see outfiles.py)
            path = Path(local)
            with OutputFolder(path.parent, [p for p in (_local(i) for i in self.inputs) if p]) as folder:
                try:
                    with folder.create(path.name) as (fh, written):
                        if written.renamed:
                            raise OutputError(f"{local}: {written.why}; not replaced")
                        yield fh
                except OutputError as exc:
                    raise RunError(str(exc)) from exc
            return
        import fsspec

        with fsspec.open(self.file, "w", encoding="utf-8", newline="") as fh:
            yield fh

    def begin(self, names: Sequence[str]) -> None:
        """Before writing parts: the folder may hold only what newsread's parts are (parts of a run before, its
        ``_SUCCESS``); its ``_SUCCESS`` goes first, so an unfinished run is never taken for a finished one."""
        import fsspec

        assert self.folder is not None
        fs, root = fsspec.core.url_to_fs(self.folder)
        root = root.rstrip("/")
        ours = _manifest(fs, root) if _local(self.folder) is not None else None
        if _only_parts(fs, root, self.folder, ours):
            with contextlib.suppress(FileNotFoundError):
                fs.rm(f"{root}/{SUCCESS}")
        fs.makedirs(root, exist_ok=True)
        if ours is not None:
            _record(fs, root, ours, [*names, SUCCESS])

    def finish(self, names: Sequence[str]) -> None:
        """After every part is written: parts of a bigger run before are removed, then ``_SUCCESS`` is written."""
        import fsspec

        assert self.folder is not None
        fs, root = fsspec.core.url_to_fs(self.folder)
        root = root.rstrip("/")
        keep = set(names)
        for entry in fs.ls(root, detail=False):
            name = os.path.basename(str(entry).rstrip("/"))
            if _PART.fullmatch(name) and name not in keep:
                fs.rm(f"{root}/{name}")
        with contextlib.suppress(FileNotFoundError):
            fs.rm(f"{root}/{TEMPORARY}", recursive=True)
        with fs.open(f"{root}/{SUCCESS}", "w") as fh:
            fh.write("")


def _only_parts(fs: Any, root: str, folder: str, ours: set[str] | None) -> bool:
    """Whether the part folder ``root`` exists; raises :class:`RunError` if it is a file or holds anything but
    parts and ``_SUCCESS`` (of a local folder: those its manifest ``ours`` names)."""
    if not fs.exists(root):
        return False
    if not fs.isdir(root):
        raise RunError(f"{folder} is a file, not a folder: give a folder for the parts")
    for entry in fs.ls(root, detail=False):
        name = os.path.basename(str(entry).rstrip("/"))
        if name in (TEMPORARY, MANIFEST):
            continue
        if (_PART.fullmatch(name) or name == SUCCESS) and (ours is None or name in ours):
            continue
        raise RunError(f"{folder} holds {name!r}, which newsread did not write: give an empty or new folder")
    return True


def check_output(out: str | None, inputs: Sequence[str]) -> None:
    """Raise :class:`RunError` if a run of ``inputs`` may not write to ``out`` (see :func:`clean_on_dask`): the
    command checks this before it starts a cluster; a run checks it again before anything runs."""
    _Target.of(out, inputs)


def _normal(url: str) -> tuple[str, str]:
    proto, rest = url.split("://", 1)
    return proto, "/".join(p for p in rest.split("/") if p not in ("", "."))


def _overlap(a: str, b: str) -> bool:
    """Whether one of two paths is the other or inside it."""
    return a == b or not a or not b or a.startswith(b + "/") or b.startswith(a + "/")


def _manifest(fs: Any, root: str) -> set[str]:
    try:
        with fs.open(f"{root}/{MANIFEST}", "r", encoding="utf-8") as fh:
            return {str(json.loads(line)) for line in fh if line.strip()}
    except (OSError, ValueError):
        return set()


def _record(fs: Any, root: str, ours: set[str], names: Sequence[str]) -> None:
    new = [n for n in names if n not in ours]
    if new:
        with open(os.path.join(root, MANIFEST), "a", encoding="utf-8") as fh:
            fh.writelines(json.dumps(n) + "\n" for n in new)


def _stdout() -> IO[str]:
    import sys

    return sys.stdout
