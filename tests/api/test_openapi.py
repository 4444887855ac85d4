"""openapi.yaml is generated from the code; this fails when the committed file drifts."""
from pathlib import Path

import yaml

from field_api import create_app
from field_api.openapi import spec_yaml

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.yaml"


def test_committed_openapi_matches_the_code(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/spec.sqlite"})
    generated = spec_yaml(app)
    assert COMMITTED.exists(), "openapi.yaml is missing: run `cuadrilla openapi -o openapi.yaml`"
    assert yaml.safe_load(COMMITTED.read_text()) == yaml.safe_load(generated), (
        "openapi.yaml drifted from the code: run `cuadrilla openapi -o openapi.yaml` and commit it"
    )


def test_every_operation_has_a_summary_and_error_responses_documented(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/spec.sqlite"})
    spec = yaml.safe_load(spec_yaml(app))
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":  # path-level parameters, not an operation
                continue
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                assert "422" in operation["responses"], f"{method.upper()} {path} hides its 422"
            if "{" in path:
                assert "404" in operation["responses"], f"{method.upper()} {path} hides its 404"
