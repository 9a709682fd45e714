"""``python -m coursebook.cli``: the same as the ``coursebook`` command."""

from coursebook.cli.main import main

main()
