"""A store on a disk that fills up (issue 34), on a real file system of 8 MB: a load from
the command line says the disk is full (not "the store refused the change"), nothing stored
is lost, and once space is freed the same load goes in. Needs root (a tmpfs is mounted), as
the browser and server tiers of this machine do."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.session import open_store
from store import loading
from tests import cli
from tests.conftest import ROOT

BRA = ROOT / "data" / "demo" / "bra"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.fail("this test mounts a small file system: run the tests as root (CI does)")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
        except OSError:
            pass
    return filler


@pytest.mark.slow
@pytest.mark.embedded_only
def test_a_load_on_a_full_disk_says_so_and_loses_nothing(small_disk: Path) -> None:
    store = small_disk / "store.sqlite"
    first = cli.run("loaders", "load", "bra", str(BRA / "Databasfil2020.txt"), "--db", str(store))
    assert first.returncode == 0, first.stderr
    filler = _fill(small_disk)
    assert shutil.disk_usage(small_disk).free < 1 << 20

    full = cli.run("loaders", "load", "bra", str(BRA / "Databasfil2021.txt"), "--db", str(store))
    assert full.returncode == 1
    assert full.stderr.strip().splitlines()[-1] == "error: the disk is full. Nothing was changed."

    filler.unlink()
    con = open_store(store)
    try:
        assert [b.file_name for b in loading.batches(con)] == ["Databasfil2020.txt"]
    finally:
        con.close()
    again = cli.run("loaders", "load", "bra", str(BRA / "Databasfil2021.txt"), "--db", str(store))
    assert again.returncode == 0, again.stderr
