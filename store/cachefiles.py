"""Files a process keeps for the next one in the user's cache folder (``XDG_CACHE_HOME`` or
``~/.cache``, under ``samverkan-dashboard``): derived results under a digest of everything
they were derived from, so a stale one is never found, only a missing one. Written privately
(a 0600 file in a 0700 folder, replaced atomically); at most ``limit`` kept, the least recently
used going first; a folder that cannot be written means nothing is kept."""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from importlib.metadata import version
from pathlib import Path


def folder(variable: str, name: str) -> Path | None:
    """The folder ``name`` in the user's cache, or where ``variable`` says (``off``: none)."""
    configured = os.environ.get(variable, "").strip()
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "samverkan-dashboard" / name


@functools.cache
def code_digest(files: tuple[Path, ...], packages: tuple[str, ...]) -> str:
    """What derived files depend on besides their inputs: the code that derives them (its
    source files) and the versions of the packages it calls, read once per process."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    for package in packages:
        digest.update(f"{package}={version(package)}".encode())
    return digest.hexdigest()


def key(code: str, inputs: object) -> str:
    """The name a derived file is kept under: ``code`` (:func:`code_digest`) and everything
    it was derived from, as its ``repr``."""
    return hashlib.sha256(repr((code, inputs)).encode()).hexdigest()


def read(where: Path | None, key: str, suffix: str) -> bytes | None:
    if where is None:
        return None
    path = where / f"{key}{suffix}"
    try:
        data = path.read_bytes()
        os.utime(path)  # recently used: kept longest
    except OSError:
        return None
    return data


def write(where: Path | None, key: str, suffix: str, data: bytes, limit: int) -> None:
    if where is None:
        return
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=where, prefix=".new-")  # mode 0600
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, where / f"{key}{suffix}")
        kept = list(where.glob(f"*{suffix}"))
        if len(kept) > limit:
            kept.sort(key=lambda p: p.stat().st_mtime_ns)
            for old in kept[: len(kept) - limit]:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: every process derives them again
