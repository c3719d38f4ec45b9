"""Regenerate the README's screenshots from the program itself (SVG, 80x24, demo township).

    python tools/screenshots.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fazhi_tui.demo import build_demo  # noqa: E402
from fazhi_tui.paths import resolve_home  # noqa: E402
from fazhi_tui.ui.app import FazhiApp  # noqa: E402

TODAY = dt.date(2026, 11, 27)
SHOTS = {
    "screenshot-home.svg": [],
    "screenshot-meetings.svg": ["1"],
}


async def shoot(home, keys: list[str], target: Path) -> None:
    app = FazhiApp(home, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in [None, *keys]:
            if key:
                await pilot.press(key)
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
        target.write_text(app.export_screenshot(title="fazhi-tui"), encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = resolve_home(folder)
        build_demo(home, today=TODAY)
        for name, keys in SHOTS.items():
            asyncio.run(shoot(home, keys, ROOT / "docs" / name))
            print(f"docs/{name}")


if __name__ == "__main__":
    main()
