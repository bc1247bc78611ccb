"""A sliding-window limit of answers per client, held in memory only.

Clients are told apart by a keyed hash of their address, with a key drawn when the process
starts: nothing is written anywhere, and the hashes mean nothing once the process ends. With
several worker processes, each keeps its own count (the limit is then per process).
"""

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._key = secrets.token_bytes(32)
        self._hits: dict[bytes, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Count one attempt by the client; False once it went over the limit in the window."""
        digest = hmac.new(self._key, client.encode(), hashlib.sha256).digest()
        now = self._clock()
        with self._lock:
            if len(self._hits) > 10_000:
                self._forget_idle(now)
            hits = self._hits.setdefault(digest, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True

    def _forget_idle(self, now: float) -> None:
        idle = [
            key for key, hits in self._hits.items() if not hits or hits[-1] <= now - self.window
        ]
        for key in idle:
            del self._hits[key]
