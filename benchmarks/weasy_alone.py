"""WeasyPrint alone on HTML the workbook plugin produced: ``python weasy_alone.py HTML BASE OPTIONS OUT``.

Prints JSON: seconds from importing WeasyPrint to the PDF written (interpreter start-up left
out, as it is in the plugin's figure), and the number of pages.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> None:
    """Lay out and write one PDF, timing it."""
    html, base, options, out = sys.argv[1:5]
    text = Path(html).read_text(encoding="utf-8")
    start = time.perf_counter()
    import weasyprint

    document = weasyprint.HTML(string=text, base_url=base or None).render()
    Path(out).write_bytes(document.write_pdf(**json.loads(options)))
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "pages": len(document.pages)}))


if __name__ == "__main__":
    main()
