"""A township office's use cases, one function per user action, called by both the command
line (``fazhi-tui checklist / export / enroll / import``) and the screens (checklist ``p``,
the USB exchange screen).

Each function does the work and returns what happened, with its words where both callers
show the same line; how to show it (printed, a notice, a log line with a mark) is the
caller's business.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from fazhi_tui.base.config import Config, load_config
from fazhi_tui.base.files import atomic_write_bytes, atomic_write_text
from fazhi_tui.base.i18n import t
from fazhi_tui.base.oserror import os_error_words
from fazhi_tui.base.paths import Home
from fazhi_tui.base.progress import Progress, steps
from fazhi_tui.services.checklist import ActiveRules, evidence_labels, load_active_rules, run_checklist
from fazhi_tui.services.checklist_report import ReportHeader, render
from fazhi_tui.services.errors import ActionRefused
from fazhi_tui.services.verdicts import down_line
from fazhi_tui.storage.store import Store
from fazhi_tui.sync.errors import BundleRefused
from fazhi_tui.sync.export import ExportResult, export_up
from fazhi_tui.sync.keys import load_enrolment, parse_enrolment
from fazhi_tui.sync.member import enroll, import_down

__all__ = [
    "CHECKLIST_FORMATS",
    "BINARY_FORMATS",
    "ChecklistReport",
    "checklist_report",
    "save_checklist_report",
    "write_report_text",
    "export_bundle",
    "exported_line",
    "enrol_office",
    "enrolled_line",
    "import_down_files",
    "read_stick",
    "open_office",
    "make_demo",
    "backup_lines",
    "backup_copy",
    "restore_named",
    "rules_problem_line",
    "last_folder",
    "remember_folder",
]

CHECKLIST_FORMATS = ("table", "json", "csv", "markdown", "text", "xlsx", "docx")
BINARY_FORMATS = ("xlsx", "docx")  # files, not text


# -- the checklist report -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistReport:
    text: str
    active: ActiveRules  # the rules it was computed with (``active.problem``: why the county's were refused)
    year: int
    on: dt.date
    data: bytes | None = None  # the file of a binary format (xlsx, docx); ``text`` is then empty


def checklist_report(home: Home, config: Config, store: Store, *, year: int, on: dt.date, fmt: str = "markdown") -> ChecklistReport:
    """The checklist of ``year`` as of ``on`` in format ``fmt`` (one of CHECKLIST_FORMATS)."""
    if fmt not in CHECKLIST_FORMATS:
        raise ValueError(fmt)
    active = load_active_rules(home)
    results = run_checklist(store, active.ruleset, config, year=year, on=on)
    labels = evidence_labels(store, results) if fmt in ("markdown", "text", *BINARY_FORMATS) else None
    header = ReportHeader(config.township_code, config.township_name, year, on, active.source)
    if fmt in BINARY_FORMATS:
        from fazhi_tui.services.checklist_files import render_binary

        return ChecklistReport("", active, year, on, render_binary(fmt, results, header, labels))
    return ChecklistReport(render(fmt, results, header, labels), active, year, on)


def write_report_text(path: Path, text: str, fmt: str) -> None:
    """Write a text report atomically. Excel and WPS on Chinese Windows read a UTF-8 CSV
    correctly only with a BOM, so a CSV gets one."""
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    atomic_write_bytes(path, text.encode(encoding))


def save_checklist_report(home: Home, config: Config, store: Store, *, year: int, on: dt.date) -> tuple[Path, ChecklistReport]:
    """The printable checklist report, saved in the home's reports folder as Markdown, and
    beside it as Excel and Word (same name, .xlsx and .docx); the Markdown file's path."""
    from fazhi_tui.services.checklist_files import render_binary

    active = load_active_rules(home)
    results = run_checklist(store, active.ruleset, config, year=year, on=on)
    labels = evidence_labels(store, results)
    header = ReportHeader(config.township_code, config.township_name, year, on, active.source)
    report = ChecklistReport(render("markdown", results, header, labels), active, year, on)
    path = home.reports / f"checklist-{year}-{on.isoformat()}.md"
    write_report_text(path, report.text, "markdown")
    for fmt in BINARY_FORMATS:
        atomic_write_bytes(path.with_suffix(f".{fmt}"), render_binary(fmt, results, header, labels))
    return path, report


# -- the USB exchange -------------------------------------------------------------------------------


def export_bundle(
    home: Home, config: Config, store: Store, folder: Path, *, full: bool = False, max_mb: int | None = None
) -> ExportResult:
    """Write an up-bundle into ``folder`` (raises SyncError, OSError); ``max_mb``: the largest
    file the stick takes (the evidence files that do not fit go into further parts)."""
    return export_up(home, config, store, folder, full=full, max_bytes=max_mb * 1024 * 1024 if max_mb else None)


