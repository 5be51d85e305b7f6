"""Writing output files without ever touching an input: the one place every output file is made.

``newsread clean --out``, ``newsread export`` and the reader's export all write through
:class:`OutputFolder`, which checks each file before writing it:

- no file is created or replaced at a path that is, or is inside, an input (folders and files as
  given, symlinks resolved), nor over a file an input symlink points to;
- an existing file is replaced only if newsread wrote it (the folder's ``.newsread-written`` list
  says which); another file of that name is left alone and the page goes to a suffixed name;
- two pages wanting the same name (``a``, ``a.txt``, ``a.html`` -> ``a.txt``) each get a file of
  their own: the first its usual name, the others one that keeps their own extension
  (``a.html.txt``), then ``~2``, ``~3`` … — the same names for the same folder every time;
- every file is written to a temporary file beside it and renamed over the old one, so a full disk
  or a killed run leaves the previous file whole, never a half-written one; the temporary files a killed
  run leaves (``.newsread-tmp-PID-N``, its process gone) are removed by the next run writing there.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

JSONL_NAME = "newsread.jsonl"  # the one file JSONL output goes to in an output folder (clean --out, export)
NAME_MAX = 255  # bytes in a file name (Linux, macOS)
MANIFEST = ".newsread-written"  # names (relative to the output folder) of the files newsread wrote there
_TMP = ".newsread-tmp"


def _temp_pid(name: str) -> int | None:
    """The process that made the temporary file ``name`` (``.newsread-tmp-PID-N``), or None: not one."""
    if not name.startswith(_TMP + "-"):
        return None
    parts = name[len(_TMP) + 1 :].split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    return int(parts[0])


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (then its temporary files may be in use: left alone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # (another user's: it exists)
        return True
    return True


def output_names(page_id: str, fmt: str) -> tuple[str, str]:
    """The file a page's text or Markdown output wants (``a/b.html`` -> ``a/b.txt``: its extension and .gz
    replaced), and the one it takes when another page has that name (``a/b.html.txt``: its own name kept)."""
    ext = ".md" if fmt == "markdown" else ".txt"
    stem = page_id
    if stem.lower().endswith(".gz"):
        stem = stem[:-3]
    base, suffix = os.path.splitext(stem)
    if suffix and "/" not in suffix:
        stem = base
    return stem + ext, page_id + ext


def _fits(name: str) -> bool:
    return len(os.fsencode(os.path.basename(name))) <= NAME_MAX


class OutputError(Exception):
    """An output cannot be written where asked; the message says why (nothing was written)."""


def real(path: str | os.PathLike[str]) -> str:
    """``path`` absolute with every symlink resolved (as far as it exists)."""
    return os.path.realpath(os.path.abspath(path))


def is_within(child: str | os.PathLike[str], parent: str | os.PathLike[str]) -> bool:
    """Whether ``child`` is ``parent`` or inside it, symlinks resolved."""
    c, p = real(child), real(parent)
    return c == p or c.startswith(p.rstrip(os.sep) + os.sep)


def input_holding(path: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]) -> str | None:
    """The input that ``path`` is, or is inside (symlinks resolved), or None. An input file holds only itself."""
    for item in inputs:
        if is_within(path, item):
            return os.fspath(item)
    return None


def folder_holding(path: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]) -> str | None:
    """The folder being read that ``path`` is inside (an input folder, or an input file's folder), or None: where
    newsread's own files (the result cache, the triage state) may not be, or they would be read as pages."""
    for item in inputs:
        if not os.path.lexists(item):  # gone (removed while open): it holds nothing newsread would read
            continue
        folder = item if os.path.isdir(item) else os.path.dirname(os.path.abspath(item))
        if is_within(path, folder):
            return os.fspath(folder)
    return None


def check_out_folder(out: Path, inputs: Sequence[str | os.PathLike[str]]) -> None:
    """Raise :class:`OutputError` if ``out`` cannot be an output folder: an input, inside one, or not a folder."""
    where = input_holding(out, inputs)
    if where is not None:
        kind = "folder" if os.path.isdir(where) else "file"
        what = f"is the input {kind}" if real(out) == real(where) else f"is inside the input {kind}"
        raise OutputError(f"{out} {what} {where}: newsread never writes into what it reads")
    if os.path.lexists(out) and not out.is_dir():
        raise OutputError(f"{out} is a file, not a folder: give a folder to write the pages into")


@dataclass(frozen=True, slots=True)
class Written:
    """One output file: where it went, and the name it wanted if another page or file had that one."""

    path: Path
    wanted: str
    name: str
    why: str = ""  # why not ``wanted``: "another page has it" or "a file newsread did not write is there"

    @property
    def renamed(self) -> bool:
        return self.name != self.wanted


def _encode_name(name: str) -> str:
    return json.dumps(os.fsencode(name).decode("latin-1"))


def _decode_name(line: str) -> str:
    return os.fsdecode(str(json.loads(line)).encode("latin-1"))


class _Inputs:
    """The inputs, resolved once, for :func:`input_holding` on many paths: a lookup per folder above the path, so
    ``newsread clean *.html --out O`` (thousands of file inputs) checks each page's file in the same time."""

    def __init__(self, inputs: Iterable[str | os.PathLike[str]]) -> None:
        self.files: dict[str, str] = {}
        self.folders: dict[str, str] = {}
        for item in inputs:
            (self.folders if os.path.isdir(item) else self.files).setdefault(real(item), os.fspath(item))

    def holding(self, path: str | os.PathLike[str], resolved: bool = False) -> str | None:
        """The input that ``path`` is, or is inside (symlinks resolved, unless ``resolved`` says they are), or None."""
        p = os.fspath(path) if resolved else real(path)
        if p in self.files:
            return self.files[p]
        while True:
            if p in self.folders:
                return self.folders[p]
            parent = os.path.dirname(p)
            if parent == p:
                return None
            p = parent


class OutputFolder:
    """An output folder being written: see the module's docstring for the rules each file is checked against.

    ``inputs`` are the folders and files being read; ``input_files`` (called at most once, when an
    existing file is about to be replaced) gives every page's file, so a file an input symlink
    points to is never replaced either. Raises :class:`OutputError` if ``out`` itself is not usable.
    """

    def __init__(
        self,
        out: Path,
        inputs: Sequence[str | os.PathLike[str]],
        input_files: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        check_out_folder(out, inputs)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the output folder {out}: {exc.strerror or exc}") from exc
        self.out = out
        self._inputs = _Inputs(inputs)
        self._input_files = input_files
        self._input_inodes: set[tuple[int, int]] | None = None
        self._ours = self._read_manifest()
        self._claimed: set[str] = set()
        self._real_dirs: dict[str, str] = {}
        self._made: set[str] = set()
        self._temps = 0  # folders known to be there (made or seen): not looked at again
        self._manifest: IO[str] | None = None

    # -- names ---------------------------------------------------------------------------------
    def _read_manifest(self) -> set[str]:
        try:
            with open(self.out / MANIFEST, encoding="utf-8") as fh:
                names = set()
                for line in fh:
                    with contextlib.suppress(ValueError, TypeError):
                        names.add(_decode_name(line))
                return names
        except (OSError, UnicodeDecodeError):
            return set()  # none, or unreadable: every existing file counts as not ours (nothing is replaced)

    def _record(self, name: str) -> None:
        if name in self._ours:
            return
        if self._manifest is None:
            self._manifest = open(self.out / MANIFEST, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self._manifest.write(_encode_name(name) + "\n")
        self._manifest.flush()
        self._ours.add(name)

    def _is_input_file(self, path: str) -> bool:
        try:
            st = os.stat(path)
        except OSError:
            return False
        if self._input_inodes is None:
            inodes = set()
            for f in self._input_files() if self._input_files is not None else ():
                with contextlib.suppress(OSError):
                    s = os.stat(f)
                    inodes.add((s.st_dev, s.st_ino))
            self._input_inodes = inodes
        return (st.st_dev, st.st_ino) in self._input_inodes

    def _real_folder(self, folder: str) -> str:
        """``real(folder)``, looked up once per folder (thousands of pages go to a few folders)."""
        found = self._real_dirs.get(folder)
        if found is None:
            found = self._real_dirs[folder] = real(folder)
        return found

    def _candidates(self, wanted: str, alternative: str | None) -> Iterator[str]:
        """``wanted``, ``alternative``, then numbered names; none longer than a file name may be (255 bytes)."""
        if _fits(wanted):
            yield wanted
        if alternative and alternative != wanted and _fits(alternative):
            yield alternative
        base = alternative if alternative and _fits(alternative) else wanted
        folder, leaf = os.path.split(base)
        stem, ext = os.path.splitext(leaf)
        stem = os.fsdecode(os.fsencode(stem)[: NAME_MAX - 16 - len(os.fsencode(ext))])  # room for "~N"
        for n in range(2, 1_000_000):
            yield os.path.join(folder, f"{stem}~{n}{ext}")

    def claim(self, wanted: str, alternative: str | None = None) -> Written:
        """Choose the file for an output that wants the name ``wanted`` (relative to the folder).

        Raises :class:`OutputError` if it would land in an input. ``alternative`` is tried next when
        ``wanted`` is taken (by an earlier page of this run, or a file newsread did not write).
        """
        parts = wanted.split("/")
        if not wanted or wanted.startswith("/") or ".." in parts or "" in parts:
            raise OutputError(f"{wanted!r} is not a name inside the output folder")
        out = os.fspath(self.out)
        why = ""
        for name in self._candidates(wanted, alternative):
            if name in self._claimed:
                why = why or "another page of this run has that name"
                continue
            target = os.path.join(out, name)
            folder, leaf = os.path.split(target)
            resolved = os.path.join(self._real_folder(folder), leaf)
            try:
                st: os.stat_result | None = os.lstat(target)
            except OSError:
                st = None
            if st is not None and stat.S_ISLNK(st.st_mode):
                resolved = real(resolved)
            where = self._inputs.holding(resolved, resolved=True)  # (a link in the path is followed)
            if where is not None:
                what = "be the input" if resolved == real(where) else "land inside the input"
                raise OutputError(f"{target} would {what} {where}: not written")
            if st is not None:
                if not stat.S_ISREG(st.st_mode) or name not in self._ours:
                    why = why or "a file newsread did not write is there"
                    continue  # a folder, a link, or a file newsread did not write: left alone
                if self._is_input_file(target):
                    raise OutputError(f"{target} is a page being read: not written")
            self._claimed.add(name)
            return Written(Path(target), wanted, name, why)
        raise OutputError(f"no free name for {wanted!r} in {self.out}")  # pragma: no cover - a million taken

    # -- writing -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def create(self, wanted: str, alternative: str | None = None) -> Iterator[tuple[IO[str], Written]]:
        """A text file to write an output into; it replaces the chosen file only once the block ends well.

        On an error (a full disk) the temporary file is removed and the old file, if any, is left whole.
        """
        written = self.claim(wanted, alternative)
        target = os.fspath(written.path)
        folder = os.path.dirname(target)
        if folder not in self._made:
            made = not os.path.isdir(folder)
            try:
                if made:
                    os.makedirs(folder, exist_ok=True)
            except (FileExistsError, NotADirectoryError) as exc:  # another page's file (or not ours) is in the way
                self._claimed.discard(written.name)
                raise OutputError(f"{target} cannot be made: a file is where its folder would be: not written") from exc
            except OSError:
                self._claimed.discard(written.name)
                raise
            if made and self._inputs.holding(folder) is not None:  # (someone put a link there meanwhile)
                self._real_dirs.pop(folder, None)
                self._claimed.discard(written.name)
                raise OutputError(f"{target} would be inside an input: not written")
            self._made.add(folder)
            self._sweep(folder)
        self._temps += 1
        tmp = os.path.join(folder, f"{_TMP}-{os.getpid()}-{self._temps}")  # (short: the page's name may be long)
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                yield fh, written
            self._record(written.name)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _sweep(self, folder: str) -> None:
        """Remove the temporary files a killed run left in ``folder`` (one of the output folder's, written into
        now): only regular files named as :meth:`create` names them, by a process that is gone, and never an
        input."""
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            pid = _temp_pid(entry.name)
            if pid is None or pid == os.getpid() or _alive(pid):
                continue
            with contextlib.suppress(OSError):
                if not entry.is_file(follow_symlinks=False):
                    continue
                if self._inputs.holding(entry.path) is not None or self._is_input_file(entry.path):
                    continue
                os.unlink(entry.path)

    def write(self, wanted: str, text: str, alternative: str | None = None) -> Written:
        """Write ``text`` (UTF-8) as the output that wants the name ``wanted``; see :meth:`claim`."""
        with self.create(wanted, alternative) as (fh, written):
            fh.write(text)
        return written

    def close(self) -> None:
        if self._manifest is not None:
            with contextlib.suppress(OSError):
                self._manifest.close()
            self._manifest = None

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
