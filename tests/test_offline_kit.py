"""The offline installation kit (tools/offline_kit.py), with no network.

The light test builds a kit for this PC from the program's wheel alone, installs it with
the kit's own install.sh (``pip install --no-index --find-links KIT``) into a new virtual
environment, and starts the installed program: the demo, the checklist, the portable
launcher, and the Textual interface headless. The dependency wheels cannot be made
offline, so that environment reads the dependencies already installed for these tests
(a .pth file) and pip is told ``--no-deps``. With ``FAZHI_KIT_WHEELS`` naming a folder of
dependency wheels (``python tools/offline_kit.py --to DIR --platform this`` makes one),
the full test builds a complete kit and installs everything from it alone.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TOOL = REPO / "tools" / "offline_kit.py"

installs = [
    pytest.mark.wheel,
    pytest.mark.skipif(sys.platform == "win32", reason="the test drives install.sh; install.bat needs Windows"),
]


def installing(test):
    for mark in installs:
        test = mark(test)
    return test

HEADLESS = """
import asyncio, sys
from fazhi_tui.base.paths import resolve_home
from fazhi_tui.ui.app import FazhiApp

async def start():
    app = FazhiApp(resolve_home(sys.argv[1]))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            if type(app.screen).__name__ == "HomeScreen":
                break
        print(type(app.screen).__name__, app.sub_title)

