"""WeasyPrint alone on HTML the workbook plugin produced: ``python weasy_alone.py HTML BASE OPTIONS OUT``.

Prints JSON: wall-clock and CPU seconds from importing WeasyPrint to the PDF written
(interpreter start-up left out, as it is in the plugin's figure), layout and writing apart,
and the number of pages.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from gctime import GCTimer


def main() -> None:
    """Lay out and write one PDF, timing it."""
    html, base, options, out = sys.argv[1:5]
    text = Path(html).read_text(encoding="utf-8")
    collector = GCTimer().start()
    start, cpu = time.perf_counter(), time.process_time()
    import weasyprint

    imported = time.perf_counter()
    document = weasyprint.HTML(string=text, base_url=base or None).render()
    laid_out = time.perf_counter()
    Path(out).write_bytes(document.write_pdf(**json.loads(options)))
    report = {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "import": imported - start,
        "layout": laid_out - imported,
        "write_pdf": time.perf_counter() - laid_out,
        "gc": collector.seconds,
        "pages": len(document.pages),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
