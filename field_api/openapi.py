"""openapi.yaml is generated from the code; a test compares the committed file with this."""
from __future__ import annotations

import yaml
from flask import Flask


def spec_yaml(app: Flask) -> str:
    spec = app.extensions["cuadrilla_api"].spec.to_dict()
    return yaml.safe_dump(spec, sort_keys=True, allow_unicode=True)
