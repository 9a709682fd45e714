"""A function run in a forked process, its result handed back through a pipe.

In: a function of no arguments (it sees this process's memory as it was at the fork, so
nothing needs to be sent to it). Out: ``Forked.result()``, what the function returned, or
``ForkedError`` if it raised or the process ended without answering. Used to write a part
of a long workbook while the next is laid out, and to make the PDFs while MkDocs goes on
writing the site. Only where the system can fork; callers check first.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from typing import Any


class ForkedError(Exception):
    """The forked function raised (its type and message are given), or its process died."""


class Forked:
    """``work`` run in a forked process; ``result`` waits for what it returns."""

    def __init__(self, work: Callable[[], Any]) -> None:
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: do the work, hand the result back, leave at once
            try:
                os.close(read)
                try:
                    payload = pickle.dumps((True, work()))
                except BaseException as exc:  # any failure is reported by the parent
                    payload = pickle.dumps((False, f"{type(exc).__name__}: {exc}"))
                with os.fdopen(write, "wb") as out:
                    out.write(payload)  # fails if the parent is gone: nobody to tell
            finally:
                # whatever happened, never return into the parent's code (a second build);
                # and no clean-up of the parent's: its files and handlers are not ours
                os._exit(0)
        os.close(write)
        self.pipe = os.fdopen(read, "rb")

    def result(self) -> Any:
        """What ``work`` returned (waits for it)."""
        with self.pipe:
            data = self.pipe.read()
        os.waitpid(self.pid, 0)
        if not data:
            raise ForkedError("the process ended without a result")
        done, value = pickle.loads(data)  # our own child's, never outside data
        if not done:
            raise ForkedError(value)
        return value

    def stop(self) -> None:
        """Stop the process and wait for it, whatever it was doing."""
        self.pipe.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
