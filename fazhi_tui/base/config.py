"""The office's configuration: read with tomllib, validated strictly, written with tomli-w.

``config.example.toml`` at the top of the repository documents every key.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fazhi_tui.base.division import check_city_code, check_county_code, check_township_code, county_of
from fazhi_tui.base.files import atomic_write_text

__all__ = ["Config", "HubConfig", "HUB_LEVELS", "Thresholds", "BackupPolicy", "EvidencePolicy", "ConfigError", "load_config", "save_config", "LANGUAGES"]

LANGUAGES = ("zh", "en")


class ConfigError(Exception):
    """The config file is unreadable or holds a bad value. ``key`` is an i18n message key."""

    def __init__(self, key: str, /, **params: Any) -> None:  # positional-only: params may hold a "key"
        super().__init__(key, params)
        self.key = key
        self.params = params


@dataclass
class Thresholds:
    """Numbers the checklist and validation use; the county may change them."""

    cert_expiry_warning_days: int = 90
    future_meeting_days: int = 366
    year_at_risk_fraction: float = 2 / 3
    report_interval_days: int = 45  # a hub marks a member silent after this many days

    def check(self) -> None:
        if not (0 <= self.cert_expiry_warning_days <= 3650):
            raise ConfigError("err.config_value", key="thresholds.cert_expiry_warning_days")
        if not (1 <= self.future_meeting_days <= 3650):
            raise ConfigError("err.config_value", key="thresholds.future_meeting_days")
        if not (0 < self.year_at_risk_fraction < 1):
            raise ConfigError("err.config_value", key="thresholds.year_at_risk_fraction")
        if not (1 <= self.report_interval_days <= 3650):
            raise ConfigError("err.config_value", key="thresholds.report_interval_days")


@dataclass
class BackupPolicy:
    """How many routine backups are kept (storage/backups.py): the newest of each of the
    last ``daily`` days, ``weekly`` weeks and ``monthly`` months that have one. Every
    backup of the last 24 hours is kept besides."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12

    def check(self) -> None:
        for key, top in (("daily", 366), ("weekly", 520), ("monthly", 1200)):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int) or not (0 <= value <= top):
                raise ConfigError("err.config_value", key=f"backups.{key}")


@dataclass
class EvidencePolicy:
    """Evidence files attached to records (base/filestore.py): the largest file kept, in MB."""

    max_file_mb: int = 20

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * 1024 * 1024

    def check(self) -> None:
        value = self.max_file_mb
        if isinstance(value, bool) or not isinstance(value, int) or not (1 <= value <= 200):
            raise ConfigError("err.config_value", key="evidence.max_file_mb")


HUB_LEVELS = ("county", "city")


@dataclass
class HubConfig:
    """The office is a hub: a county (enrols townships) or a city (enrols counties)."""

    level: str
    code: str
    name: str

    @property
    def member_level(self) -> str:
        return "township" if self.level == "county" else "county"


@dataclass
class Config:
    township_code: str = ""
    township_name: str = ""
    county_code: str = ""
    county_name: str = ""
    operator: str = ""
    language: str = "zh"
    thresholds: Thresholds = field(default_factory=Thresholds)
    hub: HubConfig | None = None
    backups: BackupPolicy = field(default_factory=BackupPolicy)
    evidence: EvidencePolicy = field(default_factory=EvidencePolicy)

    @property
    def office_code(self) -> str:
        """The code this office is known by to the level above (township or county code)."""
        return self.hub.code if self.hub else self.township_code

    @property
    def office_name(self) -> str:
        return self.hub.name if self.hub else self.township_name

    def to_toml_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"language": self.language}
        if self.hub:
            data["hub"] = asdict(self.hub)
        else:
            data["township"] = {"code": self.township_code, "name": self.township_name}
            data["county"] = {"code": self.county_code, "name": self.county_name}
        data["operator"] = {"name": self.operator}
        data["thresholds"] = asdict(self.thresholds)
        data["backups"] = asdict(self.backups)
        data["evidence"] = asdict(self.evidence)
        return data


