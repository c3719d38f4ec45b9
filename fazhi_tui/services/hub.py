"""A hub's (county or city) use cases, one function per user action, called by both the
command line (``fazhi-tui hub ...``) and the hub's screens (exchange, matrix ``x``, catalog).

The hub's sync steps themselves live in :mod:`fazhi_tui.sync`; here they are put together
as the user asks for them, with the words both callers show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from fazhi_tui.base.config import Config, HubConfig, load_config, save_config
from fazhi_tui.base.i18n import kind_label, t
from fazhi_tui.base.paths import Home
from fazhi_tui.base.progress import Progress, steps
from fazhi_tui.services import sheets
from fazhi_tui.services.catalog_import import PURPOSE, CatalogPreview, catalog_specs, preview_file, store_catalog
from fazhi_tui.services.checklist import ActiveRules, Matrix, evidence_labels, hub_matrix, load_active_rules
from fazhi_tui.services.errors import ActionRefused
from fazhi_tui.services.hub_report import write_report
from fazhi_tui.services.verdicts import import_lines
from fazhi_tui.storage.store import Store
from fazhi_tui.sync.export import ExportResult, export_up
from fazhi_tui.sync.hub import changes_between, enroll_member, hub_config, import_bundles, publish
from fazhi_tui.sync.hub.common import owner_only

__all__ = [
    "HUB_REPORT_FORMATS",
    "is_silent",
    "init_hub",
    "enrol_member",
    "import_up_files",
    "publish_bundles",
    "export_hub_bundle",
    "matrix_now",
    "HubReport",
    "hub_report",
    "save_hub_report",
    "change_lines",
    "check_catalog_allowed",
    "preview_catalog",
    "catalog_preview_lines",
    "mapping_needed_lines",
    "store_previewed_catalog",
]

HUB_REPORT_FORMATS = ("xlsx", "csv", "json")


def init_hub(home: Home, code: str, name: str, level: str = "county") -> str:
    """Make ``home`` a hub of ``level`` ("county": 6-digit code, "city": 4-digit); the line
    saying so. Running it again on the same hub changes nothing."""
    from fazhi_tui.base.division import check_city_code, check_county_code

    checked = (check_county_code if level == "county" else check_city_code)(code)
    if checked is None:
        raise ActionRefused("cli.bad_code", usage=True, code=code)
    existing = load_config(home.config)
    if existing is not None and (existing.hub is None or existing.hub.code != checked):
        raise ActionRefused("cli.hub_exists", home=home.config_dir)
    from fazhi_tui.base.lock import home_lock

    home.ensure()
    with home_lock(home.data_dir, "fazhi-tui hub init"):
        save_config(home.config, Config(hub=HubConfig(level, checked, name.strip())))
        Store.open(home.database, home.backups).close()
        owner_only(home)  # the hub's database, keys and archive: the owner's only
    return t("sync.hub_ready", name=name, code=checked, home=home.data_dir)


def enrol_member(home: Home, config: Config, store: Store, code: str, name: str, folder: Path, *, another_device: bool = False) -> str:
    """Enrol (or re-enrol) a member office and write its enrolment file into ``folder``;
    ``another_device``: one more PC of an enrolled member (the PCs it has stay enrolled)."""
    from fazhi_tui.base.division import check_county_code, check_township_code

    hub = hub_config(config).hub
    check = check_township_code if hub.level == "county" else check_county_code
    checked = check(code)
    if checked is None or not checked.startswith(hub.code):
        raise ActionRefused("cli.bad_member_code", usage=True, code=code, hub=hub.code)
    path, generation = enroll_member(home, config, store, checked, name.strip(), folder, another_device=another_device)
    return t("sync.enrol_written", path=path, code=checked, generation=generation)


def import_up_files(
    home: Home, config: Config, store: Store, paths: Sequence[Path | str], *, dry_run: bool = False, detail: bool = False,
    progress: Progress | None = None,
) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Check and import up-bundles one by one (committed in batches: sync/hub/importing.py
    ``import_bundles``): for each, its verdict and its (verdict, line)s
    (the verdict, then any gap in the device's numbers). ``detail`` names the file as given
    and adds the technical reason of a refusal (the command line); otherwise the file's name.
    ``progress`` is told after each file (base/progress.py)."""
    for name, outcome in import_bundles(home, config, store, steps(paths, progress, lambda name: Path(name).name), dry_run=dry_run):
        shown = str(name) if detail else Path(name).name
        yield outcome.verdict, import_lines(outcome, shown, dry_run=dry_run, detail=detail)


def publish_bundles(home: Home, config: Config, store: Store, folder: Path) -> list[str]:
    """Write one down-bundle per member into ``folder``; a line for each."""
    return [t("sync.published", path=path) for path in publish(home, config, store, folder)]


def export_hub_bundle(home: Home, config: Config, store: Store, folder: Path, *, full: bool = False) -> ExportResult:
    """This hub's own up-bundle for the level above."""
    return export_up(home, hub_config(config), store, folder, full=full)


