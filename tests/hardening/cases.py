"""How many cases each hardening test tried: printed at the end of the run (conftest.py)."""

from __future__ import annotations

from collections import Counter

TRIED: Counter[str] = Counter()


def tried(what: str, count: int = 1) -> None:
    """Count ``count`` more cases of ``what`` (a short description: "bundle fuzzer")."""
    TRIED[what] += count
