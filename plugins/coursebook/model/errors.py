"""Author-facing errors: a location plus a message, printed as one ``path:line:col:`` line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class WorksheetError(Exception):
    """One mistake in a worksheet file or a page, with where it is."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class WorksheetErrors(Exception):
    """Several ``WorksheetError``; ``str()`` gives one line per error, in file order."""

    def __init__(self, errors: Iterable[WorksheetError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.path, e.line or 0, e.column or 0))
        super().__init__("\n".join(str(e) for e in self.errors))
