"""Loading a folder: what is found, in what order, under what id, and how bytes become text."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newsread.cleaners import iter_sources, load_pages

RUSSIAN = "Президент России прибыл в Пекин с государственным визитом. Лидеры обсудили торговлю и энергетику. " * 3
CHINESE = "俄罗斯总统普京抵达北京进行国事访问。两国领导人讨论了贸易、能源和安全合作问题。" * 3
JAPANESE = (
    "ロシアのプーチン大統領は北京に到着し、習近平国家主席と会談した。両首脳は貿易とエネルギーについて話し合った。" * 3
)
FRENCH = "Le président a déclaré que la coopération économique était très importante pour l'été à venir. " * 3


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_folder_is_read_recursively_in_name_order_without_hidden_entries(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "b")
    write(tmp_path / "a" / "z.txt", "z")
    write(tmp_path / "a" / "y.html", "<p>y</p>")
    write(tmp_path / ".hidden.txt", "h")
    write(tmp_path / ".git" / "c.txt", "c")
    write(tmp_path / "c", "extension-less text page")
    assert [s.id for s in iter_sources([tmp_path])] == ["a/y.html", "a/z.txt", "b.txt", "c"]


def test_single_file_and_several_paths_get_unique_ids(tmp_path: Path) -> None:
    one = write(tmp_path / "one" / "page.txt", "x")
    write(tmp_path / "two" / "page.txt", "y")
    assert [s.id for s in iter_sources([one])] == ["page.txt"]
    assert [s.id for s in iter_sources([tmp_path / "one", tmp_path / "two"])] == ["one/page.txt", "two/page.txt"]


def test_several_files_given_are_each_their_name_not_name_slash_name(tmp_path: Path) -> None:
    # `newsread a/x.html b/y.html` (a shell glob) listed "x.html/x.html", "y.html/y.html" in the reader and JSONL.
    x = write(tmp_path / "a" / "x.html", "<p>x</p>")
    y = write(tmp_path / "b" / "y.txt", "y")
    assert [s.id for s in iter_sources([x, y])] == ["x.html", "y.txt"]
    assert [s.id for s in iter_sources([x, tmp_path / "b"])] == ["x.html", "b/y.txt"]


def test_folders_and_files_of_the_same_name_in_different_places_get_different_ids(tmp_path: Path) -> None:
    # `newsread p/news q/news` listed both `news/x.html`: triage, the cache and a rescan took them for one page.
    for where in ("p/news", "q/news"):
        write(tmp_path / where / "x.html", f"<p>{where}</p>")
        write(tmp_path / where / "sub" / "y.txt", where)
    folders = [tmp_path / "p" / "news", tmp_path / "q" / "news"]
    ids = [s.id for s in iter_sources(folders)]
    assert ids == ["p/news/sub/y.txt", "p/news/x.html", "q/news/sub/y.txt", "q/news/x.html"]
    files = [tmp_path / "p" / "news" / "x.html", tmp_path / "q" / "news" / "x.html"]
    assert [s.id for s in iter_sources(files)] == ["p/news/x.html", "q/news/x.html"]
    assert [s.id for s in iter_sources([files[0], tmp_path / "p" / "news" / "sub"])] == ["x.html", "sub/y.txt"]
    # stable: a new page (a rescan) leaves the others' ids as they were, and a path given twice is read once
    write(tmp_path / "q" / "news" / "a.txt", "new")
    again = [s.id for s in iter_sources([*folders, folders[0]])]
    assert again == ["p/news/sub/y.txt", "p/news/x.html", "q/news/a.txt", "q/news/sub/y.txt", "q/news/x.html"]
    # a file given itself and in a folder given: the same page, listed once
    both = [s.id for s in iter_sources([*files, *folders])]
    assert both == ["p/news/x.html", "q/news/x.html", "p/news/sub/y.txt", "q/news/a.txt", "q/news/sub/y.txt"]


def test_many_files_given_by_a_glob_keep_their_names_and_same_names_their_folders(tmp_path: Path) -> None:
    # (`newsread dir/*.html` gives thousands of paths: each is its own name unless another path shares it)
    files = [write(tmp_path / "dump" / f"{i:04}.txt", f"page {i}") for i in range(300)]
    assert [s.id for s in iter_sources(files)] == [f"{i:04}.txt" for i in range(300)]
    alike = [write(tmp_path / f"day{i:03}" / "front" / "index.html", f"<p>{i}</p>") for i in range(300)]
    ids = [s.id for s in iter_sources([files[0], *alike])]
    assert ids == ["0000.txt", *(f"day{i:03}/front/index.html" for i in range(300))]


def test_the_current_folder_among_several_is_named_by_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "here" / "x.txt", "x")
    write(tmp_path / "there" / "x.txt", "y")
    monkeypatch.chdir(tmp_path / "here")
    assert [s.id for s in iter_sources([".", "../there"])] == ["here/x.txt", "there/x.txt"]  # not "/x.txt"


def test_gzipped_text_and_html_pages_load(tmp_path: Path) -> None:
    write(tmp_path / "a.txt.gz", gzip.compress(b"Line one\nLine two\n"))
    write(tmp_path / "b.html.gz", gzip.compress(b"<html><body><p>Hello</p><script>x()</script></body></html>"))
    a, b = load_pages([tmp_path])
    assert (a.format, [x.text for x in a.blocks]) == ("text", ["Line one", "Line two"])
    assert (b.format, [x.text for x in b.blocks]) == ("html", ["Hello"])


@pytest.mark.parametrize(
    "text, codec",
    [(RUSSIAN, "cp1251"), (CHINESE, "gbk"), (JAPANESE, "shift_jis"), (FRENCH, "latin-1"), (RUSSIAN, "utf-8-sig")],
)
def test_legacy_encodings_read_correctly_and_are_recorded(tmp_path: Path, text: str, codec: str) -> None:
    write(tmp_path / "page.txt", text.encode(codec))
    [page] = load_pages([tmp_path])
    assert page.error is None
    assert page.text == text
    assert page.encoding is not None


def test_binary_files_become_pages_with_a_clear_error(tmp_path: Path) -> None:
    write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    write(tmp_path / "zeros", b"\x00" * 100)
    write(tmp_path / "broken.txt.gz", b"\x1f\x8b\x08\x00garbage")
    write(tmp_path / "good.txt", "A real page.")
    pages = {p.id: p for p in load_pages([tmp_path])}
    assert "PNG image" in (pages["image.txt"].error or "")
    assert "binary" in (pages["zeros"].error or "")
    assert "gzip" in (pages["broken.txt.gz"].error or "")
    assert pages["good.txt"].error is None and pages["good.txt"].blocks[0].text == "A real page."
