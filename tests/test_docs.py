"""The README keeps up with the command line: every command and option is documented."""

from __future__ import annotations

import argparse

import pytest

from indicators.__main__ import build_parser as indicators_parser
from loaders.__main__ import build_parser
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
    assert "pip install -r requirements.txt && streamlit run dashboard.py" in README
    assert "pip install -r requirements-dev.txt && ruff check . && python -m pytest" in README


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -r requirements-dev.txt && ruff check . && python -m pytest" in ci


@pytest.mark.parametrize(("command", "options"), sorted(_options(indicators_parser()).items()))
def test_every_indicators_command_and_option_is_in_the_readme(
    command: str, options: list[str]
) -> None:
    assert f"python -m indicators {command}" in README
    for option in options:
        assert option in README, f"{command} {option}"


def test_report_command_is_in_the_readme() -> None:
    assert "python -m report year-end --year YEAR [--region NAME] [--agreement 2024|2019]" in README
