"""A small least-recently-used store shared by a worker's threads: what the pages
keep between requests in one process (rendered cards, a page's figures)."""
from __future__ import annotations

import threading
from collections import OrderedDict


class LRU:
    """At most ``size`` values, the least recently used dropped first. ``get`` answers
    None for a key it does not hold, so None is never stored."""

    def __init__(self, size: int):
        self.size, self._kept, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._kept.get(key)
            if value is not None:
                self._kept.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._kept[key] = value
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def keys(self) -> list:
        """The keys held now, least recently used first."""
        with self._lock:
            return list(self._kept)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