asyncio.run(start())
"""


def load_tool():
    spec = importlib.util.spec_from_file_location("offline_kit", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules["offline_kit"] = module
    spec.loader.exec_module(module)
    return module


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No PYTHON* or FAZHI* settings from outside, a home of its own, and a proxy that
    refuses every connection: anything that tried the network would fail."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "FAZHI", "PIP_", "VIRTUAL_ENV"))}
    home = tmp_path / "user-home"
    home.mkdir(exist_ok=True)
    env.update(
        HOME=str(home),
        http_proxy="http://127.0.0.1:9",
        https_proxy="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        PIP_NO_INDEX="1",
        TERM="dumb",
    )
    env.update(extra)
    return env


def run(args, env, cwd, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def build_kit(tmp_path: Path, kit: Path, wheels: Path, *extra: str) -> subprocess.CompletedProcess:
    return run(
        [sys.executable, TOOL, "--to", kit, "--platform", "this", "--from-wheels", wheels, *extra],
        clean_env(tmp_path),
        tmp_path,
        timeout=180,
    )


def install(tmp_path: Path, kit: Path, target: Path, **options: str) -> subprocess.CompletedProcess:
    env = clean_env(tmp_path, PYTHON=sys.executable, FAZHI_BIN_DIR=str(tmp_path / "bin"), **options)
    return run(["sh", kit / "install.sh", target], env, tmp_path, timeout=300)


def check_installed_program(tmp_path: Path, target: Path) -> None:
    """The launchers run the installed program: demo, checklist, portable data, the interface."""
    env = clean_env(tmp_path)
    python = target / "venv" / "bin" / "python"
    where = run([python, "-c", "import fazhi_tui; print(fazhi_tui.__file__)"], env, tmp_path)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).resolve().is_relative_to((target / "venv").resolve())

    office = tmp_path / "office"
    demo = run([target / "fazhi-tui", "demo", "--home", office], env, tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert (office / "fazhi.db").is_file()
    checklist = run([target / "fazhi-tui", "checklist", "--home", office, "--format", "json"], env, tmp_path)
    assert checklist.returncode == 0, checklist.stderr
    answer = json.loads(checklist.stdout)
    assert answer["township"]["code"] == "640302100"
    assert answer["rules"] and all(rule["task"] for rule in answer["rules"])

    wrapper = run([tmp_path / "bin" / "fazhi-tui", "--version"], env, tmp_path)
    assert wrapper.returncode == 0 and "0." in wrapper.stdout, wrapper.stderr

    # Portable: the data goes into data/ beside the launcher, wherever it is started from.
    portable = run(["sh", target / "fazhi-tui-portable.sh", "demo"], env, tmp_path / "user-home")
    assert portable.returncode == 0, portable.stderr
    assert (target / "data" / "fazhi.db").is_file()
    assert (target / "data" / "config.toml").is_file()

    # The interface starts headless on the demo and reaches the home screen.
    started = run([python, "-c", HEADLESS, office], env, tmp_path, timeout=120)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split()[0] == "HomeScreen", started.stdout + started.stderr
    assert "金星镇" in started.stdout


def empty_lock(tmp_path: Path) -> Path:
    """A lock naming no dependency: the light test's kit holds the program's wheel alone."""
    path = tmp_path / "empty.lock"
    path.write_text("# no dependencies locked\n", encoding="utf-8")
    return path


@installing
def test_kit_for_this_pc_installs_without_an_index_and_starts(tmp_path):
    kit, empty = tmp_path / "kit", tmp_path / "no-wheels"
    empty.mkdir()

    refused = build_kit(tmp_path, kit, empty)  # the repository's lock: its wheels are missing
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "incomplete" in refused.stderr and "textual" in refused.stderr and "--allow-incomplete" in refused.stderr

    built = build_kit(tmp_path, kit, empty, "--allow-incomplete", "--lock", empty_lock(tmp_path))
    assert built.returncode == 0, built.stdout + built.stderr
    names = {p.name for p in kit.iterdir()}
    assert {"install.sh", "install.bat", "README.txt", "launchers", "requirements.lock", "config.example.toml", "docs"} <= names
    assert (kit / "docs" / "guide.zh.md").read_bytes() == (REPO / "docs" / "guide.zh.md").read_bytes()
    assert (kit / "docs" / "guide.en.md").is_file()
    (project,) = kit.glob("fazhi_tui-*.whl")
    lock = (kit / "requirements.lock").read_text(encoding="utf-8")
    assert f"fazhi-tui==0.1.0 \\\n    --hash=sha256:{hashlib.sha256(project.read_bytes()).hexdigest()}" in lock
    if not list(kit.glob("pip-*.whl")):
        pytest.skip("this Python ships no pip wheel (ensurepip) to put in a kit made without the network")
    assert len(list(kit.glob("pip-*.whl"))) == 1  # the install scripts bootstrap with it
    with zipfile.ZipFile(project) as archive:
        inside = archive.namelist()
        assert "fazhi_tui/schema.sql" in inside
        # the files the kit's README and the config header point at travel in the wheel too
        assert {"fazhi_tui/config.example.toml", "fazhi_tui/docs/guide.zh.md", "fazhi_tui/docs/guide.en.md"} <= set(inside)
    check_scripts(kit)

    # A wheel changed on the stick is refused at install: pip checks the lock's hashes.
    target = tmp_path / "installed"
    original = project.read_bytes()
    project.write_bytes(original + b"\0")
    tampered = install(tmp_path, kit, target, FAZHI_PIP_OPTIONS="--no-deps")
    assert tampered.returncode != 0
    assert "DO NOT MATCH THE HASHES" in tampered.stdout + tampered.stderr
    project.write_bytes(original)

    installed = install(tmp_path, kit, target, FAZHI_PIP_OPTIONS="--no-deps")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "Successfully installed fazhi-tui" in installed.stdout
    # The dependencies: those installed for these tests, read through a .pth file (the
    # base interpreter's site-packages, which --system-site-packages would give, are not
    # this environment's).
    site = run(
        [target / "venv" / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        clean_env(tmp_path),
        tmp_path,
    )
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site.stdout.strip(), "_test_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    check_installed_program(tmp_path, target)

    # Installing again (a newer kit, or the same) keeps the environment and succeeds.
    again = install(tmp_path, kit, target, FAZHI_PIP_OPTIONS="--no-deps")
    assert again.returncode == 0, again.stdout + again.stderr


def locked_wheels(tmp_path: Path) -> Path:
    """A folder of the locked wheels for this PC: FAZHI_KIT_WHEELS, or those pip downloads
    (hash-checked) from the package index it is configured with — a local mirror here; the
    test is skipped when there is none."""
    if os.environ.get("FAZHI_KIT_WHEELS"):
        return Path(os.environ["FAZHI_KIT_WHEELS"])
    folder = tmp_path / "locked-wheels"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--require-hashes", "--only-binary=:all:",
         "-r", str(REPO / "requirements" / "kit.lock"), "-d", str(folder)],
        capture_output=True, text=True, timeout=300,
    )
    if result.returncode != 0:
        pytest.skip("no FAZHI_KIT_WHEELS and no package index to download the locked wheels from: " + result.stderr[-300:])
    return folder


@installing
def test_complete_kit_is_built_from_the_lock_and_installs_everything_offline_with_hashes(tmp_path):
    wheels = locked_wheels(tmp_path)
    stray = fake_wheel(wheels, "not-locked", "1.0") if not os.environ.get("FAZHI_KIT_WHEELS") else None
    kit = tmp_path / "kit"
    built = build_kit(tmp_path, kit, wheels)
    assert built.returncode == 0, built.stdout + built.stderr
    if stray is not None:
        assert not (kit / stray.name).exists() and "the lock does not name" in built.stdout
    lock = REPO / "requirements" / "kit.lock"
    assert (kit / "requirements.lock").read_text(encoding="utf-8").startswith(lock.read_text(encoding="utf-8").rstrip("\n"))
    target = tmp_path / "installed"
    installed = install(tmp_path, kit, target)  # every dependency, from the kit, each file hash-checked
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "textual" in installed.stdout
    # exactly the locked versions are installed
    frozen = run([target / "venv" / "bin" / "python", "-m", "pip", "freeze", "--all"], clean_env(tmp_path), tmp_path)
    assert frozen.returncode == 0, frozen.stderr
    tool = load_tool()
    installed_pins = {
        (tool.canonicalize_name(name), version)
        for name, _, version in (line.strip().partition("==") for line in frozen.stdout.splitlines()) if version
    }
    assert {(entry.name, entry.version) for entry in tool.read_lock(lock)} <= installed_pins
    check_installed_program(tmp_path, target)


def check_scripts(kit: Path) -> None:
    """Windows scripts in GBK with CRLF; arguments passed on; portable data beside the program."""
    for name in ("install.bat", "launchers/fazhi-tui.bat", "launchers/fazhi-tui-portable.bat"):
        data = (kit / name).read_bytes()
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""), name
        data.decode("gbk")
    install_bat = (kit / "install.bat").read_bytes().decode("gbk")
    assert "--no-index --find-links" in install_bat and "--portable" in install_bat
    assert '--require-hashes %FAZHI_PIP_OPTIONS% -r "%KIT%\\requirements.lock"' in install_bat
    assert '--require-hashes ${FAZHI_PIP_OPTIONS:-} -r "$KIT/requirements.lock"' in (kit / "install.sh").read_text(encoding="utf-8")
    assert "-m fazhi_tui %*" in (kit / "launchers/fazhi-tui.bat").read_bytes().decode("gbk")
    assert '-m fazhi_tui --home "%~dp0data" %*' in (kit / "launchers/fazhi-tui-portable.bat").read_bytes().decode("gbk")
    assert '-m fazhi_tui "$@"' in (kit / "launchers/fazhi-tui.sh").read_text(encoding="utf-8")
    assert '--home "$HERE/data" "$@"' in (kit / "launchers/fazhi-tui-portable.sh").read_text(encoding="utf-8")
    for name in ("install.sh", "launchers/fazhi-tui.sh", "launchers/fazhi-tui-portable.sh"):
        syntax = subprocess.run(["sh", "-n", str(kit / name)], capture_output=True, text=True)
        assert syntax.returncode == 0, f"{name}: {syntax.stderr}"


# -- the completeness check, on made-up wheels ----------------------------------------------


def fake_wheel(folder: Path, name: str, version: str, tag: str = "py3-none-any", requires=(), python=None) -> Path:
    dist = f"{name.replace('-', '_')}-{version}"
    path = folder / f"{dist}-{tag}.whl"
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if python:
        lines.append(f"Requires-Python: {python}")
    lines += [f"Requires-Dist: {r}" for r in requires]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{dist}.dist-info/METADATA", "\n".join(lines) + "\n")
        archive.writestr(f"{dist}.dist-info/WHEEL", f"Wheel-Version: 1.0\nTag: {tag}\n")
    return path


def test_completeness_is_judged_per_target_not_for_the_building_pc(tmp_path):
    tool = load_tool()
    fake_wheel(tmp_path, "app", "1.0", requires=[
        "lib>=2",
        "winonly; sys_platform == 'win32'",  # pip download on Linux would leave it out
        "styled[fancy]",
        "newpy",
    ])
    fake_wheel(tmp_path, "lib", "2.1", "cp311-cp311-win_amd64")
    fake_wheel(tmp_path, "lib", "2.1", "cp311-cp311-manylinux_2_17_x86_64")
    fake_wheel(tmp_path, "lib", "2.1", "cp312-cp312-manylinux_2_28_x86_64")
    fake_wheel(tmp_path, "lib", "1.0", "cp312-cp312-win_amd64")  # too old for lib>=2
    fake_wheel(tmp_path, "styled", "1.0", requires=["fancy-dep; extra == 'fancy'", "test-only; extra == 'test'"])
    fake_wheel(tmp_path, "newpy", "1.0", python=">=3.12")
    fake_wheel(tmp_path, "newpy", "0.9", python=">=3.8")
    wheels = tool.read_wheels(tmp_path)

    gaps = {t.key: {m.requirement.split(";")[0].strip(): m for m in tool.missing_for(t, wheels, "app")}
            for t in tool.targets_for("all")}
    assert set(gaps["windows-cp311"]) == {"winonly", "fancy-dep"}
    assert set(gaps["windows-cp312"]) == {"winonly", "fancy-dep", "lib>=2"}
    assert gaps["windows-cp312"]["lib>=2"].found  # says which wheels did not fit
    assert set(gaps["linux-cp311"]) == {"fancy-dep"}
    assert set(gaps["linux-cp312"]) == {"fancy-dep"}
    assert gaps["linux-cp311"]["fancy-dep"].wanted_by == "styled 1.0"
    # 3.13 is a target too: no cp313 wheel of lib yet
    assert set(gaps["windows-cp313"]) == {"winonly", "fancy-dep", "lib>=2"}
    assert set(gaps["linux-cp313"]) == {"fancy-dep", "lib>=2"}

    fake_wheel(tmp_path, "winonly", "1.0")
    fake_wheel(tmp_path, "fancy-dep", "1.0")
    fake_wheel(tmp_path, "lib", "2.1", "cp312-cp312-win_amd64")
    fake_wheel(tmp_path, "lib", "2.1", "cp313-cp313-win_amd64")
    fake_wheel(tmp_path, "lib", "2.1", "cp313-cp313-manylinux_2_28_x86_64")
    wheels = tool.read_wheels(tmp_path)
    assert all(not tool.missing_for(t, wheels, "app") for t in tool.targets_for("all"))
    # newpy 1.0 needs 3.12: on 3.11 the check falls back to newpy 0.9, which fits


def test_a_folder_that_is_not_a_kit_is_left_alone(tmp_path):
    tool = load_tool()
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "report.docx").write_bytes(b"keep me")
    assert tool.main(["--to", str(folder), "--platform", "this", "--from-wheels", str(tmp_path)]) == 1
    assert (folder / "report.docx").read_bytes() == b"keep me"
    assert sorted(p.name for p in folder.iterdir()) == ["report.docx"]


# -- the lock, on made-up wheels -------------------------------------------------------------


def test_the_lock_names_each_version_with_its_hashes_and_the_targets_that_need_it(tmp_path):
    tool = load_tool()
    fake_wheel(tmp_path, "app", "1.0", requires=["lib>=2", "winonly; sys_platform == 'win32'", "pure"])
    for tag in ("cp311-cp311-win_amd64", "cp312-cp312-win_amd64", "cp313-cp313-win_amd64",
                "cp311-cp311-manylinux_2_17_x86_64", "cp312-cp312-manylinux_2_28_x86_64", "cp313-cp313-manylinux_2_28_x86_64"):
        fake_wheel(tmp_path, "lib", "2.1", tag)
    fake_wheel(tmp_path, "lib", "1.0", "cp311-cp311-win_amd64")  # not chosen: older
    fake_wheel(tmp_path, "winonly", "1.0")
    fake_wheel(tmp_path, "pure", "3.0")
    targets = tool.targets_for("all")
    entries = {e.name: e for e in tool.lock_from_kit(tmp_path, targets, "app==1.0")}
    assert set(entries) == {"lib", "winonly", "pure"}  # not the program itself
    assert entries["lib"].version == "2.1" and len(entries["lib"].hashes) == 6 and entries["lib"].marker is None
    assert entries["pure"].marker is None and len(entries["pure"].hashes) == 1
    winonly = entries["winonly"]
    assert all(winonly.applies_to(t) == (t.system == "Windows") for t in targets)

    lock = tmp_path / "kit.lock"
    tool.write_lock(lock, list(entries.values()), targets)
    again = {e.name: e for e in tool.read_lock(lock)}
    assert again == entries
    assert "--hash=sha256:" in lock.read_text(encoding="utf-8") and "3.13" in lock.read_text(encoding="utf-8")

    # a missing wheel: no lock is written from an incomplete set
    (tmp_path / "pure-3.0-py3-none-any.whl").unlink()
    with pytest.raises(tool.KitError, match="pure"):
        tool.lock_from_kit(tmp_path, targets, "app==1.0")


def test_a_kit_takes_only_the_wheels_the_lock_names_and_checks_each_target(tmp_path):
    tool = load_tool()
    source, kit = tmp_path / "source", tmp_path / "kit"
    source.mkdir()
    kit.mkdir()
    good = fake_wheel(source, "pure", "3.0")
    lib = fake_wheel(source, "lib", "2.1", "cp311-cp311-manylinux_2_17_x86_64")
    entries = [tool.LockEntry("pure", "3.0", {tool.sha256_of(good)}),
               tool.LockEntry("lib", "2.1", {tool.sha256_of(lib)}, 'sys_platform == "linux"')]
    lib.write_bytes(lib.read_bytes() + b"changed")  # no longer the locked file
    fake_wheel(source, "other", "1.0")  # not in the lock
    assert tool.copy_local_wheels(source, kit, entries) == 1
    assert [p.name for p in kit.iterdir()] == [good.name]
    linux, windows = tool.foreign_target("Linux", (3, 11)), tool.foreign_target("Windows", (3, 11))
    problems = tool.lock_problems(kit, [linux, windows], entries)
    assert len(problems) == 1 and "lib==2.1" in problems[0] and "Linux" in problems[0]  # Windows does not need lib


@pytest.mark.parametrize("text, message", [
    ("textual>=8\n", "name==version"),
    ("textual==8.2.8\n", "name==version"),
    ("textual==8.2.8 --hash=md5:abc\n", "sha256"),
])
def test_a_lock_without_pins_or_sha256_hashes_is_refused(tmp_path, text, message):
    tool = load_tool()
    lock = tmp_path / "bad.lock"
    lock.write_text(text, encoding="utf-8")
    with pytest.raises(tool.KitError, match=message):
        tool.read_lock(lock)


def test_the_repository_lock_pins_every_dependency_with_hashes():
    tool = load_tool()
    entries = tool.read_lock(REPO / "requirements" / "kit.lock")
    names = {e.name for e in entries}
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in project["dependencies"]:
        assert tool.canonicalize_name(tool.Requirement(requirement).name) in names
    assert all(e.hashes for e in entries)


def test_one_python_range_in_pyproject_readme_guides_and_kit():
    import tomllib

    tool = load_tool()
    assert tool.PYTHONS == ((3, 11), (3, 12), (3, 13))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    spec = tool.SpecifierSet(project["requires-python"])
    assert all(spec.contains(f"{major}.{minor}.0") for major, minor in tool.PYTHONS)
    assert not spec.contains("3.10.0") and not spec.contains("3.14.0")
    for doc in ("README.md", "docs/guide.zh.md", "docs/guide.en.md"):
        text = (REPO / doc).read_text(encoding="utf-8")
        assert "3.11" in text and "3.13" in text, doc
        assert "3.11 or newer" not in text and "3.11 以上" not in text and "3.11 或 3.12" not in text, doc
