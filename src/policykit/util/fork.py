"""Run one job in a forked child process while this process goes on.

    with forked(lambda: export_tables(ps, out, as_of), enabled=big) as tables:
        export_api(ps, out, as_of)       # meanwhile the child writes the tables
        n = tables()                     # waits; re-raises the child's error here

The child is a fork, so it shares the loaded policy set without copying or pickling
it; only the job's small result comes back through a pipe. Errors come back as
values and are raised again in the parent: a PolicykitError comes back as the same
class with the same code, Chinese/English text and attributes, an OSError with its
errno, anything else becomes a RuntimeError naming it.
If the parent leaves the block early (an error of its own), the child is killed.
Where fork is unavailable, or `enabled` is false, the job runs in-line when its
result is asked for: same result, no concurrency.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from policykit.errors import PolicykitError

T = TypeVar("T")


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def _picklable(value: object) -> bool:
    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True


def _pack(exc: BaseException) -> tuple[Any, ...]:
    if isinstance(exc, PolicykitError):
        # By class name and attributes, not pickled whole: an error class need not
        # be picklable (its constructor may take other arguments than it stores),
        # nor importable in the parent (then it comes back as a PolicykitError with
        # the same code, text and exit code). An attribute that does not pickle is
        # left behind.
        cls = type(exc)
        state = {k: v for k, v in vars(exc).items() if _picklable(v)}
        state.update(code=exc.code, exit_code=exc.exit_code, zh=exc.zh, en=exc.en)
        return ("policykit", cls.__module__, cls.__qualname__, state)
    if isinstance(exc, OSError):
        return ("os", exc.errno, exc.strerror, exc.filename)
    return ("other", f"{type(exc).__name__}: {exc}")


def _error_class(module: str, qualname: str) -> type[PolicykitError]:
    """The class of that name when it can be imported, else PolicykitError."""
    try:
        found: Any = importlib.import_module(module)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return PolicykitError
    if isinstance(found, type) and issubclass(found, PolicykitError):
        return found
    return PolicykitError


def _unpack(payload: tuple[Any, ...]) -> BaseException:
    kind = payload[0]
    if kind == "policykit":
        _, module, qualname, state = payload
        return _error_class(module, qualname).rebuilt(state)
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
