"""The ``coursebook`` command: project folder in, checks, PDFs and answers files out."""
