"""Why a bundle or an enrolment file was refused."""

from __future__ import annotations

from typing import Any

__all__ = ["BundleRefused", "SyncError"]


class BundleRefused(Exception):
    """A file that is not accepted. ``key`` is the i18n message a clerk reads; ``detail``
    is the precise technical reason for the log and the command line."""

    def __init__(self, key: str, detail: str, **params: Any) -> None:
        super().__init__(detail)
        self.key = key
        self.detail = detail
        self.params = params

    def message(self) -> str:
        from fazhi_tui.base.i18n import t

        return t(self.key, **self.params)


class SyncError(BundleRefused):
    """A sync step this office cannot take (not enrolled, no such folder, ...)."""
