"""Every child process policykit starts, started one way: forked, talking back through a pipe.

    with forked(lambda: export_tables(ps, out, as_of), enabled=big) as tables:
        export_api(ps, out, as_of)       # meanwhile the child writes the tables
        n = tables()                     # waits; re-raises the child's error here

    for i, result in fork_map(parse_chunk, chunks, workers=4): ...   # results as they come

    child = Child.start()                # like os.fork: returns in both processes
    if child.in_child: ...; child.send(message); child.exit()

The child is a fork, so it shares what is loaded (the policy set, mkdocs' pages) without
copying or pickling it; only results come back, pickled through a pipe. Errors come
back as values and are raised again in the parent: a PolicykitError comes back as the
same class with the same code, Chinese/English text and attributes, an OSError with its
errno, anything else becomes a RuntimeError naming it. A
child whose parent stops waiting for it (an error of the parent's own) is killed.
Where fork is unavailable (or one core: nothing to gain) the work runs in-line, with
the same results.

The sizes from which a split pays are named here, all four together, so they can be
weighed against each other.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from multiprocessing.connection import Connection, Pipe, wait
from typing import Any, NoReturn, TypeVar

from policykit.errors import PolicykitError

T = TypeVar("T")
R = TypeVar("R")

# -- when a second process pays: below these sizes starting it costs more than it saves
MIN_FILES_TO_PARSE = 200        # loader: files not in the cache (workers parse them)
MIN_RULES_TO_CHECK = 5_000      # check: rules (a child checks half of the regions)
MIN_VALUES_FOR_TABLES = 20_000  # publish: values (a child writes the download tables)
MIN_PAGES_TO_RENDER = 400       # site: pages (a child renders every other page)
MAX_WORKERS = 8                 # loader: parse workers at most (memory, pipe traffic)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def _picklable(value: object) -> bool:
    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


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


class ChildGone(PolicykitError):
    """The child ended without sending the message waited for."""

    code = "E_CHILD_GONE"

    def __init__(self, status: int) -> None:
        super().__init__(f"子进程意外退出（状态 {status}）", f"child exited with {status}")
        self.status = status


# This process's ends of the pipes to its live children. A child closes the copies it
# inherits, so that its siblings see end-of-file as soon as the parent is gone.
_OPEN: dict[int, Connection] = {}


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()


class Child:
    """One forked child process and a two-way pipe between it and the parent."""

    def __init__(self, pid: int, conn: Connection) -> None:
        self.pid = pid            # 0 in the child itself
        self.conn = conn
        self.code: int | None = None  # exit code once reaped

    @classmethod
    def start(cls) -> Child:
        """Fork here; returns in both processes (see `in_child`)."""
        mine, theirs = Pipe(duplex=True)
        _flush()  # else output buffered before the fork is written twice
        pid = os.fork()
        if pid == 0:
            mine.close()
            for conn in _OPEN.values():
                conn.close()
            _OPEN.clear()
            return cls(0, theirs)
        theirs.close()
        _OPEN[pid] = mine
        return cls(pid, mine)

    @property
    def in_child(self) -> bool:
        return self.pid == 0

    # -- either side
    def send(self, message: Any) -> None:
        self.conn.send(message)

    # -- the child's side
    def exit(self, code: int = 0) -> NoReturn:
        """End the child (no cleanup of the parent's state, which it shares)."""
        try:
            self.conn.close()
            _flush()  # os._exit does not
        finally:
            os._exit(code)

    def serve(self, job: Callable[[], Any]) -> NoReturn:
        """Run `job` in the child, send ("ok", result) or ("error", packed), end."""
        code = 0
        try:
            try:
                message: tuple[Any, ...] = ("ok", job())
            except BaseException as exc:  # every failure goes back to the parent
                message = ("error", _pack(exc))
            self.send(message)
        except BaseException:
            code = 1
        self.exit(code)

    # -- the parent's side
    def receive(self) -> Any:
        """The next message from the other side. In the parent: ChildGone (once the
        child is reaped) if the child ended first; in the child: EOFError if the
        parent did."""
        try:
            return self.conn.recv()
        except EOFError:
            if self.in_child:
                raise
            raise ChildGone(self.join()) from None

    def join(self) -> int:
        """Wait for the child to end; its exit code."""
        if self.in_child:  # pid 0 would mean the whole process group
            raise RuntimeError("a child cannot wait for itself")
        if self.code is None:
            _, status = os.waitpid(self.pid, 0)
            self.code = os.waitstatus_to_exitcode(status)
            _OPEN.pop(self.pid, None)
            self.conn.close()
        return self.code

    def kill(self) -> None:
        """End the child now if it still runs, and reap it."""
        if self.in_child:  # os.kill(0) would kill the whole process group
            raise RuntimeError("a child cannot kill itself; it calls exit")
        if self.code is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:  # ended already; join reaps it
                pass
            self.join()


def _outcome(message: tuple[Any, ...]) -> Any:
    status, value = message[0], message[1]
    if status == "error":
        raise _unpack(value)
    return value


@contextmanager
def forked(job: Callable[[], T], enabled: bool = True) -> Iterator[Callable[[], T]]:
    """Run `job` in a child while the block runs; the callable waits for its result
    (in-line when not `enabled` or fork is unavailable)."""
    if not enabled or not can_fork():
        yield job
        return
    child = Child.start()
    if child.in_child:
        child.serve(job)
    done: list[tuple[Any, ...]] = []

    def result() -> T:
        if not done:
            try:
                done.append(child.receive())
            except ChildGone as gone:
                done.append(("error", ("other", gone.en)))
            child.join()
        out: T = _outcome(done[0])
        return out

    try:
        yield result
    finally:
        child.kill()


def fork_map(fn: Callable[[T], R], items: Sequence[T],
             workers: int) -> Iterator[tuple[int, R]]:
    """(index, fn(item)) for every item, computed by `workers` children, in the order
    they finish: a child is handed the next index whenever it is done with one, so a
    slow item holds up no other. In-line, in order, for one worker or without fork.
    A child's error is raised here; leaving the loop early kills the children."""
    workers = min(workers, len(items))
    if workers <= 1 or not can_fork():
        for i, item in enumerate(items):
            yield i, fn(item)
        return
    children: list[Child] = []
    try:
        for _ in range(workers):
            child = Child.start()
            if child.in_child:
                child.serve(partial(_work, child, fn, items))
            children.append(child)
        todo = iter(range(len(items)))
        busy = {id(c.conn): c for c in children}
        for child in children:
            child.send(next(todo))
        while busy:
            for conn in wait([c.conn for c in busy.values()]):
                child = busy[id(conn)]
                try:
                    message = child.receive()
                except ChildGone as gone:
                    raise RuntimeError(f"forked job failed: {gone.en}") from None
                if message[0] != "item":
                    _outcome(message)  # the child's error, raised here
                    raise RuntimeError(f"forked job failed: unexpected {message[0]!r}")
                yield message[1], message[2]
                following = next(todo, None)
                child.send(following)
                if following is None:  # it stops: its last message, ("ok", None), is not needed
                    del busy[id(conn)]
        for child in children:
            child.join()
    finally:
        for child in children:
            child.kill()


def _work(child: Child, fn: Callable[[T], R], items: Sequence[T]) -> None:
    """A fork_map child: items by index from the parent until it sends None."""
    while (i := child.receive()) is not None:
        child.send(("item", i, fn(items[i])))
