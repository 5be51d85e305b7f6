"""`newsread clean s3://… / gs://… --cluster local:2` against local emulators of S3 (moto) and GCS
(gcp-storage-emulator), both on 127.0.0.1 only: records equal to `newsread clean --jobs 1` on the same pages.

Every command runs with credentials that only the emulators take, every endpoint on the loopback address and
the cloud metadata lookups switched off: nothing here reaches a real cloud or looks for real credentials.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import SEEDS, copy_sample_pages

pytest.importorskip("distributed")
pytest.importorskip("s3fs")
pytest.importorskip("gcsfs")
moto_server = pytest.importorskip("moto.server")
gcs_server = pytest.importorskip("gcp_storage_emulator.server")

pytestmark = [pytest.mark.functional, pytest.mark.slow]

SAMPLE = 6  # pages of each dev set
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # (a line per request otherwise)
    server = moto_server.ThreadedMotoServer(ip_address=LOOPBACK, port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def gcs_endpoint() -> Iterator[str]:
    port = free_port()
    server = gcs_server.create_server(LOOPBACK, port, in_memory=True)
    server.start()
    yield f"http://{LOOPBACK}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def cloud_env(s3_endpoint: str, gcs_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of every command: the emulators' endpoints and credentials only they take; no real
    credentials file, no instance-metadata lookup (AWS, GCE)."""
    nothing = str(tmp_path_factory.mktemp("no-cloud-config") / "absent")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GOOGLE_", "GCE_", "CLOUDSDK_", "FSSPEC_"))}
    env.update(
        AWS_ACCESS_KEY_ID="emulator",
        AWS_SECRET_ACCESS_KEY="emulator",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=s3_endpoint,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=nothing,
        AWS_SHARED_CREDENTIALS_FILE=nothing,
        STORAGE_EMULATOR_HOST=gcs_endpoint,
        FSSPEC_GS=json.dumps({"token": "anon", "project": "emulator"}),  # (gcsfs: no credentials looked for)
        GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT="false",  # (else gcsfs asks a gRPC control plane the emulator lacks)
        NO_GCE_CHECK="true",
        CLOUDSDK_CONFIG=nothing,
        NEWSREAD_CACHE_DIR=str(tmp_path_factory.mktemp("cache")),
    )
    return env


@pytest.fixture(scope="module")
def s3(s3_endpoint: str) -> Any:
    import s3fs

    return s3fs.S3FileSystem(key="emulator", secret="emulator", endpoint_url=s3_endpoint, skip_instance_cache=True)


