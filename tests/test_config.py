import math
import os
import tomllib
from pathlib import Path

import pytest

from fazhi_tui.base.config import Config, ConfigError, Thresholds, load_config, parse_config, save_config

EXAMPLE = Path(__file__).resolve().parents[1] / "config.example.toml"


def minimal(**extra):
    return {"township": {"code": "640302100", "name": "金星镇"}, **extra}


def flat_keys(table, prefix=""):
    keys = set()
    for key, value in table.items():
        if isinstance(value, dict):
            keys |= flat_keys(value, f"{prefix}{key}.")
        else:
            keys.add(f"{prefix}{key}")
    return keys


def test_round_trip_with_chinese_names(tmp_path):
    config = Config(
        township_code="640302100",
        township_name="金星镇",
        county_code="640302",
        county_name="利通区",
        operator="张明 \"小张\"",
        language="en",
        thresholds=Thresholds(cert_expiry_warning_days=60, future_meeting_days=400, year_at_risk_fraction=0.5),
    )
    path = tmp_path / "sub" / "config.toml"
    save_config(path, config)
    text = path.read_text(encoding="utf-8")
    assert "金星镇" in text and "利通区" in text  # readable in a text editor, not \u escapes
    assert load_config(path) == config
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temporary file left


def test_save_replaces_existing_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("old", encoding="utf-8")
    save_config(path, parse_config(minimal()))
    assert load_config(path).township_name == "金星镇"
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_failed_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    import fazhi_tui.base.files as fsutil

    path = tmp_path / "config.toml"
    save_config(path, parse_config(minimal()))
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk pulled out")

    monkeypatch.setattr(fsutil.os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_config(path, parse_config(minimal(operator={"name": "新"})))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_defaults():
    config = parse_config(minimal())
    assert config.county_code == "640302"  # from the township code
    assert config.language == "zh" and config.operator == "" and config.county_name == ""
    assert config.thresholds == Thresholds()


def test_twelve_digit_code_and_spaces():
    config = parse_config({"township": {"code": " 640302100000 ", "name": " 金星镇 "}})
    assert config.township_code == "640302100" and config.township_name == "金星镇"


@pytest.mark.parametrize(
    "data, key",
    [
        (minimal(colour="red"), "colour"),
        (minimal(thresholds={"cert_days": 30}), "thresholds.cert_days"),
        ({"township": {"code": "640302100", "name": "金星镇", "nmae": "x"}}, "township.nmae"),
        (minimal(county={"code": "640302", "nmae": "x"}), "county.nmae"),
        (minimal(operator={"nmae": "张明"}), "operator.nmae"),
    ],
)
def test_unknown_key_refused(data, key):
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert info.value.key == "err.config_unknown_key" and info.value.params == {"key": key}


@pytest.mark.parametrize(
    "data, key",
    [
        ({}, "township.code"),
        ({"township": {"code": "640302000", "name": "金星镇"}}, "township.code"),
        ({"township": {"code": "12345", "name": "金星镇"}}, "township.code"),
        ({"township": {"code": 640302100, "name": "金星镇"}}, "township.code"),
        ({"township": {"code": "640302100", "name": "  "}}, "township.name"),
        ({"township": "640302100"}, "township"),
        (minimal(county={"code": "640300"}), "county.code"),  # not the township's county
            (minimal(county={"code": "640000"}), "county.code"),
        (minimal(county={"name": 3}), "county.name"),
        (minimal(operator={"name": ["张明"]}), "operator.name"),
        (minimal(language="fr"), "language"),
    ],
)
def test_bad_value_refused(data, key):
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert info.value.key == "err.config_value" and info.value.params == {"key": key}


@pytest.mark.parametrize(
    "key, value",
    [
        ("cert_expiry_warning_days", -1),
        ("cert_expiry_warning_days", 5000),
        ("cert_expiry_warning_days", "90"),
        ("cert_expiry_warning_days", True),
        ("future_meeting_days", 0),
        ("future_meeting_days", math.inf),
        ("future_meeting_days", math.nan),
        ("cert_expiry_warning_days", math.nan),
        ("year_at_risk_fraction", 0),
        ("year_at_risk_fraction", 1),
        ("year_at_risk_fraction", 1.5),
        ("year_at_risk_fraction", math.nan),
    ],
)
def test_bad_threshold_refused(key, value):
    with pytest.raises(ConfigError) as info:
        parse_config(minimal(thresholds={key: value}))
    assert info.value.key == "err.config_value" and info.value.params == {"key": f"thresholds.{key}"}


def test_thresholds_read_from_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        '[township]\ncode = "640302100"\nname = "金星镇"\n[thresholds]\nfuture_meeting_days = inf\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.params == {"key": "thresholds.future_meeting_days"}
    path.write_text('[township]\ncode = "640302100"\nname = "金星镇"\n[thresholds]\ncert_expiry_warning_days = 30\n', encoding="utf-8")
    thresholds = load_config(path).thresholds
    assert thresholds.cert_expiry_warning_days == 30 and isinstance(thresholds.cert_expiry_warning_days, int)


def test_bom_tolerated(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes("\ufeff".encode() + '[township]\ncode = "640302100"\nname = "金星镇"\n'.encode())
    assert load_config(path).township_name == "金星镇"


def test_missing_file_is_none(tmp_path):
    assert load_config(tmp_path / "absent.toml") is None


def test_syntax_error_and_bad_encoding(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[township\ncode = ", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == "err.config_syntax" and info.value.params["path"] == str(path)
    path.write_bytes('[township]\nname = "金星镇"\n'.encode("gbk"))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == "err.config_syntax"


def test_unreadable_path(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)  # a folder, not a file
    assert info.value.key == "err.config_unreadable"


def test_example_parses_and_documents_every_key():
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    config = parse_config(data)
    assert config.township_code == "640302100"
    assert flat_keys(data) == flat_keys(config.to_toml_dict())
    # the example shows the defaults
    assert config.thresholds == Thresholds()
    assert config.language == "zh"


def test_home_from_environment_and_argument(tmp_path, monkeypatch):
    from fazhi_tui.base.paths import HOME_ENV, resolve_home

    home = resolve_home()  # the autouse fixture points FAZHI_TUI_HOME at a temporary folder
    assert str(home.data_dir) == os.environ[HOME_ENV] and home.config_dir == home.data_dir
    assert home.config.name == "config.toml" and home.database.name == "fazhi.db"
    assert home.backups.parent == home.data_dir
    chosen = resolve_home(tmp_path / "stick")
    assert chosen.data_dir == (tmp_path / "stick").resolve()
    assert not chosen.data_dir.exists()
    chosen.ensure()
    assert chosen.data_dir.is_dir()


def test_backup_counts_read_checked_and_written(tmp_path):
    from fazhi_tui.base.config import BackupPolicy

    assert parse_config(minimal()).backups == BackupPolicy(7, 4, 12)
    config = parse_config(minimal(backups={"daily": 10, "monthly": 0}))
    assert config.backups == BackupPolicy(daily=10, weekly=4, monthly=0)
    path = tmp_path / "config.toml"
    save_config(path, config)
    assert load_config(path).backups == BackupPolicy(10, 4, 0)
    for bad in ({"daily": -1}, {"weekly": 1.5}, {"monthly": True}, {"monthly": "12"}, {"daily": 100000}):
        with pytest.raises(ConfigError) as info:
            parse_config(minimal(backups=bad))
        assert info.value.key == "err.config_value" and info.value.params["key"].startswith("backups.")
    with pytest.raises(ConfigError) as info:
        parse_config(minimal(backups={"hourly": 3}))
    assert info.value.key == "err.config_unknown_key" and info.value.params["key"] == "backups.hourly"
    example = parse_config(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")))
    assert example.backups == BackupPolicy()


def test_evidence_file_limit_read_checked_and_written(tmp_path):
    from fazhi_tui.base.config import EvidencePolicy

    assert parse_config(minimal()).evidence == EvidencePolicy(20)
    assert parse_config(minimal()).evidence.max_file_bytes == 20 * 1024 * 1024
    config = parse_config(minimal(evidence={"max_file_mb": 5}))
    path = tmp_path / "config.toml"
    save_config(path, config)
    assert load_config(path).evidence == EvidencePolicy(5)
    for bad in ({"max_file_mb": 0}, {"max_file_mb": 2.5}, {"max_file_mb": True}, {"max_file_mb": 10000}):
        with pytest.raises(ConfigError) as info:
            parse_config(minimal(evidence=bad))
        assert info.value.key == "err.config_value" and info.value.params["key"] == "evidence.max_file_mb"
    with pytest.raises(ConfigError) as info:
        parse_config(minimal(evidence={"types": ["exe"]}))
    assert info.value.key == "err.config_unknown_key"
    example = parse_config(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")))
    assert example.evidence == EvidencePolicy()
