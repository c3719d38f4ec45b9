"""An operating system's error in the clerk's words.

``OSError.strerror`` is English on every Chinese Windows a township has ("Permission
denied", "No space left on device"). :func:`os_error_words` says what happened in the
interface language, from the error number; the raw reason goes to the log for whoever
looks after the PC (base/logs.py).
"""

from __future__ import annotations

import errno
import logging

from fazhi_tui.base.i18n import t

__all__ = ["os_error_words"]

log = logging.getLogger(__name__)

_KEYS = {
    errno.ENOSPC: "oserr.full",
    errno.EACCES: "oserr.denied",
    errno.EPERM: "oserr.denied",
    errno.EROFS: "oserr.read_only",
    errno.ENOENT: "oserr.missing",
    errno.ENOTDIR: "oserr.missing",
    errno.EISDIR: "oserr.is_folder",
    errno.EEXIST: "oserr.exists",
    errno.EIO: "oserr.io",
    errno.EBUSY: "oserr.busy",
    errno.ENAMETOOLONG: "oserr.name_too_long",
}
# Windows reports some of these with its own numbers (``winerror``) and errno EINVAL.
_WINERRORS = {32: "oserr.busy", 33: "oserr.busy", 5: "oserr.denied", 112: "oserr.full", 19: "oserr.read_only", 3: "oserr.missing", 2: "oserr.missing", 21: "oserr.not_ready"}


def os_error_words(exc: BaseException) -> str:
    """What went wrong, in words; the exception itself is logged."""
    log.warning("operating system error: %r", exc)
    key = "oserr.not_text" if isinstance(exc, UnicodeError) else None
    if isinstance(exc, OSError):
        key = _WINERRORS.get(getattr(exc, "winerror", None) or -1) or _KEYS.get(exc.errno or -1)
    return t(key or "oserr.other")
