"""The ``worksheets`` MkDocs plugin: worksheet YAML + ``/// worksheet`` blocks in, forms in pages out."""
