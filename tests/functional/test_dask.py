"""`newsread clean` on a Dask cluster writes what `newsread clean --jobs 1` writes, byte for byte and in order."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsread.cleaners import Pipeline, load_config
from newsread.cleaners.batch import PipelineSpec
from tests import hostile

from ..conftest import SEEDS, copy_sample_pages

distributed = pytest.importorskip("distributed")
fsspec = pytest.importorskip("fsspec")

from bench.corpus import build  # noqa: E402
from newsread.cleaners.distributed import RunError, clean_on_dask, connect  # noqa: E402

pytestmark = [pytest.mark.functional, pytest.mark.slow]

SAMPLE = 15  # pages of each dev set


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "newsread.tui.cli", "clean", *args]
    return subprocess.run(
        cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, check=False
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds, a sample of both dev sets (when ../shared is there), generated pages with story copies, hostile input."""
    root = tmp_path_factory.mktemp("dask") / "pages"
    build(100, root / "generated", seed=5)
    (root / "hostile").mkdir()
    hostile.build(root / "hostile")
    copy_sample_pages(root, SAMPLE)
    # a story told twice (a syndicated copy and the same body again): the clustering has links to find
    story = (root / "generated").rglob("*.txt").__next__().read_bytes()
    (root / "copies").mkdir()
    (root / "copies" / "a.txt").write_bytes(story)
    (root / "copies" / "b.txt.gz").write_bytes(gzip.compress(story))
    return root


