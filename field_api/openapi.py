"""openapi.yaml is generated from the code; a test compares the committed file with this."""
from __future__ import annotations

import json
from decimal import Decimal

import yaml
from flask import Flask


def _plain(value):
    # Validators may put Decimals in the spec (e.g. a minimum of 0); YAML wants plain numbers.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot put {type(value).__name__} in the OpenAPI document")


def spec_yaml(app: Flask) -> str:
    spec = json.loads(json.dumps(app.extensions["cuadrilla_api"].spec.to_dict(), default=_plain))
    return yaml.safe_dump(spec, sort_keys=True, allow_unicode=True)
