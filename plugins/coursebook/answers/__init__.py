"""Answers stage: the answers file shared by the site, the PDF and the CLI.

``format``    new answers documents and their JSON text
``contract``  what each field accepts (from the worksheets) and the one reader of answers files
``fields``    a worksheet's values <-> flat PDF field names ``<worksheet>:<field>[:<row>[:<column>]]``
``markdown``  answers as readable Markdown (``coursebook answers show``)
"""

from coursebook.answers.contract import (
    Notice,
    Reading,
    build_contract,
    read_answers,
    read_answers_file,
    render,
)
from coursebook.answers.fields import pdf_field_names, to_pdf_fields, values_from_pdf
from coursebook.answers.format import FORMAT, VERSION, dump_answers, new_answers

__all__ = [
    "FORMAT",
    "VERSION",
    "Notice",
    "Reading",
    "build_contract",
    "dump_answers",
    "new_answers",
    "pdf_field_names",
    "read_answers",
    "read_answers_file",
    "render",
    "to_pdf_fields",
    "values_from_pdf",
]
