"""Key material kept in the office's ``keys`` folder, and the enrolment file format.

* ``keys/device.json``  (an enrolled office): this device's Ed25519 signing key.
* ``keys/enrolment.json`` (an enrolled office): what the hub above gave it — the hub's
  public signing and encryption keys, the office's code, the enrolment generation and
  its one-time secret.
* ``keys/hub.json`` (a hub): the hub's Ed25519 signing key and X25519 decryption key.

Private keys are written atomically to files only the owner can read.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fazhi_tui.base.files import atomic_write_text
from fazhi_tui.base.paths import Home
from fazhi_tui.sync import crypto
from fazhi_tui.sync.errors import BundleRefused

__all__ = [
    "Enrolment",
    "HubKeys",
    "load_hub_keys",
    "create_hub_keys",
    "load_device_key",
    "ensure_device_key",
    "load_enrolment",
    "save_enrolment",
    "parse_enrolment",
    "ENROLMENT_FORMAT",
]

ENROLMENT_FORMAT = "fazhi-tui-enrolment"
ENROLMENT_VERSION = 1
MAX_ENROLMENT_BYTES = 64 * 1024


@dataclass(frozen=True)
class Enrolment:
    """An office's membership of a hub, as the enrolment file says."""

    hub_level: str
    hub_code: str
    hub_name: str
    hub_signing_key: str  # base64 Ed25519 public key
    hub_box_key: str  # base64 X25519 public key
    member_code: str
    member_name: str
    generation: int
    secret: str  # base64
    issued_at: str

    def to_json(self) -> str:
        data = {"format": ENROLMENT_FORMAT, "format_version": ENROLMENT_VERSION, **asdict(self)}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class HubKeys:
    signing: Any  # Ed25519PrivateKey
    box: Any  # X25519PrivateKey

    @property
    def signing_public(self) -> str:
        return crypto.b64(crypto.public_signing_bytes(self.signing))

    @property
    def box_public(self) -> str:
        return crypto.b64(crypto.public_box_bytes(self.box))


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n", mode=0o600)


# -- hub -------------------------------------------------------------------------------------


def load_hub_keys(home: Home) -> HubKeys | None:
    data = _read_json(home.keys / "hub.json")
    if data is None:
        return None
    return HubKeys(
        crypto.load_signing_key(crypto.unb64(data["signing_key"])), crypto.load_box_key(crypto.unb64(data["box_key"]))
    )


def create_hub_keys(home: Home) -> HubKeys:
    """The hub's keys, made once (an existing pair is never replaced)."""
    existing = load_hub_keys(home)
    if existing is not None:
        return existing
    keys = HubKeys(crypto.new_signing_key(), crypto.new_box_key())
    _write_json(
        home.keys / "hub.json",
        {
            "signing_key": crypto.b64(crypto.private_bytes(keys.signing)),
            "box_key": crypto.b64(crypto.private_bytes(keys.box)),
        },
    )
    return keys


# -- enrolled office ---------------------------------------------------------------------------


def load_device_key(home: Home):
    data = _read_json(home.keys / "device.json")
    return None if data is None else crypto.load_signing_key(crypto.unb64(data["signing_key"]))


def ensure_device_key(home: Home):
    """This device's signing key, made on first enrolment."""
    key = load_device_key(home)
    if key is None:
        key = crypto.new_signing_key()
        _write_json(home.keys / "device.json", {"signing_key": crypto.b64(crypto.private_bytes(key))})
    return key


def parse_enrolment(text: str) -> Enrolment:
    """Read an enrolment file; BundleRefused with a clear reason if it is not one."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BundleRefused("err.enrolment_invalid", f"not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != ENROLMENT_FORMAT:
        raise BundleRefused("err.enrolment_invalid", "not an enrolment file")
    if data.get("format_version") != ENROLMENT_VERSION:
        raise BundleRefused("err.bundle_newer", f"enrolment format {data.get('format_version')!r}")
    fields = {name: data.get(name) for name in Enrolment.__dataclass_fields__}
    strings = [name for name in fields if name != "generation"]
    if any(not isinstance(fields[name], str) or not fields[name] or len(fields[name]) > 200 for name in strings):
        raise BundleRefused("err.enrolment_invalid", "missing or bad fields")
    if not isinstance(fields["generation"], int) or isinstance(fields["generation"], bool) or fields["generation"] < 1:
        raise BundleRefused("err.enrolment_invalid", "bad generation")
    try:
        for name in ("hub_signing_key", "hub_box_key", "secret"):
            if len(crypto.unb64(fields[name])) != 32:
                raise BundleRefused("err.enrolment_invalid", f"bad {name}")
    except crypto.CryptoError as exc:
        raise BundleRefused("err.enrolment_invalid", str(exc)) from exc
    return Enrolment(**fields)


def load_enrolment(home: Home) -> Enrolment | None:
    path = home.keys / "enrolment.json"
    try:
        return parse_enrolment(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def save_enrolment(home: Home, enrolment: Enrolment) -> None:
    atomic_write_text(home.keys / "enrolment.json", enrolment.to_json(), mode=0o600)
