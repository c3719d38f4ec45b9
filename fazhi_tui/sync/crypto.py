"""The cryptography of bundles, from standard constructions of the ``cryptography`` library.

* Signing: Ed25519. Every bundle's manifest is signed by the device (up) or hub (down)
  that made it; the manifest holds the SHA-256 digest of every other part.
* Encryption of up-bundles ("sealed box"): an ephemeral X25519 key agreement with the
  hub's public key, HKDF-SHA256 to a 256-bit key, AES-256-GCM with a random nonce and
  the manifest's identity as associated data. Only the hub's private key opens it.
* Enrolment proof: HMAC-SHA256 of the device's public key under the one-time secret in
  the enrolment file, so the hub binds each device key to an enrolment it issued.

Nothing here is home-made: only these library primitives, composed in the usual way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "CryptoError",
    "b64",
    "unb64",
    "sha256_hex",
    "new_signing_key",
    "new_box_key",
    "public_signing_bytes",
    "public_box_bytes",
    "private_bytes",
    "load_signing_key",
    "load_box_key",
    "sign",
    "verify",
    "seal",
    "unseal",
    "enrolment_proof",
    "check_enrolment_proof",
    "new_secret",
]

_HKDF_INFO = b"fazhi-tui sealed bundle v1"
NONCE_SIZE = 12


class CryptoError(Exception):
    """A signature that does not verify or a ciphertext that does not open."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise CryptoError("bad base64") from exc


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_secret() -> bytes:
    return os.urandom(32)


# -- keys ------------------------------------------------------------------------------------


def new_signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def new_box_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def public_signing_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_box_bytes(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_bytes(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def load_signing_key(raw: bytes) -> Ed25519PrivateKey:
    try:
        return Ed25519PrivateKey.from_private_bytes(raw)
    except ValueError as exc:
        raise CryptoError("bad signing key") from exc


def load_box_key(raw: bytes) -> X25519PrivateKey:
    try:
        return X25519PrivateKey.from_private_bytes(raw)
    except ValueError as exc:
        raise CryptoError("bad encryption key") from exc


# -- signatures ------------------------------------------------------------------------------


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    return key.sign(data)


def verify(public: bytes, signature: bytes, data: bytes) -> None:
    """Raise CryptoError unless ``signature`` is ``public``'s signature of ``data``."""
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError) as exc:
        raise CryptoError("signature does not verify") from exc


# -- sealed box ------------------------------------------------------------------------------


def _derive(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + recipient_public, info=_HKDF_INFO).derive(
        shared
    )


def seal(recipient_public: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """Encrypt for the holder of the X25519 private key matching ``recipient_public``.

    Output: ephemeral public key (32) ‖ nonce (12) ‖ AES-GCM ciphertext with tag.
    """
    try:
        recipient = X25519PublicKey.from_public_bytes(recipient_public)
    except ValueError as exc:
        raise CryptoError("bad recipient key") from exc
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = public_box_bytes(ephemeral)
    key = _derive(ephemeral.exchange(recipient), ephemeral_public, recipient_public)
    nonce = os.urandom(NONCE_SIZE)
    return ephemeral_public + nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def unseal(private: X25519PrivateKey, sealed: bytes, associated: bytes) -> bytes:
    """Open what :func:`seal` made; CryptoError if it was not made for this key or was changed."""
    if len(sealed) < 32 + NONCE_SIZE + 16:
        raise CryptoError("ciphertext too short")
    ephemeral_public, nonce, body = sealed[:32], sealed[32 : 32 + NONCE_SIZE], sealed[32 + NONCE_SIZE :]
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _derive(shared, ephemeral_public, public_box_bytes(private))
        return AESGCM(key).decrypt(nonce, body, associated)
    except (InvalidTag, ValueError) as exc:
        raise CryptoError("ciphertext does not open with this key") from exc


# -- enrolment proof -------------------------------------------------------------------------


def enrolment_proof(secret: bytes, device_public: bytes, device_id: str) -> str:
    return hmac.new(secret, device_public + device_id.encode("utf-8"), hashlib.sha256).hexdigest()


def check_enrolment_proof(secret: bytes, device_public: bytes, device_id: str, proof: str) -> bool:
    return hmac.compare_digest(enrolment_proof(secret, device_public, device_id), proof)