def is_silent(last_import: str | None, today: dt.date, interval_days: int) -> bool:
    """Never heard from, or no bundle within the configured interval."""
    if not last_import:
        return True
    return (today - dt.date.fromisoformat(last_import[:10])).days > interval_days


# -- the matrix and its report ------------------------------------------------------------------------


def matrix_now(home: Home, config: Config, store: Store, *, year: int, on: dt.date) -> tuple[ActiveRules, Matrix]:
    """The rules in force (with why the county's own were refused, if they were) and every
    township's results against them."""
    active = load_active_rules(home)
    return active, hub_matrix(store, active.ruleset, config, year=year, on=on)


@dataclass(frozen=True)
class HubReport:
    path: Path
    active: ActiveRules


def hub_report(home: Home, config: Config, store: Store, path: Path, *, fmt: str = "xlsx", year: int, on: dt.date) -> HubReport:
    """The matrix and each rule's evidence written to ``path`` as xlsx, csv or json (raises OSError)."""
    if fmt not in HUB_REPORT_FORMATS:
        raise ValueError(fmt)
    hub = hub_config(config).hub
    active, matrix = matrix_now(home, config, store, year=year, on=on)
    labels = evidence_labels(store, [r for row in matrix.rows for r in row.results]) if fmt == "xlsx" else {}
    from fazhi_tui.storage.attachments import counts_by_record

    files = counts_by_record(store.db)  # evidence files: each rule counts its records that have some
    write_report(path, fmt, matrix, {"level": hub.level, "code": hub.code, "name": hub.name}, labels, files)
    return HubReport(path, active)


def save_hub_report(home: Home, config: Config, store: Store, *, year: int, on: dt.date) -> HubReport:
    """The xlsx report, saved in the home's reports folder."""
    hub = hub_config(config).hub
    path = home.reports / f"hub-{hub.code}-{year}-{on.isoformat()}.xlsx"
    return hub_report(home, config, store, path, fmt="xlsx", year=year, on=on)


def change_lines(store: Store, since: dt.date | None = None, until: dt.date | None = None) -> list[str]:
    """What imports added, changed and deleted, per township and kind, between two days."""
    rows = changes_between(store, since.isoformat() if since else None, until.isoformat() if until else None)
    names = store.hub_offices()
    lines = [t("changes.header")]
    for row in rows:
        name = names.get(row.township, {}).get("name", row.township)
        lines.append(t("changes.line", code=row.township, name=name, kind=kind_label(row.kind),
                       added=row.added, changed=row.changed, deleted=row.deleted))
    if not rows:
        lines.append(t("changes.none"))
    return lines


# -- the delegated-items catalog ----------------------------------------------------------------------


def check_catalog_allowed(config: Config) -> None:
    """Only a county publishes a catalog (raises ActionRefused at a city)."""
    if hub_config(config).hub.level != "county":
        raise ActionRefused("err.catalog_city")


def preview_catalog(
    config: Config, store: Store, path: Path | str, *, given: dict[str, str] | None = None, home: Home | None = None
) -> CatalogPreview:
    """Read the catalog file and check every row (raises CatalogError when the file is not
    a catalog, MappingNeeded when its code or name column must be pointed at). ``given``:
    field → header (the user's mapping); ``home``: use the mappings remembered there."""
    check_catalog_allowed(config)
    remembered = sheets.remembered_maps(home.data_dir) if home is not None else None
    return preview_file(store, path, given=given, remembered=remembered)


def catalog_preview_lines(preview: CatalogPreview, name: str) -> list[tuple[str, str]]:
    """(verdict, line): the counts, the columns used and the defaults stated, then each
    refused row ("refused")."""
    lines = [("info", t("catalog.preview", path=name, good=len(preview.good), refused=len(preview.refused)))]
    if preview.colmap is not None:
        lines += [("info", line) for line in sheets.mapping_lines(preview.colmap, catalog_specs())]
    lines += [("refused", row.line()) for row in preview.refused]
    return lines


def mapping_needed_lines(error: sheets.MappingNeeded) -> list[str]:
    """What to tell when needed columns have no header the words know: the fields, each
    column of the header row with samples, and how to say which is which."""
    lines = [error.message(), t("sheet.columns_found", row=error.colmap.header_row)]
    lines += ["  " + column.describe() for column in error.colmap.all_columns]
    lines.append(t("sheet.map_hint", fields=", ".join(f"{s.name}（{s.title}）" for s in error.specs)))
    return lines


def store_previewed_catalog(store: Store, preview: CatalogPreview, *, home: Home | None = None) -> str:
    """Store the good rows of a preview for the next publish; the line saying so. With
    ``home``, a mapping the user gave or confirmed is remembered for files with the same headers."""
    line = t("catalog.stored", count=store_catalog(store, preview))
    colmap = preview.colmap
    if home is not None and preview.good and colmap is not None and any(h in ("given", "remembered") for h in colmap.how.values()):
        sheets.remember_map(home.data_dir, colmap, PURPOSE, preview.rows)
    return line
