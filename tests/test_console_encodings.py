"""Every command, run as ``python -m fazhi_tui`` with its output redirected under a GBK, an
ASCII and a cp1252 console encoding, with a rare character (䶮: in GB18030, not in GBK) in
the township's name, a staff name, a hub's name and a catalog item: no command crashes,
what the console cannot show is replaced, and the files written are UTF-8 whatever the
console (CSV with a BOM)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fazhi_tui.base.config import load_config, save_config
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage.store import Actor, Store
from tests.sync.util import ok, township

REPO = Path(__file__).resolve().parents[1]
RARE = "䶮"
ENCODINGS = ("gbk", "ascii", "cp1252")


def test_the_rare_character_is_in_gb18030_but_not_in_gbk():
    assert RARE.encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        RARE.encode("gbk")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A township T (demo, renamed 李家䶮镇, a staff member 王䶮), a second township T2 not
    enrolled yet, a county hub H (enrolled by a city hub C) with T enrolled, a catalog file."""
    root = tmp_path_factory.mktemp("encodings")
    town = township(root / "T", "640302100", records=40)
    home = town.home
    config = load_config(home.config)
    config.township_name = f"李家{RARE}镇"
    save_config(home.config, config)
    store = Store.open(home.database, home.backups)
    store.insert(KINDS["staff"], {"name": f"王{RARE}", "post": "司法所所长", "background": "law_degree", "active": True,
                                  "rule_of_law": True, "enforcement": True, "cert_no": "NX-9", "cert_expiry": "2028-01-01"},
                 Actor("测试员", "640302100"))
    store.close()
    township(root / "T2", "640302101", records=20)
    usb = root / "usb"
    usb.mkdir()
    ok("hub", "init", "6403", "--name", f"吴{RARE}市", "--level", "city", "--home", root / "C")
    ok("hub", "enroll", "640302", "--name", "利通区", "--to", usb, "--home", root / "C")
    ok("hub", "init", "640302", "--name", "利通区", "--home", root / "H")
    ok("enroll", usb / "fazhi-enrol-640302.json", "--home", root / "H")
    ok("hub", "enroll", "640302100", "--name", f"李家{RARE}镇", "--to", usb, "--home", root / "H")
    ok("enroll", usb / "fazhi-enrol-640302100.json", "--home", root / "T")
    (root / "catalog.csv").write_text(f"事项编码,事项名称,权力类型,法律依据,原实施部门,下放方式,适用乡镇\nX-1,对{RARE}的检查,行政检查,《某法》第三条,县{RARE}局,赋权,640302100\n", encoding="utf-8-sig")
    return root


def fazhi(root: Path, encoding: str, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "FAZHI"))}
    env.update(PYTHONIOENCODING=encoding, PYTHONPATH=str(REPO), FAZHI_TUI_HOME=str(root / "default-home"), LANG="C")
    return subprocess.run(
        [sys.executable, "-m", "fazhi_tui", *[str(a) for a in args]],
        cwd=root, env=env, capture_output=True, stdin=subprocess.DEVNULL, timeout=120,
    )


