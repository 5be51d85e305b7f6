"""What batch output carries of a page: the clean body without control sequences, JSON that is inert on a
terminal, Markdown that stays text, and a path that reopens a file whose name is not UTF-8."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import unquote_to_bytes

from newsread.cleaners import Config, Pipeline, load_pages, text_page, to_markdown, to_record, to_text
from newsread.cleaners.output import json_line, record_line, record_members

HOSTILE_LINE = (
    "The council voted \x1b]52;c;cm0gLXJmIH4K\x07to expand the harbour \x1b[2Jafter a long debate\x9b31m today.\x00"
)
UNSAFE = ["\x1b", "\x07", "\x9b", "\x00", "\x85", "\u202e", "\u2066", "\u2069", "\u200f", "\u2028"]


def cleaned_with(line: str):  # type: ignore[no-untyped-def]
    page = text_page("p.txt", f"Harbour news\n{line}\nSupporters said the project would bring jobs.\n")
    return Pipeline.from_infos([], Config()).clean(page)


def test_the_clean_body_has_no_escape_sequence_or_control_in_any_format() -> None:
    cleaned = cleaned_with(HOSTILE_LINE)
    for out in (to_record(cleaned)["body"], to_text(cleaned), to_markdown(cleaned)):
        assert not any(ch in out for ch in ("\x1b", "\x07", "\x9b", "\x00"))
        assert "52;c;" not in out and "[2J" not in out  # the whole sequence goes, not only its ESC
        assert "to expand the harbour after a long debate today." in out
    assert "\x1b]52;c;" in cleaned.page.text  # the original keeps the page's bytes


def test_jsonl_escapes_c1_controls_bidi_overrides_and_line_separators() -> None:
    text = "evil \u202etxt.exe\u202c \u2066iso\u2069 \u200fmark \x9b31m csi \x85next \u2028sep \x7fdel"
    record = {"removed": [{"text": text}], "id": "a\u202eb"}
    line = json_line(record)
    assert line.endswith("\n") and line.count("\n") == 1 and len(line.splitlines()) == 1
    assert not any(ch in line for ch in [*UNSAFE, "\x7f"])
    assert json.loads(line) == record  # the same data for a JSON reader
    assert "evil " in line and "\\u202e" in line


def test_markdown_output_passes_no_html_or_link_from_the_page() -> None:
    line = "Read <script>alert(1)</script> and [click](javascript:alert(1)) or ![x](javascript:y) [sic] a < b"
    md = to_markdown(cleaned_with(line))
    assert not re.search(r"<[a-z/]", md)  # no tag a Markdown renderer would pass as HTML
    assert not re.search(r"(?<!\\)\]\(", md)  # no "](" that is not escaped: no link or image
    assert "&lt;script>" in md and "[click\\](javascript" in md and "[sic]" in md and "a < b" in md


def test_jsonl_path_of_a_name_that_is_not_utf8_reopens_the_file(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9-\xff.txt")
    (tmp_path / name).write_text("A page whose name is Latin-1.\nIt has some text in it.\n")
    (tmp_path / "plain.txt").write_text("A page with a plain name.\n")
    pipeline = Pipeline.from_infos([], Config())
    records = {r["id"]: r for r in (to_record(pipeline.clean(p)) for p in load_pages([tmp_path]))}
    odd = next(r for i, r in records.items() if i.startswith("caf"))
    assert "\ufffd" in odd["path"]  # shown, lossy …
    reopened = Path(os.fsdecode(unquote_to_bytes(odd["path_bytes"])))  # … and exact
    assert reopened.read_text().startswith("A page whose name is Latin-1.")
    assert "path_bytes" not in records["plain.txt"]  # only where it is needed
    assert list(odd)[-1] == "cluster"


def test_a_held_jsonl_record_finished_with_its_cluster_is_the_record_of_the_page(tmp_path: Path) -> None:
    # newsread clean writes each record's members as JSON text itself, its removed spans included: quotes,
    # backslashes, controls, bidi marks and a name that is not UTF-8 come out as json_line writes them.
    name = os.fsdecode(b'caf\xe9 "q" \\ \xff.txt')
    hostile = 'Menu "Home" \\ News\x7f \u202e\nShare on Facebook\n' + HOSTILE_LINE + "\nSupporters said it would.\n"
    (tmp_path / name).write_text(hostile, encoding="utf-8")
    (tmp_path / "plain.txt").write_text("Home\nShare on Facebook\nThe council voted to expand the harbour.\n")
    pipeline = Pipeline.default(Config())
    for page in load_pages([tmp_path]):
        cleaned = pipeline.clean(page)
        assert cleaned.removals  # (there are removed spans to write)
        for cluster in (None, "plain.txt", 'a"b\u2028'):
            assert record_line(record_members(cleaned), cluster) == json_line(to_record(cleaned, cluster))


def test_a_held_record_of_printable_ascii_or_of_controls_and_other_scripts_is_the_record_of_the_page() -> None:
    # record_members skips the escaping scan where nothing can need it (a printable body, an ASCII span without
    # DEL): pages of plain ASCII, of other scripts, and of controls, bidi marks and DEL in the body or in a removed
    # span all come out as json_line writes them, and read back as the record.
    lines = [
        "The council voted to expand the harbour after a long debate on Tuesday evening.",
        "Le conseil a voté l’agrandissement du port — après un long débat, «enfin».",
        "Совет проголосовал за расширение гавани после долгих дебатов во вторник 😀.",
        f"{HOSTILE_LINE} and \u202ereversed\u202c text \u2066isolated\u2069 \u200fmarked \u061c and DEL\x7f here.",
    ]
    removed = ["Share on Facebook", "Advertisement\x7f", "Home > News \u2028 World", "Menu \u202e Sport"]
    pipeline = Pipeline.default(Config())
    for n in range(len(lines) + 1):
        body = "\n".join(lines[:n] + lines[:n])  # (a paragraph twice: the second copy is removed)
        for chrome in ([], removed[:1], removed):
            page = text_page(f"p{n}.txt", "\n".join([*chrome, body, *chrome]) + "\n")
            cleaned = pipeline.clean(page)
            for cluster in (None, "p0.txt"):
                line = record_line(record_members(cleaned), cluster)
                assert line == json_line(to_record(cleaned, cluster))
                assert json.loads(line) == to_record(cleaned, cluster)
                assert not any(ch in line for ch in [*UNSAFE, "\x7f"])
