"""A growing wait after wrong passphrases, for the unlock dialog and the lock screen.

SQLCipher's key derivation already costs about 80 ms a try; this makes guessing at the
keyboard slower still: the first two wrong passphrases cost nothing (typos happen), then each
one doubles the wait, 2 s, 4 s, 8 s ... up to a minute. The clock is injected so tests move
time instead of sleeping.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

__all__ = ["UnlockDelay"]


class UnlockDelay:
    """Counts wrong passphrases and says how long to wait before the next try."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        free_tries: int = 2,
        first_wait_s: float = 2.0,
        longest_wait_s: float = 60.0,
    ) -> None:
        self._clock = clock
        self._free = free_tries
        self._first = first_wait_s
        self._longest = longest_wait_s
        self._failures = 0
        self._until = 0.0

    @property
    def failures(self) -> int:
        """Wrong passphrases since the last right one."""
        return self._failures

    def failed(self) -> float:
        """Count a wrong passphrase; returns the seconds to wait before the next try."""
        self._failures += 1
        extra = self._failures - self._free
        if extra <= 0:
            return 0.0
        wait = float(min(self._first * 2.0 ** (extra - 1), self._longest))
        self._until = self._clock() + wait
        return wait

    def succeeded(self) -> None:
        """The right passphrase: start again from nothing."""
        self._failures = 0
        self._until = 0.0

    def remaining_s(self) -> int:
        """Whole seconds still to wait (0: a try is allowed now)."""
        return max(0, math.ceil(self._until - self._clock()))

    def message(self) -> str:
        """The sentence shown while a try is not allowed."""
        seconds = self.remaining_s()
        return (
            f"{self._failures} wrong passphrases: wait {seconds} second"
            f"{'s' if seconds != 1 else ''} before trying again."
        )
