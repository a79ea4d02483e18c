"""Scale-out on Celery: one task per file, run by `jixiao worker` processes on any number of machines.

The file travels in the message (its bytes, so workers need no shared storage); the task's return
value — the file's result row — is kept in the result backend (Redis), and the caller collects the
rows itself once all are in (no chord: a chord's callback never fires when one member fails). A
task is acknowledged only when done (`acks_late`), so a worker that dies hands its file back to the
broker; a file is tried twice at most (a count kept beside the rows), then listed as a failure.

The task's body is given by the caller (`pipeline`), so this module knows Celery and nothing of the
stages.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from celery import Celery

from jixiao.errors import JixiaoError
from jixiao.ingest.limits import DEFAULT_LIMITS

TASK_NAME = "jixiao.check_file"
BROKER_ENV = "JIXIAO_BROKER_URL"
BACKEND_ENV = "JIXIAO_RESULT_BACKEND"
QUEUE_ENV = "JIXIAO_QUEUE"
DEFAULT_QUEUE = "jixiao"
DEFAULT_BACKEND = "redis://127.0.0.1:6379/0"
BROKER_SCHEMES = frozenset({"redis", "rediss", "amqp", "amqps", "pyamqp"})
MAX_TRIES = 2  # the first run and one retry
POLL_SECONDS = 0.2
ROW_TTL_SECONDS = 24 * 3600

# The task body: (file name, file bytes, settings) → the file's result row.
CheckBytes = Callable[[str, bytes, dict[str, Any]], dict[str, Any]]


def _shown(url: str) -> str:
    """The URL without its password, for messages."""
    from kombu.utils.url import maybe_sanitize_url

    return str(maybe_sanitize_url(url))


class BadBroker(JixiaoError):
    def __init__(self, url: str) -> None:
        url = _shown(url)
        super().__init__(
            f"无法使用任务队列 {url}：只支持 redis:// 与 amqp://（RabbitMQ）",
            f"unsupported broker {url}: use redis:// or amqp:// (RabbitMQ)",
        )


class BrokerUnavailable(JixiaoError):
    def __init__(self, url: str, reason: str) -> None:
        url = _shown(url)
        english = f"cannot reach the broker or result store {url}: {reason}"
        super().__init__(f"无法连接任务队列 {url}：{reason}", english)


def ensure_reachable(app: Celery) -> None:
    """Fail at once, in one line, when the broker or the result store does not answer (Celery would
    otherwise retry for a long while and end with a traceback)."""
    from kombu.exceptions import OperationalError
    from redis.exceptions import RedisError

    url = app.conf.broker_url
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=5)
        url = app.conf.result_backend
        app.backend.client.ping()
    except (OperationalError, RedisError, OSError) as exc:
        raise BrokerUnavailable(str(url), " ".join(str(exc).split())[:200]) from None


def task_time_limit() -> int:
    """Seconds after which a task's process is killed: the document deadline plus a margin."""
    return DEFAULT_LIMITS.max_seconds + 10


def backend_url(broker: str) -> str:
    """The result backend: JIXIAO_RESULT_BACKEND, else the broker itself when it is Redis."""
    import os

    if os.environ.get(BACKEND_ENV):
        return os.environ[BACKEND_ENV]
    return broker if urlsplit(broker).scheme in {"redis", "rediss"} else DEFAULT_BACKEND


def make_app(broker: str, check: CheckBytes, queue: str = DEFAULT_QUEUE) -> Celery:
    """A Celery app on `broker` whose one task runs `check` on a file sent as bytes."""
    if urlsplit(broker).scheme not in BROKER_SCHEMES:
        raise BadBroker(broker)
    app = Celery("jixiao", broker=broker, backend=backend_url(broker), set_as_current=False)
    limit = task_time_limit()
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_default_queue=queue,
        task_acks_late=True,  # acknowledged when done: a worker that dies gives the file back
        task_reject_on_worker_lost=True,
        task_time_limit=limit,
        worker_prefetch_multiplier=1,  # a worker holds only the file it is reading
        result_expires=ROW_TTL_SECONDS,
        result_extended=False,
        broker_connection_retry_on_startup=True,
        # Redis hands an unacknowledged message back after this long: a task never runs longer.
        broker_transport_options={"visibility_timeout": limit + 10},
        worker_hijack_root_logger=False,
    )

    @app.task(name=TASK_NAME, bind=True, acks_late=True, reject_on_worker_lost=True)  # type: ignore[untyped-decorator,unused-ignore]
    def check_file(self: Any, name: str, data: str, settings: dict[str, Any]) -> dict[str, Any]:
        tries = _count_try(app, settings["file_id"])
        if tries > MAX_TRIES:
            return failure_row(
                name, f"处理该文件的工作进程两次意外退出 / the worker died twice on this file ({tries - 1}×)"
            )
        return check(name, base64.b64decode(data), settings)

    return app


