"""Fetching the police's live events API (``python -m loaders fetch polisen``).

The API's terms: send a User-Agent, at least 10 seconds between calls (at most 60 an hour).
Every response is saved as a file before it is loaded, so each batch points at the exact
bytes the police sent. Nothing the dashboard needs to start is fetched: this is an explicit
command, and its tests use a recorded response, not the network.
"""

from __future__ import annotations

import os
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from store.db import PROJECT_ROOT

API_URL = "https://polisen.se/api/events"
MIN_INTERVAL_SECONDS = 10.0
USER_AGENT = (
    "samverkan-dashboard/0.1 (uppfoljning Stockholms stad och Polisregion Stockholm; "
    "contact: {contact})"
)
RAW_DIR = PROJECT_ROOT / "data" / "raw" / "polisen"

Opener = Callable[[urllib.request.Request, float], bytes]


def _urlopen(request: urllib.request.Request, timeout: float) -> bytes:
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


class Fetcher:
    """Calls the API politely: a User-Agent, and never two calls within 10 seconds, also
    across runs of the command (the time of the last call is kept in a small file)."""

    def __init__(
        self,
        *,
        opener: Opener = _urlopen,
        now: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        state_file: Path | None = None,
        raw_dir: Path = RAW_DIR,
        contact: str | None = None,
    ) -> None:
        self._open = opener
        self._now = now
        self._sleep = sleep
        self._state = state_file or raw_dir / ".last_call"
        self._raw_dir = raw_dir
        self.user_agent = USER_AGENT.format(
            contact=contact or os.environ.get("DASHBOARD_CONTACT", "not set")
        )

    def _last_call(self) -> float | None:
        try:
            return float(self._state.read_text().strip())
        except (OSError, ValueError):
            return None

    def fetch(self) -> Path:
        """One call; returns the file the response was saved to."""
        last = self._last_call()
        if last is not None:
            wait = last + MIN_INTERVAL_SECONDS - self._now()
            if wait > 0:
                self._sleep(wait)
        request = urllib.request.Request(
            API_URL, headers={"User-Agent": self.user_agent, "Accept": "application/json"}
        )
        called_at = self._now()
        body = self._open(request, 30.0)
        self._raw_dir.mkdir(parents=True, exist_ok=True)
        self._state.write_text(f"{called_at}\n")
        stamp = datetime.fromtimestamp(called_at).strftime("%Y%m%dT%H%M%S")
        path = self._raw_dir / f"events-{stamp}.json"
        path.write_bytes(body)
        return path
