"""Photo uploads on a flaky network, against a model of the resume protocol, on both backends.

Each example lists a new photo in a record's manifest, then sends a dozen PUTs a flaky phone might:
parts that start where the server stopped, or elsewhere; parts whose bytes were corrupted on the
way; a wrong total; a wrong or missing Content-Type; a Content-Range that says something else than
the bytes; and GETs of the state between them. A model of the protocol, a few lines long, says what
each answer must be:
- a malformed or inconsistent Content-Range is a 422 (413 past the size limit) and changes nothing;
- a part that starts neither at 0 nor where the server stopped is a 409 naming that byte;
- a first part that is not the declared image type is a 415, and nothing of it is kept;
- a part that ends short of its total is kept; one that reaches it completes the photo if the bytes
  hash to its address, else all bytes are dropped (422) and the phone starts again;
- a complete photo stays complete, whatever is sent after.
After the noise, the phone sends the rest properly: the photo completes, the bytes served are the
photo's, and no reply lists it as missing any more.

It found a first part too short to show the image type (a byte or two) refused as "no image": the
type is now checked once the first bytes that show it are in.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.photos import MAX_PHOTO_BYTES
from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401
from tests.sync_support import cut, sha, upload_body

UPLOADS = "/api/v1/sync/uploads"
_serial = itertools.count(1)


ALLOWED = {"image/jpeg", "image/png", "image/webp"}
HEAD = 12  # the bytes that show an image's type (WebP's signature is the longest)


@dataclass
class Model:
    """The resume protocol, for a JPEG listed as image/jpeg: the bytes the server holds, and whether
    the photo is complete."""

    photo: bytes
    held: bytes = b""
    complete: bool = False

    def put(self, start: int, body: bytes, total: int, content_type: str | None) -> tuple[int, int]:
        """The status a well-formed part must get, and the byte count the answer names."""
        if self.complete:
            return 200, len(self.photo)
        if start not in (0, len(self.held)):
            return 409, len(self.held)
        new, head = self.held[:start] + body, min(HEAD, total)
        if start == 0 or start < head <= len(new):  # the first part, or the one that completes the head
            claimed = content_type if start == 0 else "image/jpeg"  # the manifest's type
            shows = "image/jpeg" if new.startswith(b"\xff\xd8\xff") else None
            if claimed not in ALLOWED or (len(new) >= head and shows != claimed):
                self.held = b""
                return 415, 0
        self.held = new
        if len(new) < total:
            return 200, len(new)
        if len(new) > total or new != self.photo:
            self.held = b""
            return 422, 0
        self.complete = True
        return 200, len(new)


def photo_of(n: int, length: int) -> bytes:
    """A JPEG of its own: numbered `n`, in a field of fixed width, so its size is the drawn one."""
    return b"\xff\xd8\xff\xe0" + f"{n:08d}".encode() + b"foto " * length


def listed(day, data: bytes, n: int) -> str:
    """A cut whose manifest lists `data`, uploaded; the photo's URL."""
    manifest = [{"sha256": sha(data), "size": len(data), "content_type": "image/jpeg"}]
    record = cut(day["cuts"][n % 3].id, 50_000 + n, "paid_on_site", reading=None, photos=manifest)
    reply = day["cutter"].post(UPLOADS, json=upload_body([record])).get_json()
    assert reply["results"][0]["status"] in ("accepted", "conflict"), reply
    return f"/api/v1/sync/photos/{sha(data)}"


def put(day, url: str, body: bytes, content_type: str | None, content_range: str | None):
    headers = {"Content-Range": content_range} if content_range is not None else {}
    return day["cutter"].put(url, data=body, headers=headers, **({"content_type": content_type} if content_type
                                                                  else {}))


