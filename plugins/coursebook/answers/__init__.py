"""Answers stage: the answers file shared by the site, the PDF and the CLI.

``format``  answers JSON in/out, validated against ``answers.schema.json``
``fields``  a worksheet's values <-> flat PDF field names ``<worksheet>:<field>[:<row>[:<column>]]``
"""

from coursebook.answers.fields import from_pdf_fields, pdf_field_names, to_pdf_fields
from coursebook.answers.format import (
    FORMAT,
    VERSION,
    AnswersError,
    dump_answers,
    load_answers,
    new_answers,
    parse_answers,
)

__all__ = [
    "FORMAT",
    "VERSION",
    "AnswersError",
    "dump_answers",
    "from_pdf_fields",
    "load_answers",
    "new_answers",
    "parse_answers",
    "pdf_field_names",
    "to_pdf_fields",
]
