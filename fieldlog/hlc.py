"""Hybrid logical clock: wall-clock milliseconds plus a counter, packed in one integer.

hlc = millis << 16 | counter. Integers sort like the clock, so SQL can compare them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1


def pack(millis: int, counter: int) -> int:
    return (millis << COUNTER_BITS) | counter


def unpack(stamp: int) -> tuple[int, int]:
    return stamp >> COUNTER_BITS, stamp & COUNTER_MASK


def _next(millis: int, counter: int) -> int:
    """A counter full for this millisecond moves on to the next one, never into the millis bits
    (which would hand out a stamp below the last one)."""
    if counter > COUNTER_MASK:
        return pack(millis + 1, 0)
    return pack(millis, counter)


def wall_millis() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class HybridClock:
    """The persisted last stamp; `tick` for local events, `observe` for imported ones."""

    last: int = 0

    def tick(self, now_millis: int | None = None) -> int:
        now = wall_millis() if now_millis is None else now_millis
        last_millis, last_counter = unpack(self.last)
        if now > last_millis:
            self.last = pack(now, 0)
        else:
            self.last = _next(last_millis, last_counter + 1)
        return self.last

    def observe(self, remote: int, now_millis: int | None = None) -> int:
        now = wall_millis() if now_millis is None else now_millis
        last_millis, last_counter = unpack(self.last)
        remote_millis, remote_counter = unpack(remote)
        top = max(now, last_millis, remote_millis)
        if top == last_millis == remote_millis:
            counter = max(last_counter, remote_counter) + 1
        elif top == last_millis:
            counter = last_counter + 1
        elif top == remote_millis:
            counter = remote_counter + 1
        else:
            counter = 0
        self.last = _next(top, counter)
        return self.last
