"""Scans encrypted at rest (AES-256-GCM), so that a copied disk, bucket or backup shows no ID card.

Every stored photo (scans and their thumbnails, intake photos, the chunks of a phone's upload) and
every backup is written through this module and read back only where an authorised view serves it or
a worker processes it.

Keys come from `settings.SCAN_ENCRYPTION_KEYS`, ``"id1:base64key,id2:base64key"``: the first key
encrypts, every key listed decrypts (so a key is rotated by putting a new one first, running
`rotate_scan_key`, then dropping the old one). Production requires the variable; the embedded default
(a laptop, `bin/demo`) makes one key once in `SCAN_ENCRYPTION_KEY_FILE` under var/.

A stored file (one photo, read whole):

    b"LPE1" | key id length (1 byte) | key id | nonce (12 bytes) | ciphertext and tag

A stream (a backup, too large to hold in memory), cut into segments of 1 MiB:

    b"LPS1" | key id length | key id | nonce prefix (7 bytes) | segment, segment, ..., last segment

each segment sealed with the nonce prefix + its number (4 bytes) + 1 if it is the last (1 byte), so
that segments cannot be reordered, dropped or the stream cut short unnoticed. The header is the
associated data of every seal: a file cannot be passed off under another key id.

A file without the magic was stored before encryption was turned on: it is read as it is while its
row records no key (`key_id` ""), and `rotate_scan_key` encrypts it.
"""

from __future__ import annotations

import base64
import binascii
import functools
import io
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage

MAGIC = b"LPE1"
STREAM_MAGIC = b"LPS1"
NONCE_BYTES = 12
TAG_BYTES = 16
SEGMENT_BYTES = 1024 * 1024
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class ScanKeyError(Exception):
    """A stored file cannot be decrypted: its key is not configured, the key id recorded for it is not
    the one it was sealed with, or the file was changed. The message says which, for the operator."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, AESGCM]

    def cipher(self, key_id: str, *, what: str = "file") -> AESGCM:
        try:
            return self.keys[key_id]
        except KeyError:
            known = ", ".join(self.keys) or "none"
            raise ScanKeyError(
                f"{what} is encrypted under key {key_id!r}, which is not in SCAN_ENCRYPTION_KEYS (known: {known})"
            ) from None


def new_key() -> str:
    """A fresh key, as it is written in SCAN_ENCRYPTION_KEYS (after "id:")."""
    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()


@functools.lru_cache(maxsize=8)
def parse_keys(raw: str) -> Keyring:
    """``"id1:base64key,id2:base64key"`` → keyring; a malformed value stops the portal with its reason."""
    keys: dict[str, AESGCM] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        key_id = key_id.strip()
        if not sep or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                "SCAN_ENCRYPTION_KEYS: each key is written id:base64key (id of letters, digits, . _ -)"
            )
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"SCAN_ENCRYPTION_KEYS: key {key_id!r} is not valid base64") from None
        if len(key) != 32:
            raise ImproperlyConfigured(f"SCAN_ENCRYPTION_KEYS: key {key_id!r} must be 32 bytes (AES-256)")
        if key_id in keys:
            raise ImproperlyConfigured(f"SCAN_ENCRYPTION_KEYS: key id {key_id!r} appears twice")
        keys[key_id] = AESGCM(key)
    if not keys:
        raise ImproperlyConfigured("SCAN_ENCRYPTION_KEYS is empty")
    return Keyring(current_id=next(iter(keys)), keys=keys)


def _local_keys(path: Path) -> str:
    """The embedded default's key, made once (readable by the portal's user only)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        value = f"local-{secrets.token_hex(4)}:{new_key()}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(value + "\n")
    return path.read_text().strip()


def keyring() -> Keyring:
    raw = getattr(settings, "SCAN_ENCRYPTION_KEYS", "")
    if not raw:
        key_file = getattr(settings, "SCAN_ENCRYPTION_KEY_FILE", None)
        if not key_file:
            raise ImproperlyConfigured("SCAN_ENCRYPTION_KEYS must be set: scans are encrypted at rest")
        raw = _local_keys(Path(key_file))
    return parse_keys(raw)


def current_key_id() -> str:
    return keyring().current_id


# --- one file ---------------------------------------------------------------------------------


def _header(magic: bytes, key_id: str) -> bytes:
    encoded = key_id.encode("ascii")
    return magic + bytes([len(encoded)]) + encoded


def _split_header(blob: bytes, magic: bytes) -> tuple[bytes, str, int]:
    """(header, key id, offset after the header); ScanKeyError when the header is cut short."""
    if len(blob) < len(magic) + 1:
        raise ScanKeyError("encrypted file is cut short")
    length = blob[len(magic)]
    end = len(magic) + 1 + length
    if len(blob) < end:
        raise ScanKeyError("encrypted file is cut short")
    return blob[:end], blob[len(magic) + 1 : end].decode("ascii", "replace"), end


def encrypt(data: bytes) -> tuple[bytes, str]:
    """(sealed bytes, id of the key used: the current one)."""
    ring = keyring()
    header = _header(MAGIC, ring.current_id)
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + ring.cipher(ring.current_id).encrypt(nonce, data, header), ring.current_id