def exported_line(result: ExportResult) -> str:
    kind = t("sync.full") if result.full else t("sync.delta")
    line = t("sync.exported", path=result.path, seq=result.seq, kind=kind, records=result.records)
    if result.files:
        line += t("sync.exported_files", files=result.files)
    if result.parts:
        line += t("sync.exported_parts", parts=len(result.parts), names="、".join(p.name for p in result.parts))
    return line


def enrol_office(home: Home, config: Config, path: Path, *, replace: bool = False):
    """Load the enrolment file the hub wrote for this office (raises BundleRefused; an
    enrolment from another hub's key only with ``replace``: the clerk confirmed it)."""
    return enroll(home, config, path, replace=replace)


def enrolled_line(enrolment) -> str:
    return t("sync.enrolled", hub=enrolment.hub_name, code=enrolment.hub_code, generation=enrolment.generation)


def import_down_files(
    home: Home, config: Config, store: Store, paths: Sequence[Path | str], *, detail: bool = False,
    progress: Progress | None = None,
) -> Iterator[tuple[str, str]]:
    """Import the hub's down-bundles one by one: (verdict, line) for each, in order;
    ``progress`` is told after each file (base/progress.py)."""
    for name in steps(paths, progress, lambda name: Path(name).name):
        outcome = import_down(home, config, store, Path(name))
        yield down_line(outcome, str(name) if detail else Path(name).name, detail=detail)


def read_stick(home: Home, config: Config, store: Store, folder: Path, *, replace: bool = False) -> Iterator[tuple[str, str]]:
    """What the exchange screen's "read" does: load this office's enrolment file found in
    ``folder`` when it is newer than the one held (or from another hub), then import the
    county's down-bundles for this office. Yields (verdict, line); verdict "nothing" says
    there was nothing to read, "confirm" that the enrolment file comes from another hub's
    key (the line names both): nothing was read, ask the clerk, then call again with
    ``replace``. Stops at a database error (raised). An enrolment file
    signed by another hub's key is refused, naming both hubs, unless ``replace``."""
    code = config.office_code
    if not folder.is_dir():
        yield "refused", t("err.export_no_folder", path=folder)
        return
    enrol_file = folder / f"fazhi-enrol-{code}.json"
    downs = sorted(folder.glob(f"fazhi-down-{code}-*.fzb"))
    if not enrol_file.exists() and not downs:
        yield "nothing", t("sync.nothing_found", path=folder, code=code)
        return
    if enrol_file.exists():
        current = load_enrolment(home)
        try:
            offered = parse_enrolment(enrol_file.read_text(encoding="utf-8-sig"))
            if current is None or offered.generation > current.generation or offered.hub_signing_key != current.hub_signing_key:
                yield "imported", enrolled_line(enrol_office(home, config, enrol_file, replace=replace))
        except (BundleRefused, OSError, UnicodeDecodeError) as exc:
            if isinstance(exc, BundleRefused) and exc.key == "err.enrolment_other_county":
                # another county's key: only the clerk can say it is really theirs now. The
                # down-bundles wait: they may be the new county's, signed by its key.
                yield "confirm", exc.message()
                return
            reason = exc.message() if isinstance(exc, BundleRefused) else os_error_words(exc)
            yield "refused", t("sync.refused", path=enrol_file.name, reason=reason)
    yield from import_down_files(home, config, store, downs)



# -- setting up, the demo, backups ---------------------------------------------------------------------


def open_office(home: Home) -> tuple[Config, Store]:
    """The config and open store of a home that has been set up (raises ActionRefused
    otherwise, ConfigError and DatabaseError as they come)."""
    config = load_config(home.config)
    if config is None or not home.database.exists():
        raise ActionRefused("cli.no_config", home=home.config_dir)
    return config, Store.open(home.database, home.backups)


def make_demo(home: Home, *, township: str | None = None, years: int = 3, records: int | None = None) -> str:
    """Fill ``home`` with a demo township; the line saying what was made."""
    from fazhi_tui.base.division import check_township_code
    from fazhi_tui.base.lock import home_lock
    from fazhi_tui.services.demo import DemoError, build_demo

    code = None
    if township is not None:
        code = check_township_code(township)
        if code is None:
            raise ActionRefused("cli.bad_code", usage=True, code=township)
    if home.database.exists() or home.config.exists():
        raise ActionRefused("cli.demo_exists", home=home.data_dir)  # said before the lock: nothing touched
    try:
        home.data_dir.mkdir(parents=True, exist_ok=True)
        with home_lock(home.data_dir, "fazhi-tui demo"):
            summary = build_demo(home, township=code, years=years, records=records, evidence=True)
    except DemoError:
        raise ActionRefused("cli.demo_exists", home=home.data_dir)
    return t("cli.demo_done", name=summary.name, code=summary.code, records=summary.records, home=home.data_dir)


