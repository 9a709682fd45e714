"""Worksheet model: YAML worksheet files in, validated ``Worksheet`` objects out.

Author mistakes raise ``WorksheetError`` whose ``str()`` is one line,
``path:line:col: what is wrong (what was expected)``.
"""

from coursebook.model.errors import WorksheetError, WorksheetErrors
from coursebook.model.loader import load_worksheet, load_worksheets
from coursebook.model.references import (
    WorksheetReference,
    check_references,
    drop_repeated_blocks,
    find_references,
    repeated_references,
)
from coursebook.model.worksheet import (
    ANSWER_FIELD_TYPES,
    COLUMN_TYPES,
    FIELD_TYPES,
    Column,
    Field,
    Option,
    Section,
    Worksheet,
)

__all__ = [
    "ANSWER_FIELD_TYPES",
    "COLUMN_TYPES",
    "FIELD_TYPES",
    "Column",
    "Field",
    "Option",
    "Section",
    "Worksheet",
    "WorksheetError",
    "WorksheetErrors",
    "WorksheetReference",
    "check_references",
    "drop_repeated_blocks",
    "find_references",
    "load_worksheet",
    "load_worksheets",
    "repeated_references",
]
