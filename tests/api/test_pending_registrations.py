"""A premise found on a verification walk enters the registry only when a supervisor approves it."""
import pytest
from sqlalchemy import select

from field_api.models import Premise
from tests.api.conftest import as_role
from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401
from tests.builders import make_item
from tests.sync_support import MORNING, gps, publish_batch, uid, upload_body

UPLOADS = "/api/v1/sync/uploads"


@pytest.fixture
def found(field_day, session, app, tokens):
    """One walk uploaded with two premises the registry does not know."""
    d = field_day
    walk = make_item(session, d["accounts"][1], "verification", "walk")
    publish_batch(session, d["notifiers"], [walk])
    session.commit()
    premises = [{"local_id": "n-1", "street": "Callejón sin nombre", "exterior_number": "S/N",
                 "gps": gps(-112.171, 30.712), "land_use": "domestic", "dwellings": 2},
                {"local_id": "n-2", "street": "Calle 9", "exterior_number": "40", "gps": gps(-112.15, 30.72)}]
    record = {"client_uuid": uid(31), "work_item_id": walk.id, "outcome": "confirmed",
              "captured_at": MORNING.isoformat(), "gps": gps(), "new_premises": premises}
    assert d["notifier"].post(UPLOADS, json=upload_body([record])).status_code == 200
    listed = as_role(app, tokens, "viewer").get("/api/v1/pending-registrations").get_json()["registrations"]
    return {r["local_id"]: r for r in listed}


def test_approval_creates_the_premise_in_its_sector_once(app, tokens, session, field_day, found):
    supervisor = as_role(app, tokens, "supervisor")
    url = f"/api/v1/pending-registrations/{found['n-1']['id']}"
    response = supervisor.post(f"{url}/approve", json={"reason": "Toma sin contrato, confirmada en visita"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "approved" and body["decided_by"] == "supervisor1"
    premise = session.get(Premise, body["premise_id"])
    assert (premise.street, premise.dwellings, premise.land_use) == ("Callejón sin nombre", 2, "domestic")
    assert premise.sector_id == field_day["sector"].id and premise.connection_status == "none"
    again = supervisor.post(f"{url}/approve", json={})
    assert again.status_code == 409 and "approved already" in again.get_json()["message"]
    left = supervisor.get("/api/v1/pending-registrations").get_json()["registrations"]
    assert [r["local_id"] for r in left] == ["n-2"]


def test_a_premise_without_land_use_needs_one_from_the_office(app, tokens, session, found):
    supervisor = as_role(app, tokens, "supervisor")
    url = f"/api/v1/pending-registrations/{found['n-2']['id']}/approve"
    missing = supervisor.post(url, json={})
    assert missing.status_code == 422 and "land_use" in missing.get_json()["message"]
    done = supervisor.post(url, json={"land_use": "commercial"})
    assert done.status_code == 200
    assert session.scalar(select(Premise.land_use).where(Premise.id == done.get_json()["premise_id"])) == "commercial"


def test_rejection_needs_a_reason_and_creates_nothing(app, tokens, session, found):
    supervisor = as_role(app, tokens, "supervisor")
    before = session.scalar(select(Premise.id).order_by(Premise.id.desc()))
    url = f"/api/v1/pending-registrations/{found['n-1']['id']}/reject"
    assert supervisor.post(url, json={}).status_code == 422
    rejected = supervisor.post(url, json={"reason": "Es el predio 17-002-01, ya registrado"})
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    assert rejected.get_json()["premise_id"] is None
    assert session.scalar(select(Premise.id).order_by(Premise.id.desc())) == before
    assert as_role(app, tokens, "dispatcher").post(url, json={"reason": "otra vez"}).status_code == 403
