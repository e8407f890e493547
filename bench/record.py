"""What a benchmark measured, written for bench/run.py to gather into one table."""

from __future__ import annotations

import json
from pathlib import Path


class Record:
    """Measurements of one benchmark run: (what, value, unit, target or None)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.rows: list[dict[str, object]] = []

    def add(self, what: str, value: float, unit: str, target: float | None = None) -> None:
        self.rows.append({"what": what, "value": value, "unit": unit, "target": target})

    def write(self) -> None:
        if self.path is not None:
            self.path.write_text(json.dumps(self.rows, ensure_ascii=False), encoding="utf-8")
