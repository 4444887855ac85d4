"""Photos by sha256: a store behind a small interface, and resumable, verified uploads (DESIGN rule 3).

The store keeps a partial file per photo until every byte has arrived, then checks the sha256 and
only then makes the photo visible. `FilesystemPhotoStore` keeps files under the instance folder; an
object-storage store needs the same five methods.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Protocol

from sync.photos import ALLOWED_CONTENT_TYPES, MAX_PHOTO_BYTES, sniff_content_type

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes (\d{1,18})-(\d{1,18})/(\d{1,18})$")  # 18 digits: int() stays cheap and 64-bit


class PhotoStore(Protocol):
    def has(self, sha256: str) -> bool: ...
    def received(self, sha256: str) -> int: ...
    def write_at(self, sha256: str, offset: int, stream: BinaryIO, limit: int) -> int: ...
    def finish(self, sha256: str) -> bool: ...
    def open(self, sha256: str) -> BinaryIO: ...


class FilesystemPhotoStore:
    def __init__(self, root: str):
        self.root = root

    def _final(self, sha: str) -> str:
        return os.path.join(self.root, sha[:2], sha[2:4], sha)

    def _partial(self, sha: str) -> str:
        return os.path.join(self.root, "partial", sha + ".part")

    def has(self, sha256: str) -> bool:
        return os.path.exists(self._final(sha256))

    def received(self, sha256: str) -> int:
        if self.has(sha256):
            return os.path.getsize(self._final(sha256))
        try:
            return os.path.getsize(self._partial(sha256))
        except FileNotFoundError:
            return 0

    @contextmanager
    def _locked(self, sha: str) -> Iterator[BinaryIO]:
        path = self._partial(sha)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "r+b" if os.path.exists(path) else "w+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            yield fh

    def write_at(self, sha256: str, offset: int, stream: BinaryIO, limit: int) -> int:
        """Write at most `limit` bytes of `stream` at `offset`; the partial file ends there. Returns its size."""
        with self._locked(sha256) as fh:
            fh.truncate(offset)
            fh.seek(offset)
            left = limit
            while left > 0:
                chunk = stream.read(min(CHUNK, left))
                if not chunk:
                    break
                fh.write(chunk)
                left -= len(chunk)
            fh.flush()
            os.fsync(fh.fileno())
            return fh.tell()

    def finish(self, sha256: str) -> bool:
        """Verify the partial file's hash; move it into place if it matches, drop it if not."""
        partial = self._partial(sha256)
        digest = hashlib.sha256()
        with open(partial, "rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            os.unlink(partial)
            return False
        final = self._final(sha256)
        os.makedirs(os.path.dirname(final), exist_ok=True)
        os.replace(partial, final)
        return True

    def open(self, sha256: str) -> BinaryIO:
        return open(self._final(sha256), "rb")

    def head(self, sha256: str, n: int = 16) -> bytes:
        with open(self._partial(sha256), "rb") as fh:
            return fh.read(n)


class PhotoError(Exception):
    """A photo upload refused; `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str, received: int | None = None):
        super().__init__(message)
        self.status = status
        self.received = received


@dataclass(frozen=True)
class Chunk:
    start: int
    total: int
    length: int


def chunk_of(content_range: str | None, content_length: int | None) -> Chunk:
    """The part of the photo a PUT carries: all of it, or the `Content-Range: bytes a-b/total` part."""
    if content_length is None:
        raise PhotoError(411, "Send Content-Length with the photo bytes.")
    if not content_range:
        if content_length > MAX_PHOTO_BYTES:
            raise PhotoError(413, f"A photo may have at most {MAX_PHOTO_BYTES} bytes.")
        return Chunk(0, content_length, content_length)
    m = _RANGE.match(content_range.strip())
    if not m:
        raise PhotoError(422, "Content-Range must read 'bytes START-END/TOTAL' with a known total.")
    start, end, total = (int(g) for g in m.groups())
    if total > MAX_PHOTO_BYTES:
        raise PhotoError(413, f"A photo may have at most {MAX_PHOTO_BYTES} bytes; this one has {total}.")
    if not (start <= end < total) or end - start + 1 != content_length:
        raise PhotoError(422, f"Content-Range {content_range!r} does not match the {content_length} bytes sent.")
    return Chunk(start, total, content_length)


def check_type(declared: str | None, head: bytes) -> str:
    declared = (declared or "").split(";")[0].strip().lower()
    allowed = ", ".join(sorted(ALLOWED_CONTENT_TYPES))
    if declared not in ALLOWED_CONTENT_TYPES:
        raise PhotoError(415, f"Content-Type {declared or 'none'!r} is not accepted; send one of: {allowed}.")
    sniffed = sniff_content_type(head)
    if sniffed != declared:
        raise PhotoError(415, f"The bytes are not a {declared} image (they look like {sniffed or 'no image'}).")
    return declared
