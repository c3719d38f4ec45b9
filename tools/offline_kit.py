"""Build an offline installation kit: a folder to copy onto a USB stick.

    python tools/offline_kit.py --to DIR [--platform this|all|windows|linux] [--from-wheels DIR]

The kit holds the program's wheel, every dependency as a wheel for each target platform,
a pip wheel (to install with, even where the PC's Python has no pip), and the scripts that
install it with no network at all:

    install.bat / install.sh [--portable] [FOLDER]

They create a virtual environment (``FOLDER\\venv``), install into it from the kit folder
alone (``pip install --no-index --find-links KIT fazhi-tui``) and put the launchers in
place: ``fazhi-tui.bat`` / ``fazhi-tui`` (arguments are passed on) and
``fazhi-tui-portable.bat`` / ``fazhi-tui-portable.sh``, which keep all data in ``data``
beside the launcher (``--home``). With ``--portable`` everything goes into the kit folder
itself, so the program and its data stay on the stick.

Targets: ``all`` is Windows x86-64 and Linux x86-64 (manylinux, glibc 2.28 or newer), each
for CPython 3.11, 3.12 and 3.13 (the range of requires-python); ``this`` is the interpreter
running this script.

Every kit is built from the lock kept in the repository, ``requirements/kit.lock``: exact
versions with the sha256 of every wheel allowed (a pip requirements file). The wheels come
from the package index (``pip download --require-hashes`` for each target) or from a local
folder (``--from-wheels DIR``, only files whose hash the lock names are taken). The kit gets
a copy of the lock with the program's own wheel added, ``requirements.lock``, and its
install scripts install with ``pip install --require-hashes -r requirements.lock``: a file
changed on the stick is refused. Two kits of one release hold the same dependencies.

``--update-lock`` resolves the dependencies afresh instead (the newest wheels for each
target), checks the kit is complete, and rewrites the lock from its wheels: review the
difference and commit it.

Either way the kit is checked: every requirement of the program, with the markers and
wheel tags of each target evaluated for that target (not for the PC building the kit),
must be met by a wheel in the kit, and every entry of the lock a target needs must have a
wheel of its hashes for that target. A kit that is not complete is refused (exit 1)
unless ``--allow-incomplete`` is given. The guide (``docs/``) and ``config.example.toml``
travel in the kit.
"""

from __future__ import annotations

import argparse
import email.parser
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

try:  # a dependency of hatchling and of many tools; pip always carries a copy
    from packaging import tags as pkg_tags
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from packaging.version import Version
except ImportError:  # pragma: no cover - only without the packaging distribution
    from pip._vendor.packaging import tags as pkg_tags  # type: ignore[no-redef]
    from pip._vendor.packaging.markers import default_environment  # type: ignore[no-redef]
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.specifiers import SpecifierSet  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name, parse_wheel_filename  # type: ignore[no-redef]
    from pip._vendor.packaging.version import Version  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "fazhi-tui"
MARKER_FILE = ".fazhi-kit"  # marks a folder this script made, so a rebuild may clear its wheels

# manylinux_2_28 (glibc 2.28: UOS 20, Kylin V10, Debian 10, Ubuntu 20.04, RHEL 8 and newer)
# and every older manylinux tag it accepts.
MANYLINUX = (
    *(f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1)),
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
)


class KitError(Exception):
    """A message for the person building the kit; the script exits 1."""


# ---------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One platform and Python version the kit must install on."""

    key: str
    label: str
    platforms: tuple[str, ...] = ()  # empty: the running interpreter
    python: tuple[int, int] | None = None
    system: str = ""  # "Windows" or "Linux" for a foreign target

    @property
    def is_this(self) -> bool:
        return self.python is None

    def environment(self) -> dict[str, str]:
        """The values of the environment markers (PEP 508) on this target."""
        if self.is_this:
            return dict(default_environment())
        version = "%d.%d" % self.python
        windows = self.system == "Windows"
        return {
            "implementation_name": "cpython",
            "implementation_version": f"{version}.0",
            "os_name": "nt" if windows else "posix",
            "platform_machine": "AMD64" if windows else "x86_64",
            "platform_release": "",
            "platform_system": self.system,
            "platform_version": "",
            "python_full_version": f"{version}.0",
            "platform_python_implementation": "CPython",
            "python_version": version,
            "sys_platform": "win32" if windows else "linux",
        }

    def python_version(self) -> str:
        return self.environment()["python_full_version"]

    def tags(self) -> set:
        """The wheel tags an interpreter of this target accepts."""
        if self.is_this:
            return set(pkg_tags.sys_tags())
        interpreter = "cp%d%d" % self.python
        platforms = list(self.platforms)
        return {
            *pkg_tags.cpython_tags(self.python, platforms=platforms),
            *pkg_tags.compatible_tags(self.python, interpreter, platforms),
        }

    def pip_flags(self) -> list[str]:
        """``pip download`` options that select wheels for this target."""
        if self.is_this:
            return ["--only-binary=:all:"]
        flags = ["--only-binary=:all:", "--implementation", "cp", "--python-version", "%d.%d" % self.python]
        for platform in self.platforms:
            flags += ["--platform", platform]
        return flags


def this_target() -> Target:
    import platform

    system = {"win32": "Windows", "linux": "Linux", "darwin": "macOS"}.get(sys.platform, sys.platform)
    label = f"{system} {platform.machine()}, {platform.python_implementation()} %d.%d (this computer)" % sys.version_info[:2]
    return Target("this", label)


