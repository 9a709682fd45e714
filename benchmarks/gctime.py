"""Seconds Python's cyclic garbage collector spends, added up through ``gc.callbacks``."""

from __future__ import annotations

import gc
import time


class GCTimer:
    """Adds up the wall-clock time of every garbage collection after ``start()``."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._began = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._began
            self.collections += 1

    def start(self) -> GCTimer:
        """Begin counting."""
        gc.callbacks.append(self._callback)
        return self
