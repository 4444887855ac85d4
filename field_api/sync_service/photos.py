"""Photos by sha256: a store behind a small interface, and resumable, verified uploads (DESIGN rule 3).

The store keeps a partial file per photo until every byte has arrived, then checks the sha256 and
only then makes the photo visible. `FilesystemPhotoStore` keeps files under the instance folder; an
object-storage store needs the same methods. Each photo has a lock, held across a whole PUT, so that
concurrent PUTs of one photo (a retry racing its first attempt) never write into each other's bytes.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
import time
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Protocol

from sync.photos import ALLOWED_CONTENT_TYPES, MAX_PHOTO_BYTES, sniff_content_type

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes (\d{1,18})-(\d{1,18})/(\d{1,18})$")  # 18 digits: int() stays cheap and 64-bit


class PartialPhoto(Protocol):
    """A photo's bytes received so far, held under the photo's lock (`PhotoStore.exclusive`)."""

    def size(self) -> int: ...
    def write_at(self, offset: int, stream: BinaryIO, limit: int) -> int: ...
    def head(self, n: int = 16) -> bytes: ...
    def finish(self) -> bool: ...


class PhotoStore(Protocol):
    def has(self, sha256: str) -> bool: ...
    def received(self, sha256: str) -> int: ...
    def exclusive(self, sha256: str) -> AbstractContextManager[PartialPhoto]: ...
    def open(self, sha256: str) -> BinaryIO: ...


# How long a PUT waits for another PUT of the same photo (a retry racing its own first attempt).
LOCK_WAIT_S = 5.0
_LOCK_POLL_S = 0.05


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
    def exclusive(self, sha256: str) -> Iterator[_PartialFile]:
        """The photo's partial file, locked: every check, write, hash and move of one photo happens
        inside, one request at a time. A PUT that waits longer than LOCK_WAIT_S gets a 409."""
        path = self._partial(sha256)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = _lock_current(path, time.monotonic() + LOCK_WAIT_S)
        partial = _PartialFile(fd, path, self._final(sha256), sha256)
        try:
            yield partial
        finally:
            # Nothing to resume from (complete, refused or empty): drop the file while still locked;
            # a waiter then finds its descriptor no longer names the path and opens the path anew.
            if not partial.moved and (self.has(sha256) or partial.size() == 0):
                os.unlink(path)
            os.close(fd)

    def open(self, sha256: str) -> BinaryIO:
        return open(self._final(sha256), "rb")


def _lock_current(path: str, deadline: float) -> int:
    """A descriptor of the file at `path` (created if missing, never truncated), locked, that is
    still the file at `path`: the holder before may have moved it into place or removed it."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise PhotoError(409, "Another upload of this photo is in progress; send it again in a "
                                              "few seconds.") from None
                    time.sleep(_LOCK_POLL_S)
            try:
                current = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                current = False
        except BaseException:
            os.close(fd)
            raise
        if current:
            return fd
        os.close(fd)


class _PartialFile:
    def __init__(self, fd: int, path: str, final: str, sha256: str):
        self.fd, self.path, self.final, self.sha256 = fd, path, final, sha256
        self.moved = False

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def write_at(self, offset: int, stream: BinaryIO, limit: int) -> int:
        """Write at most `limit` bytes of `stream` at `offset`; the file ends there. Returns its size."""
        os.ftruncate(self.fd, offset)
        position, left = offset, limit
        while left > 0:
            chunk = stream.read(min(CHUNK, left))
            if not chunk:
                break
            view = memoryview(chunk)
            while view:
                written = os.pwrite(self.fd, view, position)
                position += written
                view = view[written:]
            left -= len(chunk)
        os.fsync(self.fd)
        return position

    def head(self, n: int = 16) -> bytes:
        return os.pread(self.fd, n, 0)

    def finish(self) -> bool:
        """Verify the hash; if it matches, move the file into place (still locked), else empty it."""
        digest, position = hashlib.sha256(), 0
        while chunk := os.pread(self.fd, CHUNK, position):
            digest.update(chunk)
            position += len(chunk)
        if digest.hexdigest() != self.sha256:
            os.ftruncate(self.fd, 0)
            return False
        os.makedirs(os.path.dirname(self.final), exist_ok=True)
        os.replace(self.path, self.final)
        self.moved = True
        return True


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


def check_declared(declared: str | None) -> str:
    """The declared image type, if it is one we take (415 if not)."""
    declared = (declared or "").split(";")[0].strip().lower()
    allowed = ", ".join(sorted(ALLOWED_CONTENT_TYPES))
    if declared not in ALLOWED_CONTENT_TYPES:
        raise PhotoError(415, f"Content-Type {declared or 'none'!r} is not accepted; send one of: {allowed}.")
    return declared


def check_type(declared: str | None, head: bytes) -> str:
    """The declared image type, if it is one we take and the first bytes are of that type (415 if not)."""
    declared = check_declared(declared)
    sniffed = sniff_content_type(head)
    if sniffed != declared:
        raise PhotoError(415, f"The bytes are not a {declared} image (they look like {sniffed or 'no image'}).")
    return declared