def foreign_target(system: str, python: tuple[int, int]) -> Target:
    platforms = ("win_amd64",) if system == "Windows" else MANYLINUX
    return Target(f"{system.lower()}-cp%d%d" % python, f"{system} x86-64, CPython %d.%d" % python, platforms, python, system)


# The Python versions a kit for Windows or Linux installs on: the same range as
# requires-python in pyproject.toml, the README and the guide.
PYTHONS = ((3, 11), (3, 12), (3, 13))


def targets_for(choice: str) -> list[Target]:
    if choice == "this":
        return [this_target()]
    systems = {"all": ("Windows", "Linux"), "windows": ("Windows",), "linux": ("Linux",)}[choice]
    return [foreign_target(system, python) for system in systems for python in PYTHONS]


# ---------------------------------------------------------------------------------------
# Reading wheels and checking that a kit is complete
# ---------------------------------------------------------------------------------------


@dataclass
class Wheel:
    path: Path
    name: str  # canonical
    version: Version
    tags: frozenset
    requires_python: SpecifierSet | None
    requires: list[Requirement] = field(default_factory=list)


def read_wheel(path: Path) -> Wheel:
    """The name, version, tags and requirements of a wheel file (its METADATA)."""
    try:
        name, version, _build, tags = parse_wheel_filename(path.name)
    except Exception as exc:  # packaging raises InvalidWheelFilename
        raise KitError(f"{path.name}: not a wheel file name ({exc})") from exc
    try:
        with zipfile.ZipFile(path) as archive:
            metadata_names = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1]
            if len(metadata_names) != 1:
                raise KitError(f"{path.name}: no single .dist-info/METADATA inside")
            text = archive.read(metadata_names[0]).decode("utf-8")
    except (OSError, zipfile.BadZipFile) as exc:
        raise KitError(f"{path.name}: cannot be read as a wheel ({exc})") from exc
    message = email.parser.HeaderParser().parsestr(text)
    requires_python = message.get("Requires-Python")
    requires = [Requirement(line) for line in message.get_all("Requires-Dist") or []]
    return Wheel(
        path=path,
        name=canonicalize_name(name),
        version=version,
        tags=frozenset(tags),
        requires_python=SpecifierSet(requires_python) if requires_python else None,
        requires=requires,
    )


def read_wheels(folder: Path) -> list[Wheel]:
    return [read_wheel(path) for path in sorted(folder.glob("*.whl"))]


@dataclass
class Missing:
    requirement: str
    wanted_by: str
    found: list[str]  # wheels of that name in the kit that do not fit this target

    def describe(self) -> str:
        text = f"{self.requirement} (needed by {self.wanted_by})"
        if self.found:
            text += "; the kit has only " + ", ".join(self.found)
        return text


def missing_for(target: Target, wheels: list[Wheel], root: str) -> list[Missing]:
    """What the requirement ``root`` needs on ``target`` that no wheel in ``wheels`` gives."""
    return resolve_for(target, wheels, root)[1]


def resolve_for(target: Target, wheels: list[Wheel], root: str) -> tuple[list[Wheel], list[Missing]]:
    """The wheels ``target`` installs for the requirement ``root``, and what is missing.

    Requirements are followed from ``root`` through each chosen wheel's Requires-Dist,
    with markers evaluated for the target (extras included), and a wheel counts only if
    its tags and Requires-Python fit the target. The newest fitting version is followed.
    """
    environment = target.environment()
    accepted = target.tags()
    python = target.python_version()

    def fits(wheel: Wheel) -> bool:
        if not wheel.tags & accepted:
            return False
        return wheel.requires_python is None or wheel.requires_python.contains(python, prereleases=True)

    by_name: dict[str, list[Wheel]] = {}
    for wheel in wheels:
        by_name.setdefault(wheel.name, []).append(wheel)

    missing: list[Missing] = []
    chosen: dict[str, Wheel] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    queue: list[tuple[Requirement, str]] = [(Requirement(root), "the kit")]
    while queue:
        requirement, wanted_by = queue.pop(0)
        name = canonicalize_name(requirement.name)
        candidates = [
            w for w in by_name.get(name, []) if fits(w) and requirement.specifier.contains(w.version, prereleases=True)
        ]
        if not candidates:
            found = [w.path.name for w in by_name.get(name, [])]
            missing.append(Missing(str(requirement), wanted_by, found))
            continue
        extras = frozenset(canonicalize_name(e) for e in requirement.extras)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        best = max(candidates, key=lambda w: w.version)
        chosen.setdefault(name, best)
        for dependency in best.requires:
            if dependency.marker is None or any(
                dependency.marker.evaluate({**environment, "extra": extra}) for extra in ("", *sorted(extras))
            ):
                queue.append((dependency, f"{best.name} {best.version}"))
    return list(chosen.values()), missing


# ---------------------------------------------------------------------------------------
# The lock: exact versions and hashes, kept in the repository
# ---------------------------------------------------------------------------------------

LOCK = ROOT / "requirements" / "kit.lock"
KIT_LOCK_NAME = "requirements.lock"  # the kit's copy, with the program's own wheel added


