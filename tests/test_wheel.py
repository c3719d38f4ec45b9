"""The built wheel carries schema.sql and works without the checkout."""

import json
import os
import subprocess
import sys
import zipfile
from importlib.util import find_spec
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

CHECK = """
import json, sys
from pathlib import Path
import fazhi_tui
from fazhi_tui.storage.database import latest_version
from fazhi_tui.storage.store import Store
store = Store.open(Path("db") / "fazhi.db", Path("db") / "backups")
version = store.conn.execute("PRAGMA user_version").fetchone()[0]
store.close()
print(json.dumps({"file": fazhi_tui.__file__, "version": version, "latest": latest_version()}))
"""


def build_wheel(source: Path, out: Path) -> Path:
    assert find_spec("hatchling") is not None, "hatchling is missing: install the test extras (pip install -e .[test])"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    wheels = list(out.glob("fazhi_tui-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.mark.wheel
def test_wheel_contains_schema_and_opens_a_database(tmp_path):
    wheel = build_wheel(REPO, tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "fazhi_tui/schema.sql" in names
        assert "fazhi_tui/storage/store.py" in names
        assert not any(name.startswith("tests/") for name in names)
        packaged = archive.read("fazhi_tui/schema.sql").decode("utf-8")
        assert packaged == (REPO / "schema.sql").read_text(encoding="utf-8")
        site = tmp_path / "site"
        archive.extractall(site)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["PYTHONPATH"] = str(site)
    result = subprocess.run(
        [sys.executable, "-s", "-c", CHECK], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(answer["file"]).resolve().is_relative_to(site.resolve())
    assert answer["version"] == answer["latest"] >= 1
    assert (elsewhere / "db" / "fazhi.db").is_file()
