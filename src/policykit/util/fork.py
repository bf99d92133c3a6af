"""Run one job in a forked child process while this process goes on.

    with forked(lambda: export_tables(ps, out, as_of), enabled=big) as tables:
        export_api(ps, out, as_of)       # meanwhile the child writes the tables
        n = tables()                     # waits; re-raises the child's error here

The child is a fork, so it shares the loaded policy set without copying or pickling
it; only the job's small result comes back through a pipe. Errors come back as
values and are raised again in the parent: ExportError and OSError keep their
Chinese/English text and errno, anything else becomes a RuntimeError naming it.
If the parent leaves the block early (an error of its own), the child is killed.
Where fork is unavailable, or `enabled` is false, the job runs in-line when its
result is asked for: same result, no concurrency.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from policykit.publish.api.export import ExportError

T = TypeVar("T")


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def _pack(exc: BaseException) -> tuple[Any, ...]:
    if isinstance(exc, ExportError):
        return ("export", exc.zh, exc.en)
    if isinstance(exc, OSError):
        return ("os", exc.errno, exc.strerror, exc.filename)
    return ("other", f"{type(exc).__name__}: {exc}")


def _unpack(payload: tuple[Any, ...]) -> BaseException:
    kind = payload[0]
    if kind == "export":
        return ExportError(payload[1], payload[2])
    if kind == "os":
        return OSError(payload[1], payload[2], payload[3])
    return RuntimeError(f"forked job failed: {payload[1]}")


@contextmanager
def forked(job: Callable[[], T], enabled: bool = True) -> Iterator[Callable[[], T]]:
    if not enabled or not can_fork():
        yield job
        return
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        try:
            message: tuple[Any, ...] = ("ok", job())
        except BaseException as exc:  # every failure goes back to the parent
            message = ("error", _pack(exc))
        send.send(message)

    process = ctx.Process(target=child, daemon=True)
    process.start()
    send.close()
    done: list[tuple[Any, ...]] = []

    def result() -> T:
        if not done:
            try:
                done.append(receive.recv())
            except EOFError:
                process.join()
                done.append(("error", ("other", f"child exited with {process.exitcode}")))
            process.join()
        status, value = done[0]
        if status == "error":
            raise _unpack(value)
        out: T = value
        return out

    try:
        yield result
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()
