"""A throwaway PostgreSQL server for the tests of server mode (``DASHBOARD_CATALOG``): one
cluster per test session in a temporary folder, on a Unix socket only, and a new database
for each test that asks. PostgreSQL refuses to run as root, so as root the cluster belongs to
the ``postgres`` user (Debian's packages create it). Without PostgreSQL a run that selects
these tests stops at once with the command that installs it (tests/system.py): never a
skip that would hide them."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import system


def _binaries() -> Path | None:
    found = system.find("initdb")
    return found.resolve().parent if found else None


def _as_owner(owner: str | None, *command: str) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else list(command)


class Server:
    def __init__(self, folder: Path, bin_dir: Path, owner: str | None) -> None:
        self.folder, self.bin, self.owner = folder, bin_dir, owner
        self.port = 54000 + os.getpid() % 1000

    def run(self, *command: str) -> None:
        subprocess.run(_as_owner(self.owner, *command), check=True, capture_output=True,
                       text=True, cwd=self.folder)  # fmt: skip

    def start(self) -> None:
        data = self.folder / "data"
        self.run(str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                 "--no-sync")  # fmt: skip
        options = f"-k {self.folder} -p {self.port} -c listen_addresses='' -c fsync=off"
        self.run(str(self.bin / "pg_ctl"), "-D", str(data), "-o", options,
                 "-l", str(self.folder / "server.log"), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "stop")

    def resume(self) -> None:
        """Start the stopped server again (an outage over)."""
        options = f"-k {self.folder} -p {self.port} -c listen_addresses='' -c fsync=off"
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-o", options,
                 "-l", str(self.folder / "server.log"), "-w", "start")  # fmt: skip

    def new_database(self) -> str:
        """A new empty database; its address as DASHBOARD_CATALOG takes it."""
        name = "lake_" + uuid.uuid4().hex[:12]
        self.run(str(self.bin / "createdb"), *self._client(), name)
        return self.address(name)

    def address(self, name: str) -> str:
        return f"postgresql://postgres@/{name}?host={self.folder}&port={self.port}"

    def copy_database(self, address: str) -> str:
        """A new database holding what the database at ``address`` holds (a dump read into
        it: a template copy would need every connection to the source closed)."""
        source = address.split("?")[0].rsplit("/", 1)[1]
        copy = self.new_database()
        target = copy.split("?")[0].rsplit("/", 1)[1]
        client = " ".join(self._client())
        self.run("sh", "-c", f"{self.bin}/pg_dump {client} {source} | "
                 f"{self.bin}/psql -q -v ON_ERROR_STOP=1 {client} {target}")  # fmt: skip
        return copy

    def _client(self) -> list[str]:
        return ["-h", str(self.folder), "-p", str(self.port), "-U", "postgres"]


@contextmanager
def postgres_server(folder: Path) -> Iterator[Server]:
    bin_dir = _binaries()
    if bin_dir is None:  # the collection stops before (tests/system.py); a fixture asked late
        pytest.fail(system.message(["initdb"], ["postgres"]))
    owner = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("running as root, but there is no 'postgres' user to run PostgreSQL as")
        owner = "postgres"
        shutil.chown(folder, user="postgres")
        folder.chmod(0o755)
    server = Server(folder, bin_dir, owner)
    server.start()
    try:
        yield server
    finally:
        server.stop()
