"""A user action the services refuse, with the words to say why."""

from __future__ import annotations

from typing import Any

__all__ = ["ActionRefused"]


class ActionRefused(Exception):
    """The action cannot be done as asked. ``key`` is the i18n message; ``usage`` is true
    when what was asked is malformed (the command line exits 2 then, not 1)."""

    def __init__(self, key: str, *, usage: bool = False, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.usage = usage
        self.params = params

    def message(self) -> str:
        from fazhi_tui.base.i18n import t

        return t(self.key, **self.params)
