"""The words for what an import did, shared by the command line and the screens.

Lines quote names of files found on a stick and details from inside them: they are made
visible (base/text.py) so no control character reaches a terminal."""

from __future__ import annotations

import logging

from fazhi_tui.base.i18n import kind_label, t
from fazhi_tui.base.text import visible

__all__ = ["import_lines", "down_line", "MARKS"]

log = logging.getLogger(__name__)

# A mark per verdict, for screens where lines scroll by.
MARKS = {"imported": "√", "already": "-", "refused": "×", "missing": "!", "clamped": "!"}


def _refusal(outcome, detail: bool) -> str:
    """Why a file was refused, in words; the technical reason (English, for whoever
    investigates) goes to the log, and onto the line only with ``detail`` (the command line)."""
    log.info("refused: %s", outcome.error.detail)
    reason = outcome.error.message()
    return f"{reason} ({outcome.error.detail})" if detail else reason


def import_lines(outcome, name: str, *, dry_run: bool = False, detail: bool = False) -> list[tuple[str, str]]:
    """(verdict, line) for one up-bundle: its verdict, then any gap in the device's numbers."""
    return [(verdict, visible(line)) for verdict, line in _import_lines(outcome, name, dry_run, detail)]


def _import_lines(outcome, name: str, dry_run: bool, detail: bool) -> list[tuple[str, str]]:
    if outcome.verdict == "refused":
        return [("refused", t("sync.refused", path=name, reason=_refusal(outcome, detail)))]
    if outcome.verdict == "already":
        return [("already", t("sync.already", path=name))]
    key = "sync.would_import" if dry_run else "sync.imported"
    lines = [("imported", t(key, path=name, member=outcome.member, seq=outcome.seq) + " " + t("sync.totals", **outcome.totals()))]
    if dry_run:
        for kind_name, summary in outcome.summary.items():
            if any(summary.as_dict().values()):
                lines.append(("imported", f"    {kind_label(kind_name)}{t('punct.colon')}" + t("sync.totals", **summary.as_dict())))
    for first, last in outcome.missing:
        device, member = outcome.device_id[:8], outcome.member
        if first == last:
            lines.append(("missing", t("sync.missing", seq=first, device=device, member=member)))
        else:
            lines.append(("missing", t("sync.missing_range", first=first, last=last, device=device, member=member)))
    if outcome.clamped:
        lines.append(("clamped", t("sync.clamped", count=outcome.clamped, member=outcome.member)))
    if outcome.part[1] > 1:
        verdict, line = lines[0]
        lines[0] = (verdict, line + t("files.part_line", part=outcome.part[0], parts=outcome.part[1]))
    if outcome.files_new or outcome.files_held:
        lines.append(("imported", t("files.import_line", new=outcome.files_new, held=outcome.files_held)))
    return lines


def down_line(outcome, name: str, *, detail: bool = False) -> tuple[str, str]:
    """(verdict, line) for one down-bundle read at a member office."""
    verdict, line = _down_line(outcome, name, detail)
    return verdict, visible(line)


def _down_line(outcome, name: str, detail: bool) -> tuple[str, str]:
    if outcome.verdict == "imported":
        return "imported", t(
            "sync.down_imported", path=name, added=outcome.catalog_added, updated=outcome.catalog_updated,
            withdrawn=outcome.catalog_withdrawn, seq=outcome.confirmed_seq,
        )
    if outcome.verdict == "already":
        return "already", t("sync.already", path=name)
    return "refused", t("sync.refused", path=name, reason=_refusal(outcome, detail))