@dataclass
class LockEntry:
    """One line of a lock: ``name==version ; marker`` with the sha256 of every wheel allowed."""

    name: str  # canonical
    version: str
    hashes: set[str] = field(default_factory=set)
    marker: str | None = None

    def applies_to(self, target: Target) -> bool:
        if not self.marker:
            return True
        return Requirement(f"{self.name}=={self.version}; {self.marker}").marker.evaluate(target.environment())

    def line(self, with_marker: bool = True) -> str:
        head = f"{self.name}=={self.version}"
        if with_marker and self.marker:
            head += f" ; {self.marker}"
        return " \\\n".join([head, *(f"    --hash=sha256:{digest}" for digest in sorted(self.hashes))])


def sha256_of(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_lock(path: Path) -> list[LockEntry]:
    """The entries of a pip requirements file with hashes (continuation lines joined)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KitError(f"cannot read the lock {path}: {exc}") from exc
    entries: list[LockEntry] = []
    for number, logical in _logical_lines(text):
        tokens = logical.split()
        hashes = {t.split("=", 1)[1] for t in tokens if t.startswith("--hash=")}
        spec = " ".join(t for t in tokens if not t.startswith("--hash="))
        try:
            requirement = Requirement(spec)
        except Exception as exc:  # packaging's InvalidRequirement
            raise KitError(f"{path.name} line {number}: {exc}") from exc
        pins = list(requirement.specifier)
        if len(pins) != 1 or pins[0].operator != "==" or not hashes:
            raise KitError(f"{path.name} line {number}: every entry needs name==version and --hash=sha256:...")
        bad = [h for h in hashes if not h.startswith("sha256:") or len(h) != 71]
        if bad:
            raise KitError(f"{path.name} line {number}: not a sha256 hash: {bad[0]}")
        entries.append(
            LockEntry(canonicalize_name(requirement.name), pins[0].version, {h[7:] for h in hashes},
                      str(requirement.marker) if requirement.marker else None)
        )
    return entries


def _logical_lines(text: str):
    buffer, start = "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
        if not buffer:
            start = number
        if line.rstrip().endswith("\\"):
            buffer += line.rstrip()[:-1] + " "
            continue
        buffer += line
        if buffer.strip():
            yield start, buffer.strip()
        buffer = ""
    if buffer.strip():
        yield start, buffer.strip()


def _target_marker(target: Target) -> str:
    environment = target.environment()
    return f'sys_platform == "{environment["sys_platform"]}" and python_version == "{environment["python_version"]}"'


def lock_from_kit(kit: Path, targets: list[Target], root: str) -> list[LockEntry]:
    """What each target installs from the kit's wheels, as lock entries: one per name and
    version, with the hashes of the wheels the targets take and a marker naming the
    targets when not all of them need it."""
    wheels = read_wheels(kit)
    users: dict[tuple[str, str], set[str]] = {}
    files: dict[tuple[str, str], set[Path]] = {}
    root_name = canonicalize_name(Requirement(root).name)
    for target in targets:
        chosen, missing = resolve_for(target, wheels, root)
        if missing:
            raise KitError(f"cannot lock: {target.label} has no wheel for " + "; ".join(m.describe() for m in missing))
        for wheel in chosen:
            if wheel.name == root_name:
                continue
            key = (wheel.name, str(wheel.version))
            users.setdefault(key, set()).add(target.key)
            # every wheel of that version that fits the target: pip may take any of them
            for other in wheels:
                if (other.name, str(other.version)) == key and other.tags & target.tags():
                    files.setdefault(key, set()).add(other.path)
    everyone = {t.key for t in targets}
    by_key = {t.key: t for t in targets}
    entries = []
    for key in sorted(users):
        marker = None
        if users[key] != everyone:
            marker = " or ".join(f"({_target_marker(by_key[k])})" for k in sorted(users[key]))
        entries.append(LockEntry(key[0], key[1], {sha256_of(p) for p in files[key]}, marker))
    return entries


def write_lock(path: Path, entries: list[LockEntry], targets: list[Target], extra: list[LockEntry] = ()) -> None:
    header = [
        f"# The exact versions and hashes every offline kit of {PROJECT} is built from and installs",
        "# with (pip install --require-hashes). Made by: python tools/offline_kit.py --update-lock",
        "# Targets with wheels here: " + "; ".join(t.label.replace(" (this computer)", "") for t in targets),
        "# A kit for another target needs its wheels' hashes added: run --update-lock on a PC that",
        "# can download them, check the difference, commit it.",
        "",
    ]
    body = [entry.line() for entry in [*entries, *extra]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(header + body) + "\n", encoding="utf-8")


def lock_problems(kit: Path, targets: list[Target], entries: list[LockEntry]) -> list[str]:
    """What in the kit does not agree with the lock, per target: an entry the target needs
    with no wheel of those hashes that fits it."""
    wheels = [(w, sha256_of(w.path)) for w in read_wheels(kit)]
    problems = []
    for target in targets:
        accepted = target.tags()
        for entry in entries:
            if not entry.applies_to(target):
                continue
            fits = [w for w, digest in wheels if w.name == entry.name and digest in entry.hashes and w.tags & accepted]
            if not fits:
                problems.append(f"{target.label}: the lock names {entry.name}=={entry.version} but the kit has no wheel "
                                "of its hashes for this target (add its hashes with --update-lock)")
    return problems


# ---------------------------------------------------------------------------------------
# Building the kit
# ---------------------------------------------------------------------------------------


def run_pip(args: list[str], what: str) -> None:
    command = [sys.executable, "-m", "pip", *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        tail = "\n".join("    " + line for line in output[-15:])
        raise KitError(f"{what} failed (pip exit {result.returncode}):\n{tail}")


def prepare_folder(kit: Path) -> None:
    """An empty folder, or one this script made before (its wheels are cleared)."""
    if kit.exists() and not kit.is_dir():
        raise KitError(f"{kit} is a file, not a folder")
    if kit.is_dir() and any(kit.iterdir()):
        if not (kit / MARKER_FILE).exists():
            raise KitError(f"{kit} is not empty and is not a kit made by this script: choose an empty or new folder")
        for old in kit.glob("*.whl"):
            old.unlink()
    kit.mkdir(parents=True, exist_ok=True)
    (kit / MARKER_FILE).write_text("made by tools/offline_kit.py; a rebuild replaces the wheels here\n", encoding="utf-8")


def build_project_wheel(into: Path) -> Path:
    """``pip wheel --no-deps`` of this repository (offline when hatchling is installed)."""
    import importlib.util

    scratch = Path(tempfile.mkdtemp(prefix="fazhi-kit-"))
    try:
        args = ["wheel", "--no-deps", "-q", "-w", str(scratch), str(ROOT)]
        if importlib.util.find_spec("hatchling") is not None:
            args[1:1] = ["--no-build-isolation", "--no-index"]
        else:
            print("  hatchling is not installed here: pip fetches it to build the wheel (needs the network)")
        run_pip(args, f"Building the {PROJECT} wheel")
        built = list(scratch.glob("fazhi_tui-*.whl"))
        if len(built) != 1:
            raise KitError(f"Building the {PROJECT} wheel gave {len(built)} wheel files")
        target = into / built[0].name
        shutil.copy2(built[0], target)
        return target
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def copy_local_wheels(source: Path, kit: Path, entries: list[LockEntry] | None = None) -> int:
    """Copy the wheels of ``source`` into the kit: with a lock, only those whose sha256 the
    lock names (any other file, or a changed one, is left out and said so)."""
    allowed = {digest for entry in entries for digest in entry.hashes} if entries is not None else None
    count, skipped = 0, []
    for wheel in sorted(source.glob("*.whl")):
        if wheel.name.startswith("fazhi_tui-"):
            continue  # the program's own wheel is always built from this checkout
        if allowed is not None and sha256_of(wheel) not in allowed:
            skipped.append(wheel.name)
            continue
        shutil.copy2(wheel, kit / wheel.name)
        count += 1
    if skipped:
        print(f"  left out {len(skipped)} wheels the lock does not name (or whose hash differs): " + ", ".join(skipped[:8])
              + (" ..." if len(skipped) > 8 else ""))
    return count


def download_locked(targets: list[Target], entries: list[LockEntry], kit: Path) -> None:
    """``pip download --require-hashes`` of the lock's entries for each target: pip checks
    every file against the lock's hashes."""
    for number, target in enumerate(targets, start=1):
        wanted = [entry for entry in entries if entry.applies_to(target)]
        print(f"  [{number}/{len(targets)}] downloading {len(wanted)} locked wheels for {target.label}")
        with tempfile.TemporaryDirectory(prefix="fazhi-lock-") as scratch:
            requirements = Path(scratch) / "requirements.txt"
            requirements.write_text("\n".join(entry.line(with_marker=False) for entry in wanted) + "\n", encoding="utf-8")
            run_pip(
                ["download", "-q", "--disable-pip-version-check", "--no-deps", "--require-hashes", *target.pip_flags(),
                 "--dest", str(kit), "-r", str(requirements)],
                f"Downloading the locked wheels for {target.label} (no network? use --from-wheels DIR)",
            )


DOCS = ("docs/guide.zh.md", "docs/guide.en.md", "config.example.toml")


def copy_docs(kit: Path) -> list[str]:
    """The guide and the documented config example, beside the install scripts."""
    for name in DOCS:
        target = kit / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return list(DOCS)


def bundled_pip_wheels() -> list[Path]:
    """pip wheels that ship with this Python (ensurepip) or the system (Debian's python3-pip-whl)."""
    found: list[Path] = []
    try:
        import ensurepip

        found += sorted((Path(ensurepip.__file__).parent / "_bundled").glob("pip-*.whl"))
    except ImportError:
        pass
    found += sorted(Path("/usr/share/python-wheels").glob("pip-*.whl"))
    return found


def keep_one_pip(kit: Path) -> Path | None:
    """The install scripts bootstrap with ``python pip-X.whl/pip``: keep the newest pip wheel only."""
    wheels = sorted(kit.glob("pip-*.whl"), key=lambda p: read_wheel(p).version)
    for old in wheels[:-1]:
        old.unlink()
    return wheels[-1] if wheels else None


def download(targets: list[Target], project_wheel: Path, kit: Path) -> None:
    for target in targets:
        print(f"  downloading for {target.label}")
        run_pip(
            ["download", "-q", "--disable-pip-version-check", *target.pip_flags(), "--dest", str(kit), str(project_wheel), "pip"],
            f"Downloading the dependencies for {target.label} (no network? use --from-wheels DIR)",
        )


def _without_marker(text: str) -> str:
    """The requirement for ``pip download``, which would evaluate a marker for this PC."""
    requirement = Requirement(text)
    requirement.marker = None
    return str(requirement)


def fill_gaps(targets: list[Target], kit: Path, root: str, may_download: bool) -> dict[str, list[Missing]]:
    """Check every target; download what pip's own resolution left out (pip evaluates
    markers such as ``sys_platform == "win32"`` for the building PC, not the target)."""
    for _round in range(5):
        wheels = read_wheels(kit)
        gaps = {t.key: missing_for(t, wheels, root) for t in targets}
        if not any(gaps.values()) or not may_download:
            return gaps
        for target in targets:
            requirements = sorted({_without_marker(m.requirement) for m in gaps[target.key]})
            if requirements:
                print(f"  downloading for {target.label}: {', '.join(requirements)}")
                run_pip(
                    ["download", "-q", "--disable-pip-version-check", *target.pip_flags(), "--dest", str(kit), *requirements],
                    f"Downloading {', '.join(requirements)} for {target.label}",
                )
    wheels = read_wheels(kit)
    return {t.key: missing_for(t, wheels, root) for t in targets}


# ---------------------------------------------------------------------------------------
# The install scripts and launchers
# ---------------------------------------------------------------------------------------

# Windows batch files are read by cmd.exe in the console's code page: GBK (936) on Chinese
# Windows. They are written in GBK with CRLF line ends, their messages in Chinese and
# English.

INSTALL_BAT = r"""@echo off
rem fazhi-tui 离线安装 / offline installer (Windows)
rem   install.bat              安装到 %LOCALAPPDATA%\Programs\fazhi-tui，并在桌面放 fazhi-tui.bat
rem   install.bat --portable   装在本文件夹（U 盘）里，数据放在旁边的 data 文件夹
rem   install.bat [--portable] 文件夹   装到指定文件夹
rem 不联网：pip install --no-index --find-links 本文件夹 --require-hashes -r requirements.lock
setlocal EnableExtensions
set "KIT=%~dp0"
if "%KIT:~-1%"=="\" set "KIT=%KIT:~0,-1%"
set "MODE=normal"
if /i "%~1"=="--portable" (
    set "MODE=portable"
    shift
)
set "TARGET=%~1"
if "%TARGET%"=="" if "%MODE%"=="portable" set "TARGET=%KIT%"
if "%TARGET%"=="" set "TARGET=%LOCALAPPDATA%\Programs\fazhi-tui"

echo fazhi-tui {version}: 此安装包适用于 / this kit is for: {targets}

rem -- Python {versions_text} ----------------------------------------------------------
set "PYEXE="
set "PYARGS="
set "CHECK=import sys; sys.exit(0 if sys.version_info[:2] in {versions} else 1)"
if defined PYTHON (
    "%PYTHON%" -c "%CHECK%" >nul 2>&1 && set "PYEXE=%PYTHON%"
)
for %%v in ({py_versions}) do (
    if not defined PYEXE (
        py -%%v -c "%CHECK%" >nul 2>&1 && (
            set "PYEXE=py"
            set "PYARGS=-%%v"
        )
    )
)
if not defined PYEXE (
    python -c "%CHECK%" >nul 2>&1 && set "PYEXE=python"
)
if not defined PYEXE (
    echo.
    echo 找不到 Python {versions_text}。请先安装 Python（python.org 的 Windows 安装程序，勾选 Add python.exe to PATH），再运行本程序。
    echo No Python {versions_text} found. Install Python first ^(tick "Add python.exe to PATH"^), then run this again.
    echo 也可以设置 PYTHON=python.exe 的完整路径 / or set PYTHON to the full path of python.exe.
    pause
    exit /b 1
)

rem -- 虚拟环境 / the virtual environment -----------------------------------------------
set "VENV=%TARGET%\venv"
if exist "%VENV%\pyvenv.cfg" (
    "%VENV%\Scripts\python.exe" -c "%CHECK%" >nul 2>&1 || (
        echo 重建 %VENV%（原来的已不能用） / rebuilding %VENV% ^(the old one no longer works^)
        rmdir /s /q "%VENV%"
    )
)
if not exist "%VENV%\Scripts\python.exe" (
    if exist "%VENV%" (
        echo %VENV% 已存在但不是虚拟环境，未做改动 / %VENV% exists and is not a virtual environment: nothing changed
        pause
        exit /b 1
    )
    "%PYEXE%" %PYARGS% -m venv --without-pip %FAZHI_VENV_OPTIONS% "%VENV%" || goto :failed
)

set "PIPWHL="
for %%w in ("%KIT%\pip-*.whl") do set "PIPWHL=%%~fw"
if not defined PIPWHL (
    echo 安装包中没有 pip-*.whl / the kit has no pip wheel
    goto :failed
)
echo 正在安装（不联网） / installing ^(offline^) ...
"%VENV%\Scripts\python.exe" "%PIPWHL%\pip" --isolated install --no-index --find-links "%KIT%" --upgrade --no-cache-dir --disable-pip-version-check --no-warn-script-location --require-hashes %FAZHI_PIP_OPTIONS% -r "%KIT%\requirements.lock" || goto :failed

rem -- 启动程序 / launchers ------------------------------------------------------------------
copy /y "%KIT%\launchers\fazhi-tui.bat" "%TARGET%\fazhi-tui.bat" >nul || goto :failed
copy /y "%KIT%\launchers\fazhi-tui-portable.bat" "%TARGET%\fazhi-tui-portable.bat" >nul || goto :failed
"%VENV%\Scripts\python.exe" -c "import importlib.metadata as m; print('fazhi-tui', m.version('fazhi-tui'))" || goto :failed

if "%MODE%"=="portable" (
    echo.
    echo 已装好（便携方式）。双击 %TARGET%\fazhi-tui-portable.bat 启动，数据保存在 %TARGET%\data。
    echo Installed ^(portable^). Start %TARGET%\fazhi-tui-portable.bat: the data stays in %TARGET%\data.
    pause
    exit /b 0
)
set "DESKTOP="
for /f "usebackq delims=" %%d in (`powershell -NoProfile -Command "[Environment]::GetFolderPath('Desktop')" 2^>nul`) do set "DESKTOP=%%d"
if not defined DESKTOP set "DESKTOP=%USERPROFILE%\Desktop"
if exist "%DESKTOP%\" (
    > "%DESKTOP%\fazhi-tui.bat" (
        echo @echo off
        echo call "%TARGET%\fazhi-tui.bat" %%*
    )
    echo 桌面上已放好 fazhi-tui.bat / fazhi-tui.bat is on the desktop: %DESKTOP%
)
echo.
echo 已装好。双击桌面上的 fazhi-tui.bat，或运行 %TARGET%\fazhi-tui.bat 启动。
echo Installed. Double-click fazhi-tui.bat on the desktop, or run %TARGET%\fazhi-tui.bat.
pause
exit /b 0

:failed
echo.
echo 安装没有完成，请把上面的信息告诉技术人员。 / The installation did not finish: show the messages above to your IT support.
pause
exit /b 1
"""

LAUNCHER_BAT = r"""@echo off
rem fazhi-tui: 启动程序，参数原样传递（如 fazhi-tui.bat checklist）/ starts the program, arguments are passed on
if not exist "%~dp0venv\Scripts\python.exe" (
    echo 找不到 %~dp0venv：请先运行安装包中的 install.bat / no venv here: run install.bat from the kit first
    pause
    exit /b 1
)
"%~dp0venv\Scripts\python.exe" -P -m fazhi_tui {home}%*
set "RC=%ERRORLEVEL%"
if "%~1"=="" if not "%RC%"=="0" pause
exit /b %RC%
"""

INSTALL_SH = r"""#!/bin/sh
# fazhi-tui offline installer (Linux)
#   sh install.sh              install into ~/.local/opt/fazhi-tui, with ~/.local/bin/fazhi-tui
#   sh install.sh --portable   install into this folder (the stick); data in ./data beside it
#   sh install.sh [--portable] FOLDER
# No network: pip install --no-index --find-links <this folder> --require-hashes
# -r requirements.lock (every file checked against the lock's sha256 hashes).
# PYTHON=/path/to/python3.12 chooses the Python; FAZHI_VENV_OPTIONS and FAZHI_PIP_OPTIONS
# add options to "python -m venv" and "pip install" (advanced).
set -eu
KIT=$(cd "$(dirname "$0")" && pwd)
MODE=normal
if [ "${1:-}" = "--portable" ]; then MODE=portable; shift; fi
if [ $# -gt 0 ]; then
    TARGET=$1
elif [ "$MODE" = portable ]; then
    TARGET=$KIT
else
    TARGET=$HOME/.local/opt/fazhi-tui
fi
echo "fazhi-tui {version}: 此安装包适用于 / this kit is for: {targets}"

CHECK='import sys; sys.exit(0 if sys.version_info[:2] in {versions} else 1)'
PY=
for candidate in ${PYTHON:-} {py_commands}; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "$CHECK" >/dev/null 2>&1; then
        PY=$candidate
        break
    fi
done
if [ -z "$PY" ]; then
    echo "找不到 Python {versions_text}（可用 PYTHON=python3.12 指定）" >&2
    echo "No Python {versions_text} found (set PYTHON=/path/to/python3.12)" >&2
    exit 1
fi

mkdir -p "$TARGET"
TARGET=$(cd "$TARGET" && pwd)
VENV=$TARGET/venv
if [ -f "$VENV/pyvenv.cfg" ] && ! "$VENV/bin/python" -c "$CHECK" >/dev/null 2>&1; then
    echo "重建 $VENV（原来的已不能用） / rebuilding $VENV (the old one no longer works)"
    rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
    if [ -e "$VENV" ]; then
        echo "$VENV 已存在但不是虚拟环境，未做改动 / $VENV exists and is not a virtual environment: nothing changed" >&2
        exit 1
    fi
    COPIES=
    # a stick (FAT32, exFAT) cannot hold symbolic links
    if [ "$MODE" = portable ]; then COPIES=--copies; fi
    # shellcheck disable=SC2086
    "$PY" -m venv --without-pip $COPIES ${FAZHI_VENV_OPTIONS:-} "$VENV"
fi

PIPWHL=
for wheel in "$KIT"/pip-*.whl; do
    if [ -f "$wheel" ]; then PIPWHL=$wheel; fi
done
if [ -z "$PIPWHL" ]; then
    echo "安装包中没有 pip-*.whl / the kit has no pip wheel" >&2
    exit 1
fi
echo "正在安装（不联网） / installing (offline) ..."
# shellcheck disable=SC2086
"$VENV/bin/python" "$PIPWHL/pip" --isolated install --no-index --find-links "$KIT" --upgrade --no-cache-dir \
    --disable-pip-version-check --no-warn-script-location --require-hashes ${FAZHI_PIP_OPTIONS:-} -r "$KIT/requirements.lock"

cp "$KIT/launchers/fazhi-tui.sh" "$TARGET/fazhi-tui"
cp "$KIT/launchers/fazhi-tui-portable.sh" "$TARGET/fazhi-tui-portable.sh"
chmod +x "$TARGET/fazhi-tui" "$TARGET/fazhi-tui-portable.sh" 2>/dev/null || true
"$VENV/bin/python" -c "import importlib.metadata as m; print('fazhi-tui', m.version('fazhi-tui'))"

if [ "$MODE" = portable ]; then
    echo
    echo "已装好（便携方式）：sh \"$TARGET/fazhi-tui-portable.sh\" 启动，数据保存在 $TARGET/data"
    echo "Installed (portable): start it with sh \"$TARGET/fazhi-tui-portable.sh\"; the data stays in $TARGET/data"
    exit 0
fi
BIN=${FAZHI_BIN_DIR:-$HOME/.local/bin}
if mkdir -p "$BIN" 2>/dev/null; then
    printf '#!/bin/sh\nexec "%s/fazhi-tui" "$@"\n' "$TARGET" > "$BIN/fazhi-tui"
    chmod +x "$BIN/fazhi-tui"
    echo "已放好启动命令 / launcher: $BIN/fazhi-tui"
    case ":$PATH:" in
        *":$BIN:"*) ;;
        *) echo "（$BIN 不在 PATH 中：可直接运行 $TARGET/fazhi-tui / $BIN is not on PATH: run $TARGET/fazhi-tui)";;
    esac
fi
echo
echo "已装好：运行 fazhi-tui 启动 / Installed: run fazhi-tui"
"""

LAUNCHER_SH = r"""#!/bin/sh
# fazhi-tui: 启动程序，参数原样传递 / starts the program, arguments are passed on
HERE=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$HERE/venv/bin/python" ]; then
    echo "找不到 $HERE/venv：请先运行安装包中的 install.sh / no venv here: run install.sh from the kit first" >&2
    exit 1
fi
exec "$HERE/venv/bin/python" -P -m fazhi_tui {home}"$@"
"""

README_TXT = """fazhi-tui {version} 离线安装包 / offline installation kit
====================================================================

适用于 / for: {targets}
不需要联网。The computer needs no network.

需要 / needs: Python {versions_text}（Windows：python.org 的安装程序 / the python.org installer）

Windows
  双击 install.bat：装到本机（%LOCALAPPDATA%\\Programs\\fazhi-tui），桌面上出现 fazhi-tui.bat。
  Double-click install.bat: installs on this PC and puts fazhi-tui.bat on the desktop.

  便携方式（不在电脑上安装，程序和数据都留在 U 盘上）：
  Portable (nothing installed on the PC; program and data stay on the stick):
      install.bat --portable
  然后双击本文件夹中的 fazhi-tui-portable.bat，数据在旁边的 data 文件夹。
  then double-click fazhi-tui-portable.bat here; the data is in the data folder beside it.

Linux
  sh install.sh              装到 ~/.local/opt/fazhi-tui，命令 fazhi-tui / command fazhi-tui
  sh install.sh --portable   便携方式：sh fazhi-tui-portable.sh 启动 / portable

两种方式都可以在末尾加一个文件夹，装到那里。
Either form takes a folder at the end to install there instead.

使用说明见本文件夹中的 docs/guide.zh.md（English: docs/guide.en.md）；
配置项说明见 config.example.toml。每个安装文件都按 requirements.lock 中的 SHA-256 校验。
The guide is in docs/ here, every config key in config.example.toml; every file installed
is checked against the SHA-256 hashes in requirements.lock.
"""


def _encode_bat(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("gbk")


def write_scripts(kit: Path, targets: list[Target], version: str) -> list[str]:
    labels = "; ".join(t.label for t in targets)
    pythons = sorted({t.python or sys.version_info[:2] for t in targets})
    versions = "[" + ", ".join("(%d, %d)" % p for p in pythons) + "]"
    versions_text = " / ".join("%d.%d" % p for p in pythons)
    values = {
        "version": version,
        "targets": labels,
        "versions": versions,
        "versions_text": versions_text,
        "py_versions": " ".join("%d.%d" % p for p in reversed(pythons)),
        "py_commands": " ".join("python%d.%d" % p for p in reversed(pythons)) + " python3",
    }

    def fill(template: str, **extra: str) -> str:
        text = template
        for key, value in {**values, **extra}.items():
            text = text.replace("{" + key + "}", value)
        return text

    launchers = kit / "launchers"
    launchers.mkdir(exist_ok=True)
    files = {
        kit / "install.bat": _encode_bat(fill(INSTALL_BAT)),
        launchers / "fazhi-tui.bat": _encode_bat(fill(LAUNCHER_BAT, home="")),
        launchers / "fazhi-tui-portable.bat": _encode_bat(fill(LAUNCHER_BAT, home='--home "%~dp0data" ')),
        kit / "install.sh": fill(INSTALL_SH).encode("utf-8"),
        launchers / "fazhi-tui.sh": fill(LAUNCHER_SH, home="").encode("utf-8"),
        launchers / "fazhi-tui-portable.sh": fill(LAUNCHER_SH, home='--home "$HERE/data" ').encode("utf-8"),
        # a BOM so that Notepad on older Windows shows the Chinese
        kit / "README.txt": b"\xef\xbb\xbf" + fill(README_TXT).replace("\n", "\r\n").encode("utf-8"),
    }
    for path, data in files.items():
        path.write_bytes(data)
        if path.suffix == ".sh":
            path.chmod(0o755)
    return [str(p.relative_to(kit)) for p in files]


# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python tools/offline_kit.py",
        description="Build a folder that installs fazhi-tui with no network (for a USB stick).",
    )
    parser.add_argument("--to", metavar="DIR", required=True, help="the kit folder to write (new, empty, or a kit made before)")
    parser.add_argument(
        "--platform",
        choices=("this", "all", "windows", "linux"),
        default="all",
        help="all: Windows and Linux x86-64, CPython 3.11 to 3.13 (default); this: the Python running this script",
    )
    parser.add_argument(
        "--from-wheels", metavar="DIR", default=None, help="take the dependency wheels from DIR instead of downloading them"
    )
    parser.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="write the kit even if some dependency has no wheel for a target (it will not install offline there)",
    )
    parser.add_argument(
        "--lock", metavar="FILE", default=None, help=f"the lock of exact versions and hashes (default {LOCK.relative_to(ROOT)})"
    )
    parser.add_argument(
        "--update-lock",
        action="store_true",
        help="resolve the dependencies afresh (download, or --from-wheels), then write the lock from the kit's wheels",
    )
    return parser