@st.composite
def part(draw, model: Model):
    """A PUT a flaky phone might send: (start, body, total, content type, Content-Range or None)."""
    size = len(model.photo)
    have = len(model.held)
    start = draw(st.sampled_from([0, have, have, have + 1, max(have - 1, 0), size - 1]))
    start = min(max(start, 0), size - 1)
    length = draw(st.sampled_from([1, 2, 7, 11, 13, size // 3, size - start, size - start + 5]))
    body = bytearray(model.photo[start:start + length])
    if len(body) < length:  # more than the photo has: padded, as a buggy client would
        body += b"\0" * (length - len(body))
    if draw(st.integers(0, 5)) == 0 and body:  # a byte corrupted on the way
        i = draw(st.integers(0, len(body) - 1))
        body[i] ^= 0xFF
    total = draw(st.sampled_from([size, size, size, size - 1, size + 1, start + len(body)]))
    content_type = draw(st.sampled_from(["image/jpeg", "image/jpeg", "image/jpeg", None, "image/png",
                                         "text/plain"]))
    shape = draw(st.sampled_from(["range", "range", "range", "whole", "liar", "garbage", "huge"]))
    end = start + len(body) - 1
    content_range = {"range": f"bytes {start}-{end}/{total}", "whole": None,
                     "liar": f"bytes {start}-{end + 1}/{total}",
                     "garbage": draw(st.sampled_from(["bytes */10", "bytes 0-/5", "bytes=0-1/2", "items 0-1/2",
                                                      "bytes -1-3/9", "bytes 5-2/9", " "])),
                     "huge": f"bytes {start}-{end}/{MAX_PHOTO_BYTES + 1}"}[shape]
    return start, bytes(body), total, content_type, content_range, shape


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_a_flaky_photo_upload_answers_as_the_resume_protocol_says_and_completes_with_the_photo_s_own_bytes(
        field_day, data):
    n = next(_serial)
    model = Model(photo_of(n, data.draw(st.integers(10, 400))))
    url = listed(field_day, model.photo, n)
    for _ in range(data.draw(st.integers(1, 12))):
        if data.draw(st.integers(0, 4)) == 0:
            state = field_day["cutter"].get(url).get_json()
            assert (state["received_bytes"], state["complete"]) == (
                len(model.photo) if model.complete else len(model.held), model.complete), state
            continue
        start, body, total, content_type, content_range, shape = data.draw(part(model))
        response = put(field_day, url, body, content_type, content_range)
        if shape == "whole":  # all of it, from byte 0, whatever the model's total
            start, total = 0, len(body)
        if shape in ("liar", "garbage") or (shape == "range" and start + len(body) > total):
            expected, held = 422, None  # a range that ends past its total says something else too
        elif shape == "huge":
            expected, held = 413, None
        else:
            expected, held = model.put(start, body, total, content_type)
        assert response.status_code == expected, (shape, start, len(body), total, content_type,
                                                  response.get_json(), model)
        if expected == 200:
            assert response.get_json()["received_bytes"] == held
            assert response.get_json()["complete"] is model.complete
        if expected in (409, 422) and held is not None:
            assert response.headers["Upload-Offset"] == str(held)

    # The phone asks where to go on, and sends the rest properly.
    state = field_day["cutter"].get(url).get_json()
    if not state["complete"]:
        have, size = state["received_bytes"], len(model.photo)
        finished = None
        if have < size:  # what it holds may be a start of the photo: resume
            finished = put(field_day, url, model.photo[have:], "image/jpeg", f"bytes {have}-{size - 1}/{size}")
        if finished is None or finished.status_code in (415, 422):  # not a start of it: all again, from byte 0
            finished = put(field_day, url, model.photo, "image/jpeg", None)
        assert finished.status_code == 200 and finished.get_json()["complete"] is True, finished.get_json()
    served = field_day["cutter"].get(url).get_json()
    assert (served["received_bytes"], served["complete"]) == (len(model.photo), True)
    reply = field_day["cutter"].post(UPLOADS, json=upload_body([cut(field_day["cuts"][0].id, 60_000 + n)])).get_json()
    assert sha(model.photo) not in [p["sha256"] for p in reply["missing_photos"]]