def check(result: subprocess.CompletedProcess, encoding: str, code: int = 0) -> str:
    err = result.stderr.decode(encoding)
    assert "Traceback" not in err and "UnicodeEncodeError" not in err, err
    assert result.returncode == code, (result.returncode, err)
    return result.stdout.decode(encoding)  # strict: whatever was written is in the encoding


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_command_survives_the_console_encoding(template, tmp_path, encoding):
    root = tmp_path / "w"
    shutil.copytree(template, root)
    T, T2, H, C, usb = root / "T", root / "T2", root / "H", root / "C", root / "usb"
    replaced = "?" if encoding != "gbk" else "王?"

    assert "fazhi-tui" in check(fazhi(root, encoding, "--version"), encoding)
    check(fazhi(root, encoding, "--help"), encoding)
    check(fazhi(root, encoding, "demo", "--home", root / "D"), encoding)

    for fmt in ("table", "json", "csv", "markdown", "text"):
        out = check(fazhi(root, encoding, "checklist", "--home", T, "--format", fmt), encoding)
        if fmt != "csv":  # the CSV rows name no township
            assert "?" in out  # the township's name, at least, was replaced, not fatal
        if fmt == "json":
            json.loads(out)  # still valid JSON: ensure_ascii or replaced characters
    text = check(fazhi(root, encoding, "checklist", "--home", T, "--format", "text"), encoding)
    assert replaced in text  # the staff member's name, with what the console cannot show replaced
    check(fazhi(root, encoding, "checklist", "--home", T, "--format", "csv", "--out", root / "c.csv"), encoding)
    data = (root / "c.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "检查项" in data.decode("utf-8-sig")
    check(fazhi(root, encoding, "checklist", "--home", T, "--format", "markdown", "--out", root / "c.md"), encoding)
    assert RARE in (root / "c.md").read_text(encoding="utf-8")
    check(fazhi(root, encoding, "checklist", "--home", T, "--year", "abc"), encoding, code=2)
    check(fazhi(root, encoding, "checklist", "--home", root / "nowhere"), encoding, code=1)

    check(fazhi(root, encoding, "export", "--home", T, "--to", usb), encoding)
    (bundle,) = sorted(usb.glob("fazhi-up-640302100-*.fzb"))
    check(fazhi(root, encoding, "hub", "import", bundle, "--dry-run", "--home", H), encoding)
    check(fazhi(root, encoding, "hub", "import", bundle, "--home", H), encoding)
    check(fazhi(root, encoding, "hub", "import", root / "c.md", "--home", H), encoding, code=1)  # refused, said so
    check(fazhi(root, encoding, "hub", "changes", "--home", H), encoding)
    for fmt in ("csv", "json", "xlsx"):
        check(fazhi(root, encoding, "hub", "report", "--format", fmt, "--out", root / f"r.{fmt}", "--home", H), encoding)
    assert RARE in (root / "r.csv").read_bytes().decode("utf-8-sig")
    assert (root / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert RARE in (root / "r.json").read_text(encoding="utf-8")
    check(fazhi(root, encoding, "hub", "catalog", "import", root / "catalog.csv", "--home", H), encoding)
    check(fazhi(root, encoding, "hub", "publish", "--to", usb, "--home", H), encoding)
    check(fazhi(root, encoding, "hub", "export", "--to", usb, "--home", H), encoding)
    check(fazhi(root, encoding, "hub", "enroll", "640302101", "--name", f"{RARE}镇", "--to", usb, "--home", H), encoding)
    check(fazhi(root, encoding, "hub", "init", "640303", "--name", f"{RARE}县", "--home", root / "H2"), encoding)
    check(fazhi(root, encoding, "enroll", usb / "fazhi-enrol-640302101.json", "--home", T2), encoding)
    (down,) = sorted(usb.glob("fazhi-down-640302100-*.fzb"))
    check(fazhi(root, encoding, "import", down, "--home", T), encoding)
    check(fazhi(root, encoding, "import", down, "--home", T), encoding)  # already imported
    check(fazhi(root, encoding, "hub", "import", sorted(usb.glob("fazhi-up-640302-*.fzb"))[0], "--home", C), encoding)

    check(fazhi(root, encoding, "backup", "--to", usb, "--home", T), encoding)
    assert "fazhi-" in check(fazhi(root, encoding, "backup", "--list", "--home", T), encoding)
    check(fazhi(root, encoding, "--verbose", "checklist", "--format", "text", "--home", T), encoding)  # the log on stderr too
    listing = check(fazhi(root, encoding, "restore", "--list", "--home", T), encoding)
    name = re.search(r"fazhi-[0-9]{8}-[\w-]+\.db", listing).group(0)
    check(fazhi(root, encoding, "restore", name, "--home", T), encoding)
    check(fazhi(root, encoding, "restore", "no-such.db", "--home", T), encoding, code=1)
