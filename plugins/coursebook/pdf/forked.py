"""A function run in a forked process, its result handed back through a pipe.

In: a function of no arguments (it sees this process's memory as it was at the fork, so
nothing needs to be sent to it). Out: ``Forked.result()``, what the function returned, or
``ForkedError`` if it raised or the process ended without answering. Used to make the PDFs
while MkDocs goes on writing the site. ``Worker`` is the same with a two-way channel, for
work that needs answers from this process on the way (the parts of a long workbook laid out
at once, ``coursebook.pdf.parts``). Only where the system can fork; callers check first.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import Any

DONE, FAILED = "done", "failed"
"""The last message of a ``Worker``: its function's result, or its failure as text."""


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


class Worker:
    """``work(channel)`` run in a forked process that talks with this one: both sides
    ``send`` and ``recv`` (pickled) on their end of the channel, and the function's result
    comes last, as ``(DONE, value)``, or its failure, as ``(FAILED, "Type: message")``.
    A child whose parent closed its end (gone, or no longer listening) fails at its next
    ``recv`` or ``send`` and leaves."""

    def __init__(self, work: Callable[[Connection], Any]) -> None:
        ours, theirs = Pipe(duplex=True)
        self.pid = os.fork()
        if self.pid == 0:
            try:
                ours.close()
                try:
                    message: tuple[str, Any] = (DONE, work(theirs))
                except BaseException as exc:  # any failure is reported by the parent
                    message = (FAILED, f"{type(exc).__name__}: {exc}")
                theirs.send(message)
            finally:
                os._exit(0)  # as in Forked: never back into the parent's code
        theirs.close()
        self.channel = ours

    def result(self) -> Any:
        """What ``work`` returned, once it is done (it must send nothing else before)."""
        try:
            kind, value = self.channel.recv()
        except (EOFError, OSError):
            self.stop()
            raise ForkedError("the process ended without a result") from None
        self.finished()
        if kind != DONE:
            raise ForkedError(value)
        return value

    def finished(self) -> None:
        """Wait for the process once it has sent its last message."""
        self.channel.close()
        os.waitpid(self.pid, 0)

    def stop(self) -> None:
        """Stop the process and wait for it, whatever it was doing."""
        self.channel.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
