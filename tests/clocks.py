"""A clock the test moves by hand, for the services that take a clock."""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class ManualClock(Generic[T]):
    """Answers ``now`` (seconds or a datetime) until the test moves it."""

    def __init__(self, now: T) -> None:
        self.now = now

    def __call__(self) -> T:
        return self.now
