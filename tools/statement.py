"""Write docs/tillganglighetsredogorelse.md from axe-core's report of the browser tier:

    python tools/statement.py /tmp/skärmbilder/axe-rapport.json

(tests/e2e/test_accessibility.py writes the report and fails while the statement's automated
part says something else than the latest run found)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service import accessibility

CONTACT = "stadsledningskontoret, som förvaltar uppföljningen"


def main(argv: list[str]) -> int:
    report = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    text = accessibility.statement(
        accessibility.automated_part(report["vyer"], report["axe"]), date.today(), CONTACT
    )
    accessibility.STATEMENT.write_text(text, encoding="utf-8")
    print(f"wrote {accessibility.STATEMENT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
