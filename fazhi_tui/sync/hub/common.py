"""What the hub's jobs share: the hub's configuration and its archive folder."""

from __future__ import annotations

from pathlib import Path

from fazhi_tui.base.config import Config
from fazhi_tui.base.paths import Home
from fazhi_tui.sync.errors import SyncError

__all__ = ["hub_config", "archive_dir"]


def hub_config(config: Config | None) -> Config:
    if config is None or config.hub is None:
        raise SyncError("err.not_a_hub", "this home is not a hub: run `fazhi-tui hub init` first")
    return config


def archive_dir(home: Home) -> Path:
    """Where the hub keeps every bundle it imported, a folder per member."""
    return home.data_dir / "archive"