@pytest.fixture(scope="module")
def local_output(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    env = dict(os.environ, NEWSREAD_CACHE_DIR=str(tmp_path_factory.mktemp("cache")))
    done = run(str(corpus), "--jobs", "1", "--no-cache", env=env)
    assert "Traceback" not in done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with connect(cluster="local:2", processes=False) as c:
        yield c


def spec() -> PipelineSpec:
    return PipelineSpec.of(Pipeline.default(load_config(None)))


def test_two_workers_write_what_one_local_process_writes(corpus: Path, local_output: str, client: object) -> None:
    out = io.StringIO()
    errors: list[str] = []
    result = clean_on_dask(
        client,
        [str(corpus)],
        spec(),
        stdout=out,
        partition_pages=23,
        reducers=3,
        on_error=lambda i, e: errors.append(i),
    )
    lines = local_output.splitlines()
    assert result.pages == len(lines) and result.parts > 5
    assert out.getvalue() == local_output
    records = [json.loads(line) for line in lines]
    assert any(r["cluster"] not in (None, r["id"]) for r in records)  # stories were clustered, not each alone
    assert {r["id"] for r in records if r["error"] and r["body"] == ""} >= {f"hostile/{n}" for n in ("fifo.txt",)}
    assert "hostile/fifo.txt" in errors


def test_dask_weighs_a_cleaned_partition_by_what_it_holds(corpus: Path) -> None:
    """Dask places a task where its inputs are, and accounts a worker's memory, by their ``sizeof``: a partition
    counted as its ~100-byte object would be moved whole to run a small task elsewhere."""
    from dask.sizeof import sizeof

    from newsread.cleaners.distributed import clean_part, list_inputs

    listing = list_inputs([str(corpus / "generated")])
    part = clean_part(spec(), "sizeof", {}, listing, 0, 40, 2)
    held = sum(map(len, part.lines)) + sum(len(data) for data, _ in part.shingles)
    assert held > 40 * 1000  # (the records and story signatures of 40 pages)
    assert sizeof(part) >= held


def test_workers_share_the_result_cache_of_a_local_run(
    corpus: Path, local_output: str, client: object, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    env = dict(os.environ, NEWSREAD_CACHE_DIR=str(cache))
    assert run(str(corpus), "--jobs", "1", env=env).stdout == local_output  # a local run fills the cache
    runs = []
    for _ in range(2):
        out = io.StringIO()
        runs.append(clean_on_dask(client, [str(corpus)], spec(), stdout=out, partition_pages=23, cache_dir=str(cache)))
        assert out.getvalue() == local_output
    readable = sum(json.loads(line)["error"] is None for line in local_output.splitlines())
    assert all(r.cached >= readable * 0.9 for r in runs)  # served from the cache, not cleaned again
    fresh = io.StringIO()
    empty = str(tmp_path / "empty")
    first = clean_on_dask(client, [str(corpus)], spec(), stdout=fresh, partition_pages=23, cache_dir=empty)
    assert fresh.getvalue() == local_output and first.cached < readable * 0.1  # (a page twice in the corpus: 1)


def test_the_command_on_a_local_cluster_of_processes_writes_parts(
    corpus: Path, local_output: str, tmp_path: Path
) -> None:
    env = dict(os.environ, NEWSREAD_CACHE_DIR=str(tmp_path / "cache"))
    for again in ("", "-again"):  # the second run from the result cache the first one filled
        out = tmp_path / f"out{again}"
        done = run(str(corpus), "--cluster", "local:2", "--partition-pages", "90", "--out", str(out), env=env)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        parts = sorted(out.glob("part-*.jsonl"))
        assert len(parts) == -(-len(local_output.splitlines()) // 90)
        assert "".join(p.read_text(encoding="utf-8") for p in parts) == local_output
        assert (out / "_SUCCESS").exists()
    assert (tmp_path / "cache").is_dir()


def test_pages_at_urls_are_read_through_fsspec(client: object) -> None:
    fs = fsspec.filesystem("memory")
    for page in sorted(SEEDS.iterdir()):
        fs.pipe(f"/crawl/day1/{page.name}", page.read_bytes())
    fs.pipe("/crawl/day2/gz.txt.gz", gzip.compress(sorted(SEEDS.iterdir())[0].read_bytes()))
    fs.pipe("/crawl/.hidden.txt", b"not a page")
    out = io.StringIO()
    clean_on_dask(client, ["memory://crawl"], spec(), stdout=out, partition_pages=2)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    names = sorted(p.name for p in SEEDS.iterdir())
    assert [r["id"] for r in records] == [f"day1/{n}" for n in names] + ["day2/gz.txt.gz"]
    assert records[0]["path"] == f"memory://crawl/day1/{names[0]}"
    assert records[-1]["body"] == records[0]["body"] != ""
    local = io.StringIO()
    clean_on_dask(client, [str(SEEDS)], spec(), stdout=local)
    mine = [{k: v for k, v in r.items() if k not in ("path", "id", "cluster")} for r in records[:-1]]
    theirs = [{k: v for k, v in json.loads(line).items() if k not in ("path", "id", "cluster")}
              for line in local.getvalue().splitlines()]  # fmt: skip
    assert mine == theirs


def test_parts_go_to_a_url_and_never_over_an_input(client: object) -> None:
    fs = fsspec.filesystem("memory")
    for page in sorted(SEEDS.iterdir()):
        fs.pipe(f"/in/{page.name}", page.read_bytes())
    fs.pipe("/done/part-00007.jsonl", b"from a bigger run before\n")
    clean_on_dask(client, ["memory://in"], spec(), out="memory://done", partition_pages=2)
    assert sorted(os.path.basename(p) for p in fs.ls("/done", detail=False)) == [
        "_SUCCESS", "part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl",
    ]  # fmt: skip
    for out in ("memory://in", "memory://in/sub", "memory://"):
        with pytest.raises(RunError):
            clean_on_dask(client, ["memory://in"], spec(), out=out)
    fs.pipe("/other/notes.txt", b"mine")
    with pytest.raises(RunError, match="did not write"):
        clean_on_dask(client, ["memory://in"], spec(), out="memory://other")
    assert fs.cat("/other/notes.txt") == b"mine"
    before = hostile.listing(SEEDS)
    with pytest.raises(RunError):
        clean_on_dask(client, [str(SEEDS)], spec(), out=str(SEEDS / "out.jsonl"))
    assert hostile.listing(SEEDS) == before


KILLER = """
import os
from newsread.cleaners import BaseCleaner


class Killer(BaseCleaner):
    name = "killer"
    description = "ends its process on one page"

    def annotate(self, page, context):
        if "KILL" in page.text:
            os._exit(3)
        return []
"""


def test_a_page_that_kills_its_worker_is_a_page_error_and_the_rest_is_cleaned(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for i in range(6):
        (folder / f"p{i}.txt").write_text(f"Story {i}\nThe council met on day {i} to talk about the harbour plan.\n")
    (folder / "p3.txt").write_text("Poison\nKILL the worker that reads this page.\n")
    plugin = tmp_path / "killer.py"
    plugin.write_text(KILLER)
    config = tmp_path / "config.toml"
    config.write_text(f"cleaner_files = [{json.dumps(str(plugin))}]\n")
    env = dict(os.environ, NEWSREAD_CACHE_DIR=str(tmp_path / "cache"))
    done = run(str(folder), "-c", str(config), "--cluster", "local:2", "--partition-pages", "3", env=env)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in records] == [f"p{i}.txt" for i in range(6)]
    assert records[3]["error"].startswith("not cleaned: the worker cleaning it was lost")
    assert "the Dask run failed" not in done.stderr
    assert all(r["error"] is None and r["body"] for k, r in enumerate(records) if k != 3)


def test_a_local_cluster_keeps_its_workers_however_often_a_task_ends_them() -> None:
    """Dask's local cluster closes a worker's nanny for good when no worker of its name is back soon enough after
    it was lost (``lost-worker-timeout``): a page that ends each worker as it comes back left the run without
    workers, waiting for ever. Here the timeout is shorter than any restart, so each loss would close a nanny."""
    import dask

    with dask.config.set({"distributed.deploy.lost-worker-timeout": "0.1s"}), connect(cluster="local:1") as client:
        ends = client.submit(os._exit, 3, pure=False)  # ends its worker each time it is tried
        distributed.wait([ends], timeout=240)
        assert type(ends.exception()).__name__ == "KilledWorker"
        assert client.submit(sum, [1, 2], pure=False).result(timeout=120) == 3


def test_without_dask_the_command_says_how_to_install_it(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.modules['distributed'] = None\n"  # as if not installed
        "from newsread.tui.cli import main\n"
        f"main(['clean', {str(SEEDS)!r}, '--cluster', 'local:2'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "pip install 'newsread[dask]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_importing_the_engine_imports_no_dask() -> None:
    code = "import sys, newsread.cleaners, newsread.cleaners.distributed; print('dask' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"


def test_a_running_scheduler_is_used_by_its_address() -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as running:
        with connect(scheduler=running.scheduler_address) as c:
            out = io.StringIO()
            result = clean_on_dask(c, [str(SEEDS)], spec(), stdout=out)
        assert len(running.scheduler.workers) == 1  # (the run used it: still up, not a cluster of its own)
    assert result.pages == len(out.getvalue().splitlines()) == len(list(SEEDS.iterdir()))


def test_urls_given_on_the_command_line_keep_their_slashes() -> None:
    from newsread.tui.distributed_cli import as_url

    assert as_url("s3://bucket/crawl/") == "s3://bucket/crawl/"
    assert as_url("memory://x/y.jsonl") == "memory://x/y.jsonl"
    assert as_url("file:///tmp/x") == "file:///tmp/x"
    assert as_url("seeds") == "seeds"
    assert as_url("C:/pages") == "C:/pages"  # (a Windows drive, not a scheme)
    for malformed in ("s3:/bucket/crawl", "gs:/b", "s3://", "s3:///"):
        with pytest.raises(ValueError, match=r"bucket|two slashes"):
            as_url(malformed)


def test_a_web_archive_at_a_url_is_its_records(tmp_path: Path, client: object) -> None:
    from tests.unit.test_warc import RECORDS, archive

    local = archive(tmp_path / "crawl.warc.gz", RECORDS, gz=True)
    fsspec.filesystem("memory").pipe("/warcs/crawl.warc.gz", local.read_bytes())
    there, here = io.StringIO(), io.StringIO()
    clean_on_dask(client, ["memory://warcs"], spec(), stdout=there, partition_pages=3)
    clean_on_dask(client, [str(tmp_path)], spec(), stdout=here, partition_pages=3)
    remote = [json.loads(line) for line in there.getvalue().splitlines()]
    assert len(remote) == len(RECORDS) and all(r["id"].startswith("crawl.warc.gz#") for r in remote)
    assert remote[0]["path"] == "memory://warcs/crawl.warc.gz"
    assert [{k: v for k, v in r.items() if k != "path"} for r in remote] == [
        {k: v for k, v in json.loads(line).items() if k != "path"} for line in here.getvalue().splitlines()
    ]
