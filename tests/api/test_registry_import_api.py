"""The billing system imports the registry over HTTP with its scoped key."""
import csv
import io

import pytest

from field_api import create_app
from field_api.auth import service
from tests.conftest import bind_app
from tests.integration.test_registry_import import HEADER, ROWS

def as_csv(rows) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue()


PADRON = as_csv(ROWS)


@pytest.fixture
def import_key(session):
    key = service.create_api_key(session, "padron-nocturno", ["registry:import"], "test")[1]
    session.commit()
    return {"X-API-Key": key}


def upload(client, headers, text, name="padron.csv", **form):
    data = {"file": (io.BytesIO(text.encode("utf-8")), name), **form}
    return client.post("/api/v1/registry/imports", data=data, headers=headers, content_type="multipart/form-data")


def test_a_good_file_is_imported_and_reported(app, import_key):
    response = upload(app.test_client(), import_key, PADRON)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["written"] is True and body["accounts_created"] == len(ROWS) and body["errors"] == []
    again = upload(app.test_client(), import_key, PADRON).get_json()
    assert again["accounts_unchanged"] == len(ROWS) and again["accounts_created"] == 0


def test_a_bad_row_changes_nothing_and_the_422_names_it(app, import_key):
    rows = [list(row) for row in ROWS]
    rows[1][HEADER.index("latitud")] = "-112.5"
    bad = as_csv(rows)
    response = upload(app.test_client(), import_key, bad)
    assert response.status_code == 422
    body = response.get_json()
    assert body["written"] is False and body["errors"][0]["row"] == 3 and "Nothing was changed" in body["text"]
    partial = upload(app.test_client(), import_key, bad, skip_invalid="true")
    assert partial.status_code == 200 and partial.get_json()["rows_skipped"] == 1


def test_other_file_types_get_415(app, import_key):
    response = upload(app.test_client(), import_key, "x", name="padron.pdf")
    assert response.status_code == 415 and "padron.pdf" in response.get_json()["message"]


def test_a_registry_file_may_exceed_the_json_body_limit(db_url, connection, import_key):
    app = create_app({"DATABASE_URL": db_url, "MAX_BODY_BYTES": 200, "MAX_IMPORT_BYTES": 10_000})
    bind_app(app, connection)
    assert upload(app.test_client(), import_key, PADRON).status_code == 200
    huge = PADRON + "#" * 20_000
    assert upload(app.test_client(), import_key, huge).status_code == 413


def test_a_whole_number_cell_reading_snan_is_a_bad_row_not_a_500(app, import_key):
    row = list(ROWS[0])
    row[HEADER.index("meses_rezago")] = "sNaN"
    response = upload(app.test_client(), import_key, as_csv([row]))
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["written"] is False and "meses_rezago" in str(body["errors"])
    assert "Nothing was changed" in body["message"]


def test_a_nul_character_far_into_the_file_is_refused_naming_its_line(app, import_key):
    filler = [[f"9{i:05d}", *ROWS[1][1:]] for i in range(3000)]  # past the first 64 KiB
    text = as_csv(filler + [["1001", "Mar\x00ía", *ROWS[0][2:]]])
    assert text.index("\x00") > 65536
    response = upload(app.test_client(), import_key, text)
    assert response.status_code == 422, response.get_json()
    assert "line 3002 holds a NUL character" in response.get_json()["message"] + str(response.get_json()["errors"])


@pytest.mark.parametrize("name", ["padr\x00on.csv", "ñ" * 200 + ".csv", "x" * 300 + ".csv"])
def test_a_file_name_no_filesystem_can_hold_is_imported_under_a_safe_one(app, import_key, session, name):
    from field_api.models import AuditEvent

    response = upload(app.test_client(), import_key, PADRON, name=name)
    assert response.status_code == 200, response.get_json()
    shown = response.get_json()["file_name"]
    assert "\x00" not in shown and len(shown) <= 64 and shown.endswith(".csv")
    audited = session.query(AuditEvent).filter(AuditEvent.action.like("POST %imports%")).all()
    assert audited and all(len(a.target) <= 120 for a in audited)
