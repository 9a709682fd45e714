"""coursebook: Markdown chapters + YAML worksheets in, a course website and a PDF workbook out.

Pipeline, one folder per stage:

- ``model``    worksheet YAML files -> typed ``Worksheet`` objects (with ``file:line`` errors)
- ``html``     a ``Worksheet`` -> an accessible HTML form (and the ``/// worksheet`` block)
- ``answers``  the answers file format shared by the site, the PDF and the CLI
- ``pdf``      course pages + worksheets -> WeasyPrint PDF workbooks, and back to answers
- ``runtime``  the browser JavaScript/CSS that saves answers (package data)
- ``mkdocs_plugins`` thin MkDocs adapters; nothing else imports MkDocs
- ``cli``      the ``coursebook`` command
"""

__version__ = "0.1.0"
