"""A function run in a forked process, talking with this one, its result handed back.

In: a function of the channel to this process (it sees this process's memory as it was at
the fork, so only what comes later needs sending). Out: ``Worker.result()``, what the
function returned, or ``ForkedError`` if it raised or the process ended without answering;
messages on the way go through ``Worker.channel``. Used to make the PDFs while MkDocs goes
on writing the site, and to lay the parts of a long workbook out at once
(``coursebook.pdf.parts``). Only where the system can fork; callers check first.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import Any

DONE, FAILED = "done", "failed"
"""The last message of a ``Worker``: its function's result, or its failure as text."""


class ForkedError(Exception):
    """The forked function raised (its type and message are given), or its process died."""


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
                # whatever happened, never return into the parent's code (a second build);
                # and no clean-up of the parent's: its files and handlers are not ours
                os._exit(0)
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
