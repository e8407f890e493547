"""The README and docs/ keep up with the code: every command and option is documented, every
command, table and environment variable they name exists, and every table and variable the
code has is documented."""

from __future__ import annotations

import argparse
import re

import pytest

from cli.indicators import build_parser as indicators_parser
from cli.loaders import build_parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _options(parser: argparse.ArgumentParser) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                result[name] = [
                    opt
                    for a in sub._actions
                    for opt in a.option_strings
                    if opt.startswith("--") and opt != "--help"
                ]
    return result


@pytest.mark.parametrize(("command", "options"), sorted(_options(build_parser()).items()))
def test_every_loader_command_and_option_is_in_the_readme(command: str, options: list[str]) -> None:
    assert f"python -m loaders {command}" in README
    for option in options:
        assert option in README, f"{command} {option}"


def test_store_init_and_the_two_setup_commands_are_in_the_readme() -> None:
    assert "python -m store init [--demo] [--db PATH]" in README
    assert "pip install -r requirements.lock && streamlit run dashboard.py" in README
    assert TEST_COMMAND in README


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in ci.splitlines() if line and not line.startswith(("#", " "))]
    assert [c.removeprefix("exec ") for c in commands if "python -m tests" in c] == [
        "python -m tests"
    ]


TEST_COMMAND = "```sh\npython -m tests\n```"


@pytest.mark.parametrize(("command", "options"), sorted(_options(indicators_parser()).items()))
def test_every_indicators_command_and_option_is_in_the_readme(
    command: str, options: list[str]
) -> None:
    assert f"python -m indicators {command}" in README
    for option in options:
        assert option in README, f"{command} {option}"


def test_report_command_is_in_the_readme() -> None:
    assert "python -m report year-end --year YEAR [--region NAME] [--agreement 2024|2019]" in README


DOCS = {
    p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
    for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
}
CODE_DIRS = ["web", "access", "catalogue", "indicators", "loaders", "report", "service", "store",
             "app_pages"]  # fmt: skip


def _parsers() -> dict[str, argparse.ArgumentParser]:
    from cli.remind import build_parser as service_parser
    from cli.report import build_parser as report_parser
    from cli.store import build_parser as store_parser

    return {
        "loaders": build_parser(),
        "indicators": indicators_parser(),
        "store": store_parser(),
        "report": report_parser(),
        "service": service_parser(),
    }


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    return {
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }


def test_every_command_the_docs_name_exists() -> None:
    parsers = _parsers()
    named = {
        (doc, package, command)
        for doc, text in DOCS.items()
        for package, command in re.findall(r"python -m (\w+) ([\w-]+)", text)
        if package in parsers
    }
    assert named, "the docs name no command"
    missing = [n for n in named if n[2] not in _subcommands(parsers[n[1]])]
    assert missing == []


def test_every_table_is_documented_and_every_documented_table_exists() -> None:
    schema = "\n".join(
        (ROOT / "store" / name).read_text(encoding="utf-8")
        for name in ("schema.sql", "derived.sql")
    )
    tables = set(
        re.findall(
            r"CREATE (?:TABLE IF NOT EXISTS|OR REPLACE VIEW) (?:memory\.main\.)?(\w+)", schema
        )
    )
    documented = set(re.findall(r"^\| `(\w+)`", DOCS["docs/store.md"], re.MULTILINE))
    assert tables - documented == set(), "tables missing from docs/store.md"
    assert documented - tables == set(), "docs/store.md names tables the schema lacks"


def _code_text() -> str:
    files = [ROOT / "dashboard.py", ROOT / "main.py"]
    for folder in CODE_DIRS:
        files += sorted((ROOT / folder).rglob("*.py"))
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def test_environment_variables_in_docs_and_code_agree() -> None:
    code = set(re.findall(r"DASHBOARD_[A-Z_]+", _code_text()))
    documented = {v for text in DOCS.values() for v in re.findall(r"DASHBOARD_[A-Z_]+", text)}
    configuration = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    assert code - set(re.findall(r"`(DASHBOARD_[A-Z_]+)`", configuration)) == set()
    assert documented - code == set()


DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PATH_ROOTS = ("store", "catalogue", "access", "indicators", "loaders", "report", "service",
            "app_pages", "web", "cli", "swedish", "tests", "bench", "tools", "deploy")  # fmt: skip


def _named_paths(text: str) -> set[str]:
    """Every `package/…` path the text names in backticks (a module, a file, a folder), with a
    function after a dot or a colon left off (`service/writes.guarded` → service/writes.py)."""
    found = set()
    for token in re.findall(r"`([a-z_]+/[A-Za-z0-9_./<>*-]+)", text):
        if not token.startswith(PATH_ROOTS) or any(c in token for c in "<>*"):
            continue
        path = token.rstrip("/.")
        head, _, tail = path.rpartition("/")
        if "." in tail and not tail.endswith((".py", ".yaml", ".sql", ".csv", ".md", ".toml",
                                               ".conf", ".css", ".json", ".service", ".timer",
                                               ".example", ".txt", ".lock", ".js")):  # fmt: skip
            path = f"{head}/{tail.split('.')[0]}.py"
        found.add(path)
    return found


def test_every_path_the_docs_name_exists() -> None:
    missing = sorted(
        f"{doc.name}: {path}"
        for doc in DOC_FILES
        for path in _named_paths(doc.read_text(encoding="utf-8"))
        if not any((ROOT / where).exists() for where in (path, f"{path}.py", f"tests/{path}"))
    )
    assert missing == []


def test_the_architecture_picture_names_modules_that_exist() -> None:
    """The picture's lists of the service's and the store's modules are the modules there."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    picture = text.split("```", 2)[1]
    service = picture.split(" SERVICE ", 1)[1].split(" DOMAIN ", 1)[0]
    named = set()
    for line in service.splitlines()[1:]:
        line = line.split(":", 1)[-1] if line.strip().split(" ")[0].endswith(":") else line
        named |= {
            m.group(0) for part in line.split("·") if (m := re.match(r"[a-z_]+", part.strip()))
        }
    missing = sorted(n for n in named if not (ROOT / "service" / f"{n}.py").exists())
    assert missing == [], missing
    modules = {p.stem for p in (ROOT / "service").glob("*.py") if not p.stem.startswith("_")}
    assert modules - named == set(), "modules of service/ the picture leaves out"
