"""Photo manifests: hash format, types, sizes, and which photos are still missing."""
import hashlib

import pytest

from sync.photos import (
    MAX_PHOTO_BYTES, missing_by_record, missing_photos, normalise_sha256, photo_problems, sniff_content_type,
)
from sync.records import PhotoRef

A, B, C = (hashlib.sha256(x).hexdigest() for x in (b"a", b"b", b"c"))


def ref(sha=A, size=1000, content_type="image/jpeg"):
    return PhotoRef(sha, size, content_type)


@pytest.mark.parametrize("text, expected", [(A, A), (A.upper(), A), (f" {A} ", A), (A[:-1], None),
                                            (A[:-1] + "g", None), ("", None), (None, None)])
def test_sha256_hex_is_normalised_or_refused(text, expected):
    assert normalise_sha256(text) == expected


def test_a_good_manifest_entry_has_no_problems():
    for content_type in ("image/jpeg", "image/png", "image/webp"):
        assert photo_problems(ref(content_type=content_type)) == []
    assert photo_problems(ref(size=MAX_PHOTO_BYTES)) == []


@pytest.mark.parametrize("entry, code", [
    (ref(sha="xyz"), "photo.bad_hash"),
    (ref(size=0), "photo.bad_size"),
    (ref(size=True), "photo.bad_size"),
    (ref(size=MAX_PHOTO_BYTES + 1), "photo.too_large"),
    (ref(content_type="video/mp4"), "photo.bad_type"),
    (ref(content_type="image/heic"), "photo.bad_type"),
])
def test_bad_manifest_entries_are_named(entry, code):
    problems = photo_problems(entry, "photos.0")
    assert [p.code for p in problems] == [code]
    assert problems[0].field.startswith("photos.0.")


def test_missing_photos_are_those_not_received_once_each_in_manifest_order():
    manifest = [ref(C), ref(A), ref(B), ref(C.upper())]
    assert [r.sha256 for r in missing_photos(manifest, {A})] == [C, B]
    assert missing_photos(manifest, {A.upper(), B, C}) == []


def test_missing_photos_are_listed_per_record_and_complete_records_are_left_out():
    manifests = {"r1": [ref(A), ref(B)], "r2": [ref(C)], "r3": []}
    assert {k: [r.sha256 for r in v] for k, v in missing_by_record(manifests, [B, C]).items()} == {"r1": [A]}


@pytest.mark.parametrize("head, expected", [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"RIFF\x24\x00\x00\x00AVI LIST", None),
    (b"\x00\x00\x00\x18ftypheic", None),
    (b"", None),
])
def test_the_first_bytes_tell_the_image_type(head, expected):
    assert sniff_content_type(head) == expected
