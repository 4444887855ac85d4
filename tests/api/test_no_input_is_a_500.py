"""Every operation of openapi.yaml, fed hostile input one field at a time: a 4xx at worst, never a 500.

For each operation, each query parameter and each top-level body field in turn takes each of a few
values that have broken APIs like this one (numbers past a 32- or 64-bit column, NUL characters,
impossible dates, wrong types), with the rest of the body plausible; ids in the path likewise. A
write is sent with the entry's current ETag, so that it reaches the database. It found three
filters that overflowed a column into a 500.
"""
import json
import re
from pathlib import Path

import pytest
import yaml

from tests.api.conftest import as_role
from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text())
HOSTILE = [None, -1, 2**31, 2**63 - 1, 10**30, 1e308, "", "\u0000", "9999-12-31", [], {}]
HOSTILE_QUERY = ["-1", "2147483648", "9223372036854775808", "1e30", "", "\u0000", "0001-01-01", "a,b"]
IDS = ["0", "-1", "2147483648", "99999999999999999999", "abc"]
OPERATIONS = [(path, method) for path, ops in SPEC["paths"].items() for method in ops
              if method in ("get", "post", "put", "patch", "delete")]


def resolve(ref_or_schema: dict) -> dict:
    if "$ref" in ref_or_schema:
        _, _, kind, name = ref_or_schema["$ref"].split("/")
        return resolve(SPEC["components"][kind][name])
    return ref_or_schema


def plausible(schema: dict, depth: int = 0):
    """A value of the schema's shape; rarely valid as a whole, but each field of the right type."""
    schema = resolve(schema or {})
    kind = schema.get("type")
    if depth > 4:
        return None
    if kind == "object" or "properties" in schema:
        return {name: plausible(sub, depth + 1) for name, sub in (schema.get("properties") or {}).items()}
    if kind == "array":
        return [plausible(schema.get("items", {}), depth + 1)]
    if "enum" in schema:
        return schema["enum"][0]
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return True
    return {"date": "2026-11-24", "date-time": "2026-11-24T10:00:00-07:00", "time": "10:00:00"}.get(
        schema.get("format"), "a")


def requests_for(path: str, method: str):
    operations = SPEC["paths"][path]
    operation = operations[method]
    body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    body = plausible(body_schema) if body_schema is not None else None
    url = re.sub(r"{\w+}", "1", path)
    params = [resolve(p) for p in operation.get("parameters", []) + operations.get("parameters", [])]
    for bad in IDS if "{" in path else []:
        yield re.sub(r"{\w+}", bad, path), {"json": body}
    for p in params:
        if p.get("in") == "query":
            for bad in HOSTILE_QUERY:
                yield url, {"query_string": {p["name"]: bad}, "json": body}
    for name in body if isinstance(body, dict) else []:
        for bad in HOSTILE:  # alone (a partial update), and with the rest of a body
            yield url, {"json": {name: bad}}
            yield url, {"json": {**body, name: bad}}


@pytest.mark.parametrize("path, method", OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_no_operation_answers_hostile_input_with_a_500(app, tokens, field_day, path, method):
    client = field_day["cutter"] if path.startswith("/api/v1/sync") else as_role(app, tokens, "admin")
    failures = []
    for url, kwargs in requests_for(path, method):
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        # The entry's own ETag, where it has one, so that a write gets past If-Match to the store.
        etag = client.get(url).headers.get("ETag", '"none"') if method in ("put", "patch", "delete") else '"none"'
        response = getattr(client, method)(url, headers={"If-Match": etag}, **kwargs)
        if response.status_code >= 500:
            failures.append((url, json.dumps(kwargs, default=str)[:300]))
    assert not failures, f"{len(failures)} answers were 5xx, e.g. {failures[:3]}"