def project_version() -> str:
    namespace: dict[str, str] = {}
    exec((ROOT / "fazhi_tui" / "__init__.py").read_text(encoding="utf-8"), namespace)
    return namespace["__version__"]


def build_kit(kit: Path, platform: str, from_wheels: Path | None, allow_incomplete: bool,
              lock_file: Path = LOCK, update_lock: bool = False) -> int:
    targets = targets_for(platform)
    version = project_version()
    print(f"Building the offline kit of {PROJECT} {version} in {kit}")
    for target in targets:
        print(f"  target: {target.label}")
    if from_wheels is not None and not from_wheels.is_dir():
        raise KitError(f"--from-wheels {from_wheels}: no such folder")
    if from_wheels is not None and from_wheels == kit:
        raise KitError("--from-wheels and --to are the same folder: copy the wheels elsewhere first")
    entries = None if update_lock else read_lock(lock_file)
    if entries is not None:
        print(f"  from the lock {lock_file} ({len(entries)} entries)")
    prepare_folder(kit)
    project_wheel = build_project_wheel(kit)
    print(f"  built {project_wheel.name}")
    if from_wheels is not None:
        count = copy_local_wheels(from_wheels, kit, entries)
        print(f"  copied {count} wheels from {from_wheels}")
    elif entries is None:
        download(targets, project_wheel, kit)
    else:
        download_locked(targets, entries, kit)
    if not list(kit.glob("pip-*.whl")):
        for wheel in bundled_pip_wheels():
            shutil.copy2(wheel, kit / wheel.name)
            print(f"  took {wheel.name} from this Python")
            break
    pip_wheel = keep_one_pip(kit)
    root = f"{PROJECT}=={version}"
    gaps = fill_gaps(targets, kit, root, may_download=from_wheels is None and entries is None)
    if entries is None:
        if any(gaps.values()):
            raise KitError("cannot write the lock: " + "; ".join(
                f"{t.label}: no wheel for {g.describe()}" for t in targets for g in gaps[t.key]))
        entries = lock_from_kit(kit, targets, root)
        write_lock(lock_file, entries, targets)
        print(f"  wrote the lock {lock_file} ({len(entries)} entries)")
    # The kit's own lock: the repository's, and the program's wheel built just now.
    own = LockEntry(canonicalize_name(PROJECT), version, {sha256_of(project_wheel)})
    write_lock(kit / KIT_LOCK_NAME, entries, targets, [own])
    written = write_scripts(kit, targets, version) + copy_docs(kit) + [KIT_LOCK_NAME]
    wheels = sorted(kit.glob("*.whl"))
    print(f"  {len(wheels)} wheels, {sum(w.stat().st_size for w in wheels) / 1e6:.1f} MB; " + ", ".join(written))
    problems = []
    if pip_wheel is None:
        problems.append("no pip wheel: the install scripts need one (put a pip-*.whl in --from-wheels)")
    for target in targets:
        for gap in gaps[target.key]:
            problems.append(f"{target.label}: no wheel for {gap.describe()}")
    problems += lock_problems(kit, targets, entries)
    if problems:
        print(("Warning: the kit is incomplete:" if allow_incomplete else "The kit is incomplete:"), file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        if not allow_incomplete:
            print("Add the missing wheels (or drop --from-wheels to download them), or pass --allow-incomplete.", file=sys.stderr)
            return 1
    print(f"Done: copy {kit} onto the stick; on the PC run install.bat (Windows) or sh install.sh (Linux).")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    kit = Path(args.to).expanduser().resolve()
    from_wheels = Path(args.from_wheels).expanduser().resolve() if args.from_wheels else None
    try:
        lock_file = Path(args.lock).expanduser().resolve() if args.lock else LOCK
        return build_kit(kit, args.platform, from_wheels, args.allow_incomplete, lock_file, args.update_lock)
    except KitError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
