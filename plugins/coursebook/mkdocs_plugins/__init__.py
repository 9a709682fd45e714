"""MkDocs adapters: MkDocs events in, calls into the core out. The only code that imports MkDocs."""
