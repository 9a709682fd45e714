"""A course's worksheets and messages in, the data the browser runtime reads on every page out.

The workbook plugin writes it once per build as ``assets/coursebook/course-<hash>.js``
(``self.coursebookCourse = {...}``), loaded before ``coursebook.js``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from coursebook.answers.contract import build_contract, month_names
from coursebook.i18n import Catalogue
from coursebook.model import Worksheet

# Characters that could end a <script> element or an HTML comment, or that older
# JavaScript engines treat as line ends: written as \u escapes, which JSON reads back the same.
_UNSAFE_IN_SCRIPT = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def to_script_json(data: Any) -> str:
    """``data`` as JSON that is safe anywhere inside a ``<script>`` element or a ``.js`` file."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_UNSAFE_IN_SCRIPT)


def course_data(
    namespace: str,
    course: str,
    t: Catalogue,
    worksheets: Sequence[Worksheet],
    urls: Mapping[str, str],
) -> dict[str, Any]:
    """What the runtime knows of the course: storage namespace, language, worksheets in
    reading order (title, version, page URL from the site root, field ids and labels,
    renamed fields), the answers contract and the messages it shows."""
    return {
        "namespace": namespace,
        "course": course,
        "language": t.language,
        "dir": t.direction,
        "worksheets": {
            ws.id: {
                "title": ws.title,
                "version": ws.version,
                "url": urls.get(ws.id),
                # for progress and renamed-field migration on pages without the form
                "fields": [f.id for f in ws.fields],
                "labels": {f.id: f.label for f in ws.fields},
                "renamed": {old: f.id for f in ws.fields for old in f.renamed_from},
            }
            for ws in worksheets
        },
        "contract": build_contract(worksheets, namespace, month_names(t.language)),
        "messages": t.browser(),
    }
