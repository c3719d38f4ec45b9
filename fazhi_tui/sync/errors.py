"""Why a bundle or an enrolment file was refused."""

from __future__ import annotations

from typing import Any

__all__ = ["BundleRefused", "SyncError", "RecordRefused"]


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


class RecordRefused(BundleRefused):
    """A record in a bundle the township's own forms would refuse: names the record, the
    field and the form's reason, in the reader's language when the message is shown."""

    def __init__(self, kind: str, record: str, field: str, problem_key: str, problem_params: dict[str, Any], detail: str) -> None:
        super().__init__("err.bundle_invalid_value", detail)
        self.kind, self.record, self.field = kind, record, field
        self.problem_key, self.problem_params = problem_key, problem_params

    def message(self) -> str:
        from fazhi_tui.base.i18n import field_label, kind_label, t

        return t(
            self.key, kind=kind_label(self.kind), record=self.record, field=field_label(self.kind, self.field),
            reason=t(self.problem_key, **self.problem_params),
        )