def backup_lines(home: Home) -> list[str]:
    """The automatic backups, newest first, with how to put one back."""
    from fazhi_tui.storage.database import list_backups

    backups = list_backups(home.backups)
    if not backups:
        return [t("restore.none", backups=home.backups)]
    lines = [t("restore.header", backups=home.backups)]
    for path in backups:
        try:
            size = path.stat().st_size
        except OSError:
            continue
        lines.append(t("restore.line", name=path.name, kb=max(1, round(size / 1024))))
    lines.append(t("restore.usage"))
    return lines


def backup_copy(home: Home, folder: Path) -> str:
    """A checked copy of the home's database in ``folder`` (``fazhi-tui backup --to``);
    the line saying where. Raises ActionRefused (no database, no such folder, cannot write)
    and DatabaseCorrupt (the copy failed its check: nothing is left in ``folder``)."""
    from fazhi_tui.storage.backups import backup_to
    from fazhi_tui.storage.database import DatabaseCorrupt, DatabaseError

    if not home.database.is_file():
        raise ActionRefused("backup.no_database", path=home.database)
    if not folder.is_dir():
        raise ActionRefused("err.export_no_folder", path=folder)
    try:
        made = backup_to(home, folder)
    except DatabaseCorrupt:
        raise
    except DatabaseError as exc:  # a full or read-only stick
        raise ActionRefused("backup.failed", reason=exc.detail) from exc
    return t("backup.done", path=made)


def restore_named(home: Home, name: str) -> str:
    """Put a backup in place of the database (the file replaced is kept among the backups
    first); the lines saying so. ``name`` is a backup in the home's backups folder, or the
    path of a copy made by ``backup --to`` (on a stick, after a PC was replaced): then the
    evidence files that copy's records name are brought back from ``fazhi-files`` beside it."""
    from fazhi_tui.storage.backups import EVIDENCE_COPY, evidence_digests, restore_evidence_files
    from fazhi_tui.storage.database import DatabaseError, list_backups, restore_backup

    given = Path(name)
    listed = list_backups(home.backups)
    chosen = home.backups / given.name
    if given.name == name and chosen in listed:
        from_elsewhere = False
    elif given.is_file():
        chosen = given
        from_elsewhere = given.resolve().parent != home.backups.resolve()
    else:
        raise ActionRefused("restore.no_such", name=name, backups=home.backups)
    try:
        kept = restore_backup(chosen, home.database, home.backups)
    except OSError as exc:
        raise ActionRefused("cli.cannot_write", path=home.database, reason=os_error_words(exc)) from exc
    done = t("restore.done", name=chosen.name, database=home.database, kept=kept.name)
    if not from_elsewhere:
        return done
    try:
        wanted = evidence_digests(home.database)
        brought, missing = restore_evidence_files(chosen.parent / EVIDENCE_COPY, home.files, wanted)
    except OSError as exc:
        return done + "\n" + t("restore.files_failed", reason=os_error_words(exc))
    except DatabaseError as exc:
        return done + "\n" + t("restore.files_failed", reason=exc.detail)
    if not brought and not missing:
        return done
    line = t("restore.files", brought=brought, folder=chosen.parent / EVIDENCE_COPY)
    if missing:
        line += "\n" + t("restore.files_missing", count=len(missing), first=missing[0])
    return done + "\n" + line


def rules_problem_line(active: ActiveRules) -> str | None:
    """Why the county's rules.toml was refused and what is used instead, or None when it was not."""
    from fazhi_tui.services.checklist import problem_text

    if active.problem is None:
        return None
    fallback = t("checklist.fallback_last_good" if active.source == "last-good" else "checklist.fallback_builtin")
    return t("checklist.rules_problem", message=problem_text(active.problem), fallback=fallback)


# -- the folder of the last USB exchange ---------------------------------------------------------------


def last_folder(home: Home) -> Path | None:
    """The folder picked for the last USB exchange (the pickers start there), if any."""
    try:
        text = home.last_folder.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return Path(text) if text else None


def remember_folder(home: Home, folder: Path) -> None:
    try:
        atomic_write_text(home.last_folder, str(folder))
    except OSError:
        pass  # only a convenience
