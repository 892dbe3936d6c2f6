"""Work on untrusted input in a forked child process, with a time limit and a memory limit.

Parsing a file someone uploaded (a PDF to verify) or laying out a document with user text (the report) can take
unbounded time, memory or stack: a crafted file must not hold a web worker, grow it until the machine swaps, or
kill it with a RecursionError. The child is forked (it inherits the loaded code, no start-up cost), its address
space may grow by at most ``memory_bytes`` (RLIMIT_AS), and it is killed when ``timeout`` passes. The result
comes back through a pipe; the caller maps each failure to its own message. The child never uses the parent's
database connection: the work given to it is pure computation on bytes.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Callable
from typing import Any

MEMORY_EXIT_STATUS = 86


class BoundedWorkError(RuntimeError):
    """Why the child gave no result: ``kind`` is "timeout", "memory", "crashed" or "error"."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


def _address_space_now() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * resource.getpagesize()


def _child(target: Callable, args: tuple, memory_bytes: int | None, conn, reader) -> None:
    # The fork gave this process the read end too: close it, or a child orphaned by a killed worker would
    # block forever writing a result larger than the pipe buffer to a pipe that only it can read.
    reader.close()
    try:
        if memory_bytes is not None:
            limit = _address_space_now() + memory_bytes
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        conn.send(("ok", target(*args)))
    except MemoryError:
        # at the limit even sending the news may need memory: the exit status says it
        os._exit(MEMORY_EXIT_STATUS)
    except BaseException as exc:  # reported to the parent, which decides what the user sees
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:500]))
    finally:
        conn.close()


def run_bounded(target: Callable[..., Any], *args: Any, timeout: float, memory_bytes: int | None = None) -> Any:
    """``target(*args)`` in a child process; its return value must pickle. Raises BoundedWorkError."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(target, args, memory_bytes, child, parent), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise BoundedWorkError("timeout", f"{timeout:g} s")
        status, payload = parent.recv()
    except EOFError:
        process.join(5)
        if process.exitcode == MEMORY_EXIT_STATUS:
            raise BoundedWorkError("memory") from None
        # killed by the kernel (a C stack overflow, the OOM killer) before it could say why
        raise BoundedWorkError("crashed", f"exit status {process.exitcode}") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent.close()
    if status != "ok":
        raise BoundedWorkError(status, payload)
    return payload
