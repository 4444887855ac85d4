"""Photos are content-addressed by sha256 (DESIGN rule 3): pure checks and bookkeeping.

A record lists the photos it expects (its manifest); the bytes arrive separately, maybe much
later, maybe in pieces. These helpers say which are still missing and whether a manifest entry
or an uploaded file is acceptable. Storing and resuming uploads belong to field_api.
"""
from __future__ import annotations

import re
from typing import Iterable, Mapping

from sync.problems import Problem
from sync.records import PhotoRef

ALLOWED_CONTENT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
# A cheap phone's camera gives 2–5 MB; 10 MB leaves room without letting a video through.
MAX_PHOTO_BYTES = 10 * 1024 * 1024

_SHA256 = re.compile(r"[0-9a-f]{64}")


def normalise_sha256(value: str) -> str | None:
    """Lowercase hex of a sha256 digest, or None if `value` is not 64 hex digits."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if _SHA256.fullmatch(value) else None


def photo_problems(ref: PhotoRef, field: str = "photo") -> list[Problem]:
    """What is wrong with one manifest entry (empty if nothing)."""
    problems = []
    if normalise_sha256(ref.sha256) is None:
        problems.append(Problem(f"{field}.sha256", "photo.bad_hash",
                                "El sha256 debe tener 64 dígitos hexadecimales"))
    if isinstance(ref.size, bool) or not isinstance(ref.size, int) or ref.size <= 0:
        problems.append(Problem(f"{field}.size", "photo.bad_size", "El tamaño debe ser un entero positivo"))
    elif ref.size > MAX_PHOTO_BYTES:
        problems.append(Problem(f"{field}.size", "photo.too_large",
                                f"La foto pesa {ref.size} bytes; el máximo es {MAX_PHOTO_BYTES}"))
    if ref.content_type not in ALLOWED_CONTENT_TYPES:
        allowed = ", ".join(sorted(ALLOWED_CONTENT_TYPES))
        problems.append(Problem(f"{field}.content_type", "photo.bad_type",
                                f"Tipo {ref.content_type!r} no admitido; se admiten: {allowed}"))
    return problems


def missing_photos(manifest: Iterable[PhotoRef], received: Iterable[str]) -> list[PhotoRef]:
    """Manifest entries whose bytes have not arrived, once each, in manifest order."""
    have = {normalise_sha256(s) or s for s in received}
    missing, seen = [], set()
    for ref in manifest:
        key = normalise_sha256(ref.sha256) or ref.sha256
        if key not in have and key not in seen:
            seen.add(key)
            missing.append(ref)
    return missing


def missing_by_record(manifests: Mapping[str, Iterable[PhotoRef]],
                      received: Iterable[str]) -> dict[str, list[PhotoRef]]:
    """For each record (by client UUID) with something missing, what is missing."""
    have = frozenset(normalise_sha256(s) or s for s in received)
    out = {}
    for client_uuid, manifest in manifests.items():
        missing = missing_photos(manifest, have)
        if missing:
            out[client_uuid] = missing
    return out


SNIFF_BYTES = 12  # the most `sniff_content_type` reads: WebP's signature


def sniff_content_type(head: bytes) -> str | None:
    """The image type the first bytes of a file show (JPEG, PNG, WebP), or None.

    A phone that labels a file wrongly should get a clear 415, not a broken photo in a file.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None