def key_id_of(blob: bytes) -> str:
    """The key a stored file is sealed with ("" for a file stored before encryption)."""
    if blob.startswith(MAGIC):
        return _split_header(blob, MAGIC)[1]
    if blob.startswith(STREAM_MAGIC):
        return _split_header(blob, STREAM_MAGIC)[1]
    return ""


def decrypt(blob: bytes, *, key_id: str | None = None, what: str = "file") -> bytes:
    """The original bytes. `key_id`: the key recorded for the file in the database, checked against
    the file's own header ("" or None: nothing recorded, a file stored before encryption is allowed)."""
    if not blob.startswith(MAGIC):
        if key_id:
            raise ScanKeyError(f"{what} is recorded under key {key_id!r} but is not an encrypted file")
        return blob
    header, sealed_with, offset = _split_header(blob, MAGIC)
    if key_id and key_id != sealed_with:
        raise ScanKeyError(f"{what} is recorded under key {key_id!r} but was encrypted under key {sealed_with!r}")
    nonce = blob[offset : offset + NONCE_BYTES]
    try:
        return keyring().cipher(sealed_with, what=what).decrypt(nonce, blob[offset + NONCE_BYTES :], header)
    except InvalidTag:
        raise ScanKeyError(
            f"{what} cannot be decrypted with key {sealed_with!r}: the key is wrong or the file was changed"
        ) from None


def save_encrypted(name: str, data: bytes, *, storage: Storage | None = None) -> tuple[str, str]:
    """Store `data` sealed under the current key; (stored name, key id)."""
    sealed, key_id = encrypt(data)
    return (storage or default_storage).save(name, ContentFile(sealed)), key_id


def read_decrypted(name: str, *, key_id: str | None = None, storage: Storage | None = None) -> bytes:
    with (storage or default_storage).open(name, "rb") as handle:
        blob = handle.read()
    return decrypt(blob, key_id=key_id, what=name)


def open_decrypted(name: str, *, key_id: str | None = None, storage: Storage | None = None) -> io.BytesIO:
    """The original bytes as an open file (to stream in a response or hand to a service)."""
    return io.BytesIO(read_decrypted(name, key_id=key_id, storage=storage))


# --- streams (backups) ------------------------------------------------------------------------


def _segment_nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """A write-only file that seals what is written to `target` in segments (tarfile, pg_dump's output).

    `close()` writes the last segment; a stream never closed cannot be read back (it has no last one)."""

    def __init__(self, target: BinaryIO):
        super().__init__()
        ring = keyring()
        self.key_id = ring.current_id
        self._cipher = ring.cipher(ring.current_id)
        self._target = target
        self._prefix = os.urandom(7)
        self._header = _header(STREAM_MAGIC, self.key_id) + self._prefix
        self._buffer = bytearray()
        self._index = 0
        target.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > SEGMENT_BYTES:  # strictly more: the last segment is never empty
            self._seal(bytes(self._buffer[:SEGMENT_BYTES]), last=False)
            del self._buffer[:SEGMENT_BYTES]
        return len(data)

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        if self._index >= 2**32 - 1:
            raise ValueError("stream too long")
        nonce = _segment_nonce(self._prefix, self._index, last)
        self._target.write(self._cipher.encrypt(nonce, chunk, self._header))
        self._index += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._target.flush()
        super().close()


def decrypt_stream(source: Readable, *, what: str = "backup") -> Iterator[bytes]:
    """The original bytes of a sealed stream, segment by segment; ScanKeyError if anything is off."""
    start = source.read(len(STREAM_MAGIC) + 1)
    if not start.startswith(STREAM_MAGIC) or len(start) < len(STREAM_MAGIC) + 1:
        raise ScanKeyError(f"{what} is not an encrypted stream")
    key_id_bytes = source.read(start[-1])
    prefix = source.read(7)
    if len(prefix) != 7:
        raise ScanKeyError(f"{what} is cut short")
    header = start + key_id_bytes + prefix
    key_id = key_id_bytes.decode("ascii", "replace")
    cipher = keyring().cipher(key_id, what=what)
    size = SEGMENT_BYTES + TAG_BYTES
    index = 0
    pending = source.read(size)
    while True:
        following = source.read(size) if len(pending) == size else b""
        last = not following
        try:
            yield cipher.decrypt(_segment_nonce(prefix, index, last), pending, header)
        except InvalidTag:
            raise ScanKeyError(
                f"{what} cannot be decrypted with key {key_id!r}: wrong key, or the file was cut or changed"
            ) from None
        if last:
            return
        pending, index = following, index + 1


class DecryptingReader(io.RawIOBase):
    """A read-only file over a sealed stream (tarfile in stream mode, pg_restore's input)."""

    def __init__(self, source: Readable, *, what: str = "backup"):
        super().__init__()
        self._segments = decrypt_stream(source, what=what)
        self._buffer = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not len(self._buffer):
            try:
                self._buffer = memoryview(next(self._segments))
            except StopIteration:
                return 0
        count = min(len(target), len(self._buffer))
        target[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count
