"""When the dashboard refreshes the stored results on its own: at its first page run, and
again when a file of the catalogue (a definition or a target) is edited; not at every run."""

from __future__ import annotations

import pytest

from service import results, session


def test_a_catalogue_edit_starts_a_refresh_and_an_unchanged_one_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[str] = []
    monkeypatch.setattr(results, "refresh_later", lambda path=None: started.append("refresh"))
    monkeypatch.setattr(results, "_CATALOGUE_SEEN", {})
    version = ["a"]
    monkeypatch.setattr(session, "catalogue_version", lambda: version[0])
    results.refresh_when_catalogue_changes("/tmp/one.sqlite")
    assert started == ["refresh"]  # the first run of the process
    for _ in range(3):
        results.refresh_when_catalogue_changes("/tmp/one.sqlite")
    assert started == ["refresh"]  # reruns with the same catalogue: nothing
    version[0] = "b"  # a YAML file edited
    results.refresh_when_catalogue_changes("/tmp/one.sqlite")
    results.refresh_when_catalogue_changes("/tmp/one.sqlite")
    assert started == ["refresh", "refresh"]
    results.refresh_when_catalogue_changes("/tmp/other.sqlite")  # another store: its own
    assert started == ["refresh", "refresh", "refresh"]
