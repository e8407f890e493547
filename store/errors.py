"""The store's failures a user or an operator can act on; each message says what to do."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """A problem with the store that a user can act on; the message says what to do."""


class EarlierStoreError(StoreError):
    """No store at the file named, but one of an earlier version beside it (under the
    earlier default name): this version never starts an empty store beside it."""

    def __init__(self, message: str, file: Path, earlier: Path) -> None:
        super().__init__(message)
        self.file, self.earlier = file, earlier


class StoreLockedError(StoreError):
    """The store cannot be written now (another write of this machine is taking long)."""


class StoreConflictError(StoreError):
    """Another process changed the store while this write ran; nothing of it was saved."""


class StoreUnreachableError(StoreError):
    """The catalog (a PostgreSQL server, or the SQLite file) cannot be reached."""
