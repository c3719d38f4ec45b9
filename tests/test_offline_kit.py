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


@installing
def test_kit_for_this_pc_installs_without_an_index_and_starts(tmp_path):
    kit, empty = tmp_path / "kit", tmp_path / "no-wheels"
    empty.mkdir()

    refused = build_kit(tmp_path, kit, empty)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "incomplete" in refused.stderr and "textual" in refused.stderr and "--allow-incomplete" in refused.stderr

    built = build_kit(tmp_path, kit, empty, "--allow-incomplete")
    assert built.returncode == 0, built.stdout + built.stderr
    names = {p.name for p in kit.iterdir()}
    assert {"install.sh", "install.bat", "README.txt", "launchers"} <= names
    (project,) = kit.glob("fazhi_tui-*.whl")
    if not list(kit.glob("pip-*.whl")):
        pytest.skip("this Python ships no pip wheel (ensurepip) to put in a kit made without the network")
    assert len(list(kit.glob("pip-*.whl"))) == 1  # the install scripts bootstrap with it
    with zipfile.ZipFile(project) as archive:
        assert "fazhi_tui/schema.sql" in archive.namelist()
    check_scripts(kit)

    target = tmp_path / "installed"
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


@installing
@pytest.mark.skipif(
    not os.environ.get("FAZHI_KIT_WHEELS"),
    reason="FAZHI_KIT_WHEELS is not set: no local folder of dependency wheels to build a complete kit without the network",
)
def test_complete_kit_installs_everything_offline(tmp_path):
    wheels = Path(os.environ["FAZHI_KIT_WHEELS"])
    kit = tmp_path / "kit"
    built = build_kit(tmp_path, kit, wheels)
    assert built.returncode == 0, built.stdout + built.stderr
    target = tmp_path / "installed"
    installed = install(tmp_path, kit, target)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    check_installed_program(tmp_path, target)


def check_scripts(kit: Path) -> None:
    """Windows scripts in GBK with CRLF; arguments passed on; portable data beside the program."""
    for name in ("install.bat", "launchers/fazhi-tui.bat", "launchers/fazhi-tui-portable.bat"):
        data = (kit / name).read_bytes()
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""), name
        data.decode("gbk")
    install_bat = (kit / "install.bat").read_bytes().decode("gbk")
    assert "--no-index --find-links" in install_bat and "--portable" in install_bat
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
        archive.writestr(f"{dist}.dist-info/WHEEL", "Wheel-Version: 1.0\n")
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

    fake_wheel(tmp_path, "winonly", "1.0")
    fake_wheel(tmp_path, "fancy-dep", "1.0")
    fake_wheel(tmp_path, "lib", "2.1", "cp312-cp312-win_amd64")
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