@pytest.fixture(scope="module")
def gcs(gcs_endpoint: str) -> Any:
    from gcsfs.core import GCSFileSystem  # (the plain one: no gRPC control plane)

    return GCSFileSystem(token="anon", project="emulator", endpoint_url=gcs_endpoint, skip_instance_cache=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds and a few pages of each dev set (when ../shared is there), in folders."""
    root = tmp_path_factory.mktemp("objstore") / "pages"
    copy_sample_pages(root, SAMPLE)
    return root


def upload(fs: Any, corpus: Path, prefix: str) -> None:
    for page in sorted(corpus.rglob("*")):
        if page.is_file():
            fs.pipe(f"{prefix}/{page.relative_to(corpus).as_posix()}", page.read_bytes())


@pytest.fixture(scope="module")
def s3_input(s3: Any, corpus: Path) -> str:
    s3.mkdir("crawl")
    upload(s3, corpus, "crawl/in")
    return "s3://crawl/in/"


@pytest.fixture(scope="module")
def gcs_input(gcs: Any, corpus: Path) -> str:
    gcs.mkdir("gcrawl")
    upload(gcs, corpus, "gcrawl/in")
    return "gs://gcrawl/in/"


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "newsread.tui.cli", "clean", *args]
    return subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL, check=False
    )


def records(text: str) -> list[dict[str, Any]]:
    """The records of JSONL output, without the field that differs by where the page was read (``path``)."""
    return [{k: v for k, v in json.loads(line).items() if k != "path"} for line in text.splitlines()]


@pytest.fixture(scope="module")
def local_records(corpus: Path, cloud_env: dict[str, str]) -> list[dict[str, Any]]:
    done = run(cloud_env, str(corpus), "--jobs", "1", "--no-cache")
    assert done.returncode == 0, done.stderr
    found = records(done.stdout)
    assert len(found) >= len(list(SEEDS.iterdir()))
    return found


def parts_text(fs: Any, folder: str) -> tuple[list[str], str]:
    names = sorted(os.path.basename(p) for p in fs.ls(folder, detail=False))
    text = "".join(fs.cat(f"{folder}/{n}").decode("utf-8") for n in names if n.startswith("part-"))
    return names, text


# -- the runs -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def s3_parts(s3: Any, s3_endpoint: str, s3_input: str, cloud_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The command writing parts to a bucket that keeps every version of its objects (a deleted one too)."""
    s3.mkdir("clean")
    s3.call_s3("put_bucket_versioning", Bucket="clean", VersioningConfiguration={"Status": "Enabled"})
    return run(cloud_env, s3_input, "--cluster", "local:2", "--partition-pages", "7", "--out", "s3://clean/out/")


def test_s3_in_and_parts_out_equal_the_local_run(
    s3: Any, s3_input: str, s3_parts: subprocess.CompletedProcess[str], local_records: list[dict[str, Any]]
) -> None:
    done = s3_parts
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    names, text = parts_text(s3, "clean/out")
    parts = -(-len(local_records) // 7)
    assert names == ["_SUCCESS", *(f"part-{k:05d}.jsonl" for k in range(parts))]
    assert records(text) == local_records
    first = json.loads(text.splitlines()[0])
    assert first["path"] == f"{s3_input}{local_records[0]['id']}"
    assert "to s3://clean/out" in done.stderr  # (the summary names the URL as given, both slashes)


def test_parts_are_written_to_the_bucket_once_not_moved_there(
    s3: Any, s3_parts: subprocess.CompletedProcess[str]
) -> None:
    assert s3_parts.returncode == 0, s3_parts.stderr
    versions = s3.call_s3("list_object_versions", Bucket="clean", Prefix="out/")
    written = [v["Key"] for v in versions.get("Versions", [])]
    deleted = [m["Key"] for m in versions.get("DeleteMarkers", [])]
    assert deleted == []  # (a part written elsewhere first, then moved: a copy and a delete)
    assert all(not k.startswith("out/_temporary") for k in written)
    assert sum(k.startswith("out/part-") for k in written) == len(s3.glob("clean/out/part-*"))


def test_s3_in_and_one_file_out_equal_the_local_run(
    s3: Any, s3_input: str, cloud_env: dict[str, str], local_records: list[dict[str, Any]]
) -> None:
    s3.mkdir("single")
    done = run(cloud_env, s3_input, "--cluster", "local:2", "--out", "s3://single/all.jsonl")
    assert done.returncode == 0, done.stderr
    assert records(s3.cat("single/all.jsonl").decode("utf-8")) == local_records
    assert s3.ls("single", detail=False) == ["single/all.jsonl"]


def test_gcs_in_and_out_equal_the_local_run(
    gcs: Any, gcs_input: str, cloud_env: dict[str, str], local_records: list[dict[str, Any]]
) -> None:
    gcs.mkdir("gclean")
    done = run(cloud_env, gcs_input, "--cluster", "local:2", "--partition-pages", "9", "--out", "gs://gclean/out")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    names, text = parts_text(gcs, "gclean/out")
    assert names == ["_SUCCESS", *(f"part-{k:05d}.jsonl" for k in range(-(-len(local_records) // 9)))]
    assert records(text) == local_records
    one = run(cloud_env, gcs_input, "--cluster", "local:2", "--out", "gs://gclean/all.jsonl")
    assert one.returncode == 0, one.stderr
    assert records(gcs.cat("gclean/all.jsonl").decode("utf-8")) == local_records


# -- what goes wrong, said in one line before anything runs ---------------------------------------
def said_once(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """The one line a failed command says (exit 2, nothing on standard output, no traceback)."""
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("newsread: ")]
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_a_missing_input_url_is_an_error_not_a_page(s3_input: str, cloud_env: dict[str, str]) -> None:
    missing = s3_input.replace("/in/", "/not-there/")
    said_once(run(cloud_env, missing, "--cluster", "local:1"), "no such file or folder", missing)


def test_missing_credentials_are_said_in_one_line(s3_input: str, cloud_env: dict[str, str], s3: Any) -> None:
    env = {k: v for k, v in cloud_env.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    said_once(run(env, s3_input, "--cluster", "local:1"), s3_input, "no credentials")
    s3.mkdir("nocreds")
    said_once(run(env, str(SEEDS), "--cluster", "local:1", "--out", "s3://nocreds/out/"), "s3://nocreds", "credentials")
    assert s3.ls("nocreds", detail=False) == []


def test_an_output_in_a_missing_bucket_makes_no_bucket(s3: Any, s3_input: str, cloud_env: dict[str, str]) -> None:
    before = sorted(s3.ls("", detail=False, refresh=True))
    for out in ("s3://typo-bucket/out/", "s3://typo-bucket/all.jsonl"):
        said_once(
            run(cloud_env, s3_input, "--cluster", "local:1", "--out", out), "s3://typo-bucket", "creates no bucket"
        )
    assert sorted(s3.ls("", detail=False, refresh=True)) == before


FITTER = """
from pathlib import Path
from newsread.cleaners import BaseCleaner


class Fitter(BaseCleaner):
    name = "fitter"
    description = "learns from the folder: says so in a file"

    def fit(self, pages):
        Path({marker!r}).write_text("learned")
        return None

    def annotate(self, page, context):
        return []
"""


def test_an_output_folder_not_ours_stops_the_run_before_learning(
    s3: Any, s3_input: str, cloud_env: dict[str, str], tmp_path: Path
) -> None:
    marker = tmp_path / "learned"
    plugin = tmp_path / "fitter.py"
    plugin.write_text(FITTER.format(marker=str(marker)))
    config = tmp_path / "config.toml"
    config.write_text(f"cleaner_files = [{json.dumps(str(plugin))}]\n")
    s3.mkdir("theirs")
    s3.pipe("theirs/out/notes.txt", b"mine")
    done = run(cloud_env, s3_input, "-c", str(config), "--cluster", "local:1", "--out", "s3://theirs/out")
    said_once(done, "s3://theirs/out", "did not write")
    assert not marker.exists()  # (refused before the folder was learned, not after the pages were cleaned)
    assert s3.ls("theirs/out", detail=False, refresh=True) == ["theirs/out/notes.txt"]
    assert s3.cat("theirs/out/notes.txt") == b"mine"


def test_a_url_with_one_slash_is_said_to_be_malformed(cloud_env: dict[str, str]) -> None:
    said_once(run(cloud_env, "s3:/crawl/in", "--cluster", "local:1"), "s3://crawl/in")
    said_once(run(cloud_env, str(SEEDS), "--cluster", "local:1", "--out", "s3:/clean/x"), "s3://clean/x")
    said_once(run(cloud_env, "s3://", "--cluster", "local:1"), "bucket")
    said_once(run(cloud_env, "s3://crawl/in/"), "--cluster")  # (a local run reads no URL: it says how to)
