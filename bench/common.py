"""Shared pieces of the benchmark suite: data sets, timing, references, result rows.

Every figure is reported twice: as the absolute median, and as a ratio to a reference
measured in the same run on the same machine (the machines are shared and noisy, so the
ratio is the figure to compare between runs). Two kinds of reference are used:

* a *like-for-like* reference where one exists: a bare Textual app that shows one
  static line (start, typing, memory);
* otherwise the *calibration unit* (``calibrate``): a fixed mix of pure Python, JSON
  and SQLite work (about 40 ms here), timed a few times in the same child process
  right before the measurement. "× cal" is then machine-neutral: on a machine twice
  as slow both figures double.

Data sets live in a work folder (``--work DIR``, default ``bench/.work``) and are built
once: the target township (10 years, 20,000 records), a county hub holding 20 such
townships, and so on. Delete the folder to rebuild them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The program measured: this checkout, or another copy of its source (FAZHI_BENCH_SOURCE,
# e.g. `git archive HEAD fazhi_tui schema.sql | tar -x -C /tmp/before`) for before/after.
SOURCE = Path(os.environ.get("FAZHI_BENCH_SOURCE") or ROOT).resolve()
if str(SOURCE) not in sys.path:
    sys.path.insert(0, str(SOURCE))

PY = sys.executable
TODAY = dt.date(2026, 11, 27)  # the demo data's "today": fixed, so every run builds the same data
YEAR = TODAY.year
COUNTY, COUNTY_NAME = "640302", "利通区"
TOWNSHIP = "640302100"  # the target township
YEARS, RECORDS = 10, 20000
MATRIX_TOWNSHIPS = 20
DEFAULT_WORK = ROOT / "bench" / ".work"


# -- results -------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the results table."""

    target: str  # "1 start", "2 typing", ...
    what: str
    median: float  # seconds, or MB for memory
    unit: str  # "s" or "MB"
    reference: str  # what the ratio is relative to
    ref_median: float
    limit: str  # the target, as text
    ok: bool | None  # None: a figure reported, no target
    command: str
    n: int = 0  # samples behind the median
    extra: dict = field(default_factory=dict)

    def ref_unit(self) -> str:
        return self.extra.get("ref_unit") or ("MB" if self.unit == "MB" else "s")

    def shows_ratio(self) -> bool:
        """A ratio is printed where figure and reference are of one kind (time, memory, a rate vs a rate)."""
        return self.unit in ("s", "MB") or self.unit == self.ref_unit()

    @property
    def ratio(self) -> float:
        return self.median / self.ref_median if self.ref_median else float("nan")

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def emit(rows: list[Row]) -> None:
    """A module run as a child prints its rows as JSON lines after this marker."""
    print("#BENCH-ROWS")
    for row in rows:
        print(row.to_json())
    sys.stdout.flush()


def parse_rows(text: str) -> list[Row]:
    lines = text.split("#BENCH-ROWS", 1)[-1].strip().splitlines()
    return [Row(**json.loads(line)) for line in lines if line.startswith("{")]


def fmt_value(value: float, unit: str) -> str:
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "/s":
        return f"{value:.1f} /s"
    if unit == "GB":
        return f"{value:.2f} GB"
    if value >= 10:
        return f"{value:.1f} s"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms"


def fmt_ratio(ratio: float) -> str:
    return f"{ratio:.3f}×" if ratio < 0.1 else f"{ratio:.2f}×"


def table(rows: list[Row]) -> str:
    head = ("target", "what", "median", "reference", "ref median", "ratio", "limit", "met")
    body = []
    for r in rows:
        met = "—" if r.ok is None else ("yes" if r.ok else "NO")
        body.append(
            (r.target, r.what, fmt_value(r.median, r.unit), r.reference, fmt_value(r.ref_median, r.ref_unit()),
             fmt_ratio(r.ratio) if r.shows_ratio() else "—", r.limit, met)
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    lines = [" | ".join(str(x).ljust(w) for x, w in zip(head, widths))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(str(x).ljust(w) for x, w in zip(line, widths)) for line in body]
    return "\n".join(lines)


def markdown(rows: list[Row]) -> str:
    """The table as Markdown (what bench/RESULTS.md holds), with each row's command."""
    head = ("target", "what", "median", "reference (same run)", "ref median", "ratio", "limit", "met", "n", "command")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        met = "—" if r.ok is None else ("**yes**" if r.ok else "**NO**")
        cells = (r.target, r.what, fmt_value(r.median, r.unit), r.reference, fmt_value(r.ref_median, r.ref_unit()),
                 fmt_ratio(r.ratio) if r.shows_ratio() else "—", r.limit, met, str(r.n or ""), f"`{r.command}`")
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


# -- timing --------------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(fn: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Wall times of ``repeat`` calls of ``fn`` after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _calibration_work() -> None:
    rows = [(i, f"记录{i:05d}", i * 7 % 1000, "2026-01-%02d" % (i % 28 + 1)) for i in range(8000)]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER, d TEXT)")
    with conn:
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
    fetched = [dict(zip(("id", "name", "n", "d"), r)) for r in conn.execute("SELECT * FROM t ORDER BY d, n")]
    conn.close()
    text = json.dumps(fetched, ensure_ascii=False)
    back = json.loads(text)
    sorted(back, key=lambda r: (r["n"], r["name"]))


