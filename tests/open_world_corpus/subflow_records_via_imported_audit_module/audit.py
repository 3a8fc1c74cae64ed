"""A tiny audit trail shared by workflows."""

from typing import List

TRAIL: List[str] = []


def record(event: str) -> None:
    TRAIL.append(event)
