"""The screenshots in docs/ (README and user's guide) are the program's real screens.

tools/screenshots.py makes them from the program itself with a fixed date, clock, random
seed and folder names, so two runs give the same bytes. This test makes them again into
a temporary folder and fails if any committed file differs, is missing, or is left over.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
SCRIPT = REPO / "tools" / "screenshots.py"
FIX = "the screens changed: run `python tools/screenshots.py`, look at the pictures and commit docs/"


def committed() -> set[str]:
    return {p.name for p in DOCS.glob("screenshot-*.svg")} | {f"screens/{p.name}" for p in (DOCS / "screens").glob("*.svg")}


def screen_text(svg: str) -> list[str]:
    """The characters of an SVG screenshot, line by line, to say what changed."""
    lines: dict[int, list[tuple[float, str]]] = {}
    for x, line, text in re.findall(r'<text[^>]* x="([\d.]+)"[^>]*line-(\d+)\)">([^<]*)</text>', svg):
        lines.setdefault(int(line), []).append((float(x), text.replace("&#160;", " ")))
    return ["".join(text for _, text in sorted(parts)).rstrip() for _, parts in sorted(lines.items())]


def test_committed_screenshots_are_what_the_program_shows(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    made = {p.name for p in tmp_path.glob("screenshot-*.svg")} | {f"screens/{p.name}" for p in (tmp_path / "screens").glob("*.svg")}
    guide = {f"screens/{name}" for name in ("home.svg", "list.svg", "form-error.svg", "checklist.svg", "evidence.svg",
                                            "usb.svg", "hub.svg", "matrix.svg", "first-start.svg", "help.svg")}
    assert guide <= made, f"the script no longer makes {sorted(guide - made)}"

    problems = []
    if made - committed():
        problems.append(f"not in docs/: {sorted(made - committed())}")
    if committed() - made:
        problems.append(f"in docs/ but no longer made: {sorted(committed() - made)}")
    for name in sorted(made & committed()):
        new, old = (tmp_path / name).read_text(encoding="utf-8"), (DOCS / name).read_text(encoding="utf-8")
        if new != old:
            diff = "\n".join(difflib.unified_diff(screen_text(old), screen_text(new), "committed", "now", lineterm="", n=1))
            problems.append(f"docs/{name} is stale:\n{diff or '(same characters, other colours or layout)'}")
    if problems:
        pytest.fail(FIX + "\n\n" + "\n\n".join(problems), pytrace=False)


def test_the_guides_show_every_guide_screenshot():
    for guide in ("guide.zh.md", "guide.en.md"):
        text = (DOCS / guide).read_text(encoding="utf-8")
        shown = set(re.findall(r"\]\((screens/[\w.-]+\.svg)\)", text))
        assert shown, guide
        for name in shown:
            assert (DOCS / name).is_file(), f"{guide} shows {name}, which is not in docs/"
        assert {f"screens/{p.name}" for p in (DOCS / "screens").glob("*.svg")} <= shown, f"{guide} leaves out a screenshot"
