"""Where the program keeps its files.

By default platformdirs decides (per-user data and config folders). ``--home DIR`` or
the ``FAZHI_TUI_HOME`` environment variable puts everything in one folder instead: a
portable install on a USB stick, or a test.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Home", "resolve_home", "HOME_ENV"]

HOME_ENV = "FAZHI_TUI_HOME"
APP_NAME = "fazhi-tui"


@dataclass(frozen=True)
class Home:
    """The set of paths one office's program uses."""

    data_dir: Path
    config_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "fazhi.db"

    @property
    def config(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    @property
    def keys(self) -> Path:
        return self.data_dir / "keys"

    @property
    def rules(self) -> Path:
        """The county's rules.toml, when the county has sent one."""
        return self.config_dir / "rules.toml"

    @property
    def rules_last_good(self) -> Path:
        """The last county rules.toml that loaded, used when a newer one is refused."""
        return self.config_dir / "rules.last-good.toml"

    @property
    def reports(self) -> Path:
        """Where the interface saves the reports it writes (checklist, hub matrix)."""
        return self.data_dir / "reports"

    @property
    def last_folder(self) -> Path:
        """The folder the user last picked for a USB exchange, remembered between runs."""
        return self.data_dir / "last-folder.txt"

    @property
    def lock(self) -> Path:
        """Held while a program or a writing command uses this home (base/lock.py)."""
        return self.data_dir / "fazhi-tui.lock"

    @property
    def logs(self) -> Path:
        """The rotating log, ``fazhi-tui.log``, and its older parts (base/logs.py)."""
        return self.data_dir / "logs"

    @property
    def files(self) -> Path:
        """The evidence files attached to records, named by content (base/filestore.py)."""
        return self.data_dir / "files"

    def ensure(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config_dir.mkdir(parents=True, exist_ok=True)


def resolve_home(home: str | os.PathLike[str] | None = None) -> Home:
    """``home`` (from ``--home``) wins, then ``FAZHI_TUI_HOME``, then platformdirs."""
    chosen = home if home else os.environ.get(HOME_ENV)
    if chosen:
        folder = Path(chosen).expanduser().resolve()
        return Home(data_dir=folder, config_dir=folder)
    import platformdirs

    return Home(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
    )
