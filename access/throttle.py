"""Throttling of refused sign-ins per client address (the per-account lockout is in
``users``): after ``limit`` refusals within ``window`` seconds a client's further attempts
are turned away unchecked until the oldest of them ages out. Kept in the server process's
memory, shared by its threads."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

MAX_CLIENTS = 10_000


class Throttle:
    def __init__(
        self, limit: int = 20, window: float = 15 * 60, clock: Callable[[], float] = time.time
    ) -> None:
        self.limit, self.window, self._clock = limit, window, clock
        self._refused: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._refused.get(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def wait(self, client: str) -> float:
        """Seconds until this client may try again (0: it may now). An attempt that may go
        ahead is counted at once, so parallel attempts cannot all slip under the limit; a
        right password takes it back (``forgive``)."""
        now = self._clock()
        with self._lock:
            times = self._recent(client, now)
            if len(times) >= self.limit:
                return max(1.0, times[0] + self.window - now)
            if len(self._refused) >= MAX_CLIENTS and client not in self._refused:
                self._prune(now)
            times.append(now)
            self._refused[client] = times
            return 0.0

    def forgive(self, client: str) -> None:
        with self._lock:
            times = self._refused.get(client)
            if times:
                times.pop()

    def _prune(self, now: float) -> None:
        for client in list(self._refused):
            if not self._recent(client, now):
                del self._refused[client]