def _table(data: dict[str, Any], name: str, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError("err.config_value", key=name)
    for key in value:
        if keys is not None and key not in keys:
            raise ConfigError("err.config_unknown_key", key=f"{name}.{key}")
    return value


def _string(table: dict[str, Any], key: str, full_key: str, default: str = "") -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise ConfigError("err.config_value", key=full_key)
    return value.strip()


def parse_config(data: dict[str, Any]) -> Config:
    """Build a :class:`Config` from parsed TOML, refusing unknown or bad values."""
    known = {"language", "township", "county", "operator", "thresholds", "hub", "backups", "evidence"}
    for key in data:
        if key not in known:
            raise ConfigError("err.config_unknown_key", key=key)
    if "hub" in data:
        if "township" in data:
            raise ConfigError("err.config_value", key="hub")
        return _parse_hub_config(data)
    township = _table(data, "township", ("code", "name"))
    code = check_township_code(_string(township, "code", "township.code"))
    if code is None:
        raise ConfigError("err.config_value", key="township.code")
    name = _string(township, "name", "township.name")
    if not name:
        raise ConfigError("err.config_value", key="township.name")
    county = _table(data, "county", ("code", "name"))
    county_code = _string(county, "code", "county.code") or county_of(code)
    if check_county_code(county_code) is None or county_code != county_of(code):
        # a township reports to the county its own code belongs to
        raise ConfigError("err.config_value", key="county.code")
    return Config(
        township_code=code,
        township_name=name,
        county_code=county_code,
        county_name=_string(county, "name", "county.name"),
        **_common(data),
    )


def _parse_hub_config(data: dict[str, Any]) -> Config:
    hub = _table(data, "hub", ("level", "code", "name"))
    level = hub.get("level", "county")
    if level not in HUB_LEVELS:
        raise ConfigError("err.config_value", key="hub.level")
    check = check_county_code if level == "county" else check_city_code
    code = check(_string(hub, "code", "hub.code"))
    if code is None:
        raise ConfigError("err.config_value", key="hub.code")
    name = _string(hub, "name", "hub.name")
    if not name:
        raise ConfigError("err.config_value", key="hub.name")
    if "county" in data:
        raise ConfigError("err.config_unknown_key", key="county")
    return Config(hub=HubConfig(level, code, name), **_common(data))


def _common(data: dict[str, Any]) -> dict[str, Any]:
    """The keys every office has: language, operator and thresholds."""
    language = data.get("language", "zh")
    if language not in LANGUAGES:
        raise ConfigError("err.config_value", key="language")
    raw_thresholds = _table(data, "thresholds")
    defaults = asdict(Thresholds())
    for key, value in raw_thresholds.items():
        if key not in defaults:
            raise ConfigError("err.config_unknown_key", key=f"thresholds.{key}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError("err.config_value", key=f"thresholds.{key}")
    thresholds = Thresholds(**{**defaults, **raw_thresholds})
    thresholds.check()  # before int(): int(inf) and int(nan) raise
    thresholds.cert_expiry_warning_days = int(thresholds.cert_expiry_warning_days)
    thresholds.future_meeting_days = int(thresholds.future_meeting_days)
    thresholds.report_interval_days = int(thresholds.report_interval_days)
    backups = BackupPolicy(**{**asdict(BackupPolicy()), **_table(data, "backups", tuple(asdict(BackupPolicy())))})
    backups.check()
    evidence = EvidencePolicy(**{**asdict(EvidencePolicy()), **_table(data, "evidence", tuple(asdict(EvidencePolicy())))})
    evidence.check()
    return {
        "operator": _string(_table(data, "operator", ("name",)), "name", "operator.name"),
        "language": language,
        "thresholds": thresholds,
        "backups": backups,
        "evidence": evidence,
    }


def load_config(path: Path) -> Config | None:
    """The config at ``path``, or None when there is none yet (first start)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError("err.config_unreadable", path=str(path), reason=exc.strerror or str(exc)) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError("err.config_syntax", path=str(path), reason=str(exc)) from exc
    return parse_config(data)


def save_config(path: Path, config: Config) -> None:
    """Write the config atomically, with a header pointing at the documented example."""
    import tomli_w

    header = "# fazhi-tui configuration. Every key is documented in config.example.toml.\n\n"
    atomic_write_text(path, header + tomli_w.dumps(config.to_toml_dict()))