def _count_try(app: Celery, file_id: str) -> int:
    """How many times this file has been started, counted in the result backend (Redis)."""
    client = app.backend.client
    key = f"jixiao-tries-{file_id}"
    tries = int(client.incr(key))
    client.expire(key, ROW_TTL_SECONDS)
    return tries


def failure_row(path: str, reason: str) -> dict[str, Any]:
    """A file's row when it could not be checked (listed in 读取失败, never dropped)."""
    return {"source": {"path": path}, "error": f"{path}: {reason}", "kind": "internal"}


@dataclass(frozen=True, slots=True)
class Job:
    """One file to check on the workers."""

    key: int  # the caller's index for the file
    path: str
    data: bytes


def run(
    app: Celery, jobs: Iterable[Job], settings: dict[str, Any], idle_seconds: float | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Send each job as a task and yield (key, row) as rows come in; a failed task is sent once more.

    When no row comes in for `idle_seconds` (default: twice the task's time limit and the broker's
    hand-back time), the files still out are listed as failures.
    """
    ensure_reachable(app)
    batch = uuid.uuid4().hex
    pending: dict[str, tuple[Job, int]] = {}
    for job in jobs:
        pending[_send(app, job, settings, batch, 1)] = (job, 1)
    idle = idle_seconds if idle_seconds is not None else 2 * (task_time_limit() + 10) + 30
    last_row = time.monotonic()
    backend = app.backend
    while pending:
        ids = list(pending)
        arrived = False
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            raws = backend.mget([backend.get_key_for_task(t) for t in chunk])
            for task_id, raw in zip(chunk, raws, strict=True):
                if raw is None:
                    continue
                meta = backend.decode_result(raw)
                if meta["status"] not in ("SUCCESS", "FAILURE", "REVOKED"):
                    continue
                arrived = True
                job, tries = pending.pop(task_id)
                backend.delete(backend.get_key_for_task(task_id))  # the row is taken: free the store
                if meta["status"] == "SUCCESS" and isinstance(meta["result"], dict):
                    yield job.key, meta["result"]
                elif tries < MAX_TRIES:  # timed out or failed: once more
                    pending[_send(app, job, settings, batch, tries + 1)] = (job, tries + 1)
                else:
                    yield job.key, failure_row(job.path, _failure_reason(meta))
        if arrived:
            last_row = time.monotonic()
        elif time.monotonic() - last_row > idle:
            for job, _tries in pending.values():
                reason = f"{idle:.0f} 秒内没有工作进程返回结果 / no worker returned a result within {idle:.0f} s"
                yield job.key, failure_row(job.path, reason)
            return
        else:
            time.sleep(POLL_SECONDS)


def _send(app: Celery, job: Job, settings: dict[str, Any], batch: str, attempt: int) -> str:
    """Send one try of a job; the tries of one file share its file_id, so the count covers them all."""
    file_id = f"{batch}-{job.key}"
    payload = base64.b64encode(job.data).decode("ascii")
    task_id = f"{file_id}-{attempt}"
    app.send_task(TASK_NAME, args=(job.path, payload, {**settings, "file_id": file_id}), task_id=task_id)
    return task_id


def _failure_reason(meta: dict[str, Any]) -> str:
    result = meta.get("result")
    detail = result.get("exc_type", "") if isinstance(result, dict) else str(result)
    if "TimeLimitExceeded" in detail:
        return f"处理超时（{task_time_limit()} 秒，重试一次后仍超时） / timed out twice ({task_time_limit()} s)"
    if "WorkerLost" in detail:
        return "处理该文件的工作进程两次意外退出 / the worker died twice on this file"
    return f"任务两次失败 / the task failed twice: {detail}"[:300]


def start_worker(app: Celery, queue: str, concurrency: int, name: str | None = None) -> None:
    """Run a worker in this process (blocks until it is stopped)."""
    argv = ["worker", "-Q", queue, "-c", str(concurrency), "--loglevel", "INFO", "--without-gossip", "--without-mingle"]
    argv += ["-n", name or f"jixiao-{uuid.uuid4().hex[:8]}@%h"]
    app.worker_main(argv)