def calibrate(repeat: int = 7) -> float:
    """Median seconds of the calibration unit (see the module docstring)."""
    return median(timed(_calibration_work, repeat, warmup=2))


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def wait_for_quiet(limit: float = 1.0, patience: float = 60.0) -> float:
    """Wait (up to ``patience`` s) until the 1-minute load average is below ``limit``."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline and os.getloadavg()[0] >= limit:
        time.sleep(2)
    return os.getloadavg()[0]


def machine() -> dict[str, str]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import textual

        textual_version = textual.__version__
    except ImportError:  # pragma: no cover
        textual_version = "?"
    return {
        "nproc": str(os.cpu_count()),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "textual": textual_version,
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def run_child(args: list[str], timeout: float = 3600) -> list[Row]:
    """Run ``python bench/<module>.py ARGS --json`` and return its rows."""
    result = subprocess.run([PY, *args, "--json"], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return parse_rows(result.stdout)


# -- data sets -----------------------------------------------------------------------------------


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


def cli(*argv: object) -> None:
    from fazhi_tui.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main([str(a) for a in argv])
    if code != 0:
        raise RuntimeError(f"fazhi-tui {' '.join(map(str, argv))} → {code}: {out.getvalue()}")


def work_dir(path: str | os.PathLike | None = None) -> Path:
    folder = Path(path or os.environ.get("FAZHI_BENCH_WORK") or DEFAULT_WORK).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def township_name(code: str) -> str:
    return f"示范镇{code[-3:]}"


def build_township(folder: Path, code: str = TOWNSHIP, years: int = YEARS, records: int | None = RECORDS) -> Path:
    """A demo township (``fazhi-tui demo``) in ``folder``, built once."""
    from fazhi_tui.base.paths import resolve_home
    from fazhi_tui.services.demo import build_demo

    if (folder / "fazhi.db").exists() and (folder / ".complete").exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    build_demo(resolve_home(folder), township=code, years=years, records=records, today=TODAY)
    (folder / ".complete").write_text("ok")
    return folder


def target_township(work: Path) -> Path:
    """The township of targets 1-5: `fazhi-tui demo --years 10 --records 20000` (640302100)."""
    return build_township(work / "township")


def make_hub(folder: Path, code: str = COUNTY, name: str = COUNTY_NAME) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    cli("hub", "init", code, "--name", name, "--home", folder)
    return folder


def enrol(hub: Path, township: Path, code: str, usb: Path) -> None:
    usb.mkdir(parents=True, exist_ok=True)
    cli("hub", "enroll", code, "--name", township_name(code), "--to", usb, "--home", hub)
    cli("enroll", usb / f"fazhi-enrol-{code}.json", "--home", township)


def office(folder: Path):
    """(home, config, store) of an office folder; close the store when done."""
    from fazhi_tui.base.config import load_config
    from fazhi_tui.base.paths import resolve_home
    from fazhi_tui.storage.store import Store

    home = resolve_home(folder)
    config = load_config(home.config)
    return home, config, Store.open(home.database, home.backups)


def sync_world(work: Path) -> tuple[Path, Path, Path]:
    """(hub, township, usb): a county hub and the target township enrolled with it (built once;
    copies of the township so target 1-4's copy is never touched)."""
    root = work / "sync"
    hub, town, usb = root / "hub", root / "township", root / "usb"
    if (root / ".complete").exists():
        return hub, town, usb
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copytree(target_township(work), town)
    make_hub(hub)
    enrol(hub, town, TOWNSHIP, usb)
    (root / ".complete").write_text("ok")
    return hub, town, usb


def matrix_hub(work: Path, townships: int = MATRIX_TOWNSHIPS, years: int = YEARS, records: int | None = RECORDS) -> Path:
    """A county hub holding ``townships`` demo townships (10 years, 20,000 records each unless
    told), each exported in full and imported through the real code paths. Built once."""
    from fazhi_tui.sync.export import export_up
    from fazhi_tui.sync.hub import import_bundle

    label = f"matrix-{townships}x{records or 'default'}x{years}y"
    root = work / label
    hub = root / "hub"
    if (root / ".complete").exists():
        return hub
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    make_hub(hub)
    usb = root / "usb"
    for i in range(townships):
        code = f"{COUNTY}{100 + i:03d}"
        town = build_township(root / "towns" / code, code, years, records)
        enrol(hub, town, code, usb)
        home, config, store = office(town)
        try:
            result = export_up(home, config, store, usb, full=True)
        finally:
            store.close()
        hub_home, hub_config, hub_store = office(hub)
        try:
            outcome = import_bundle(hub_home, hub_config, hub_store, result.path)
        finally:
            hub_store.close()
        if outcome.verdict != "imported":
            raise RuntimeError(f"{code}: {outcome.verdict} {outcome.error}")
        shutil.rmtree(root / "towns" / code)
        result.path.unlink()
    (root / ".complete").write_text("ok")
    return hub


def common_args(parser) -> None:
    parser.add_argument("--work", default=None, help=f"folder for the data sets (default {DEFAULT_WORK})")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--json", action="store_true", help="print rows as JSON lines (used by run.py)")


def report(rows: list[Row], as_json: bool) -> None:
    if as_json:
        emit(rows)
    else:
        print(table(rows))
