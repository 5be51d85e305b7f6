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

from ..conftest import REPO, SEEDS

pytest.importorskip("distributed")
pytest.importorskip("s3fs")
pytest.importorskip("gcsfs")
moto_server = pytest.importorskip("moto.server")
gcs_server = pytest.importorskip("gcp_storage_emulator.server")

pytestmark = [pytest.mark.functional, pytest.mark.slow]

SHARED = REPO.parent / "shared" / "bench"
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
    (root / "seeds").mkdir(parents=True)
    for page in sorted(SEEDS.iterdir()):
        (root / "seeds" / page.name).write_bytes(page.read_bytes())
    for name, folder in (("sh-text", "scrapinghub/text"), ("sh-html", "scrapinghub/html"), ("wcxb", "wcxb/html")):
        if (SHARED / folder).is_dir():
            (root / name).mkdir()
            for page in sorted((SHARED / folder).iterdir())[:SAMPLE]:
                (root / name / page.name).write_bytes(page.read_bytes())
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
def test_s3_in_and_parts_out_equal_the_local_run(
    s3: Any, s3_input: str, cloud_env: dict[str, str], local_records: list[dict[str, Any]]
) -> None:
    s3.mkdir("clean")
    done = run(cloud_env, s3_input, "--cluster", "local:2", "--partition-pages", "7", "--out", "s3://clean/out/")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    names, text = parts_text(s3, "clean/out")
    parts = -(-len(local_records) // 7)
    assert names == [*(f"part-{k:05d}.jsonl" for k in range(parts)), "_SUCCESS"]
    assert records(text) == local_records
    first = json.loads(text.splitlines()[0])
    assert first["path"] == f"{s3_input}{local_records[0]['id']}"
    assert "s3://clean/out" in done.stderr  # (the summary names the URL as given, slashes and all)


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
    assert names == [*(f"part-{k:05d}.jsonl" for k in range(-(-len(local_records) // 9))), "_SUCCESS"]
    assert records(text) == local_records
    one = run(cloud_env, gcs_input, "--cluster", "local:2", "--out", "gs://gclean/all.jsonl")
    assert one.returncode == 0, one.stderr
    assert records(gcs.cat("gclean/all.jsonl").decode("utf-8")) == local_records
