"""Scale-out on Celery with real `jixiao worker` processes against the machine's Redis and RabbitMQ:
the rows are the process pool's rows, and a worker killed mid-batch loses no file."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jixiao import pipeline
from jixiao.demo import sample_files

REDIS = "redis://127.0.0.1:6379/7"
RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"
TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src"


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _listening(6379), reason="no Redis on 127.0.0.1:6379")
needs_rabbitmq = pytest.mark.skipif(not _listening(5672), reason="no RabbitMQ on 127.0.0.1:5672")


class Worker:
    """One worker subprocess in its own process group (the worker and its pool children): `jixiao worker`,
    or `celery -A APP worker` for an app of the tests."""

    def __init__(self, broker: str, queue: str, log: Path, env: dict[str, str], celery_app: str | None = None) -> None:
        self.log = log
        command = [sys.executable, "-m", "jixiao.cli", "worker", "--broker", broker, "--queue", queue, "-c", "1"]
        if celery_app is not None:
            command = [sys.executable, "-m", "celery", "-A", celery_app, "worker", "-Q", queue, "-c", "1", "-l", "INFO"]
            env = {**env, "JIXIAO_BROKER_URL": broker, "JIXIAO_QUEUE": queue}
            env["PYTHONPATH"] += os.pathsep + str(TESTS)
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )

    def wait_until(self, text: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while text not in self.log.read_text(encoding="utf-8", errors="replace"):
            assert self.proc.poll() is None, self.log.read_text(encoding="utf-8", errors="replace")
            assert time.monotonic() < deadline, f"worker never logged {text!r}"
            time.sleep(0.1)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)


@pytest.fixture
def start_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Start workers on a queue of this test's own; every one is stopped afterwards."""
    started: list[Worker] = []
    queue = f"jixiao-test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("JIXIAO_RESULT_BACKEND", REDIS)  # RabbitMQ as broker, rows in Redis
    env = {**os.environ, "PYTHONPATH": str(SRC), "JIXIAO_RESULT_BACKEND": REDIS, "JIXIAO_MAX_SECONDS": "10"}

    def start(broker: str, count: int = 1, celery_app: str | None = None) -> tuple[str, list[Worker]]:
        logs = [tmp_path / f"worker-{len(started) + k}.log" for k in range(count)]
        new = [Worker(broker, queue, log, env, celery_app) for log in logs]
        started.extend(new)
        for worker in new:
            worker.wait_until(" ready.")
        return queue, new

    yield start
    for worker in started:
        worker.kill(signal.SIGTERM)


@pytest.fixture
def batch(tmp_path: Path) -> list[Path]:
    """The bundled samples three times under other names, and a file that is not a report."""
    folder = tmp_path / "batch"
    folder.mkdir()
    files = []
    for copy in range(3):
        for sample in sample_files():
            target = folder / f"{copy}-{sample.name}"
            shutil.copyfile(sample, target)
            files.append(target)
    broken = folder / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    return [*files, broken]


def _pool_rows(files: list[Path]) -> list[dict[str, Any]]:
    return pipeline.check_paths(files, jobs=2)


@needs_redis
@needs_rabbitmq
def test_two_redis_workers_and_one_rabbitmq_worker_give_the_pool_rows(start_workers: Any, batch: list[Path]) -> None:
    expected = _pool_rows(batch)
    assert any("error" in r for r in expected) and any(r.get("findings") for r in expected)
    queue, _ = start_workers(REDIS, 2)
    assert pipeline.check_paths(batch, broker=REDIS, queue=queue) == expected
    rabbit_queue, _ = start_workers(RABBITMQ, 1)
    assert pipeline.check_paths(batch, broker=RABBITMQ, queue=rabbit_queue) == expected


@needs_redis
def test_a_worker_killed_mid_batch_loses_nothing(start_workers: Any, batch: list[Path]) -> None:
    expected = _pool_rows(batch)
    queue, (victim, survivor) = start_workers(REDIS, 2)
    rows: list[dict[str, Any]] = []
    runner = threading.Thread(target=lambda: rows.extend(pipeline.check_paths(batch, broker=REDIS, queue=queue)))
    runner.start()
    victim.wait_until("received")
    victim.kill()  # SIGKILL: the worker and its pool process, holding an unacknowledged file
    runner.join(timeout=300)
    assert not runner.is_alive()
    assert rows == expected
    assert survivor.proc.poll() is None


@needs_redis
def test_a_file_that_kills_its_worker_is_tried_twice_then_listed_as_a_failure(
    start_workers: Any, batch: list[Path]
) -> None:
    poison = batch[0].with_name("poison.docx")
    shutil.copyfile(batch[0], poison)
    expected = _pool_rows(batch)
    queue, _ = start_workers(REDIS, 2, celery_app="celery_dying_app")
    rows = pipeline.check_paths([*batch, poison], broker=REDIS, queue=queue)
    assert rows[:-1] == expected  # every other file's row, as the pool gives it
    assert rows[-1]["source"]["path"] == str(poison)
    assert "the worker died twice" in rows[-1]["error"]


@pytest.mark.parametrize(
    ("broker", "reason"),
    [
        ("http://127.0.0.1:1/", "只支持 redis:// 与 amqp://"),
        ("redis://127.0.0.1:1/0", "无法连接任务队列 redis://127.0.0.1:1/0"),
        ("amqp://guest:secret@127.0.0.1:1//", "无法连接任务队列 amqp://guest:**@127.0.0.1:1//"),
    ],
)
def test_a_broker_that_cannot_be_used_is_one_line_and_exit_2(broker: str, reason: str, batch: list[Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "check", str(batch[0]), "--broker", broker, "--no-cache"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and reason in done.stderr, done.stderr
    assert "secret" not in done.stderr


def _sheets(workbook: Path) -> dict[str, list[tuple[Any, ...]]]:
    import openpyxl

    book = openpyxl.load_workbook(workbook, read_only=True)
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


@needs_redis
def test_the_review_on_workers_writes_the_pool_workbook(start_workers: Any, batch: list[Path], tmp_path: Path) -> None:
    from jixiao import service

    pool = service.review_files(batch, tmp_path / "pool", jobs=2, use_cache=False)
    queue, _ = start_workers(REDIS, 2)
    on_workers = service.review_files(batch, tmp_path / "workers", use_cache=False, broker=REDIS, queue=queue)
    assert pool.results and any(f["kind"] != "duplicate" for f in pool.failures)  # reports and a bad file
    assert _sheets(on_workers.out / "review.xlsx") == _sheets(pool.out / "review.xlsx")
