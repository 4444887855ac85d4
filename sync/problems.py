"""A problem found in an uploaded record: where it is and what is wrong, for a person to read."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """`field` is a dotted path into the record ("readings.0.value_m3"); `message` is Spanish,
    because crews and office staff read it; `code` is a stable English key for programs."""

    field: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"
