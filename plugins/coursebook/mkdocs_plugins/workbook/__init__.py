"""The ``workbook`` MkDocs plugin: the built pages (in nav order) + worksheets in, workbook PDFs out."""
