"""A protected account is cut only while the office's override stands (DESIGN domain rules, cuts)."""
from datetime import date

from field_api.models import WorkItem
from tests.api.conftest import as_role
from tests.builders import make_account, make_crew, served_warning
from tests.sync_support import enroll_device, publish_batch
from tests.api.sync_fixtures import device_client


def test_withdrawing_the_override_calls_off_the_open_cut_and_its_crew_hears_why(app, tokens, session):
    account = make_account(session, "P1", -112.16, 30.71, months=5, cents=500000, protected=True)
    served_warning(session, account, date(2026, 11, 10))
    crew = make_crew(session, "Corte 1", ["cut"])
    _, token = enroll_device(session, crew)
    session.commit()
    supervisor, dispatcher = as_role(app, tokens, "supervisor"), as_role(app, tokens, "dispatcher")
    url = f"/api/v1/accounts/{account.id}/protection-override"
    assert supervisor.post(url, json={"reason": "Uso comercial comprobado en visita"}).status_code == 200
    made = dispatcher.post("/api/v1/work-generation/cut-candidates", json={"as_of": "2026-11-20", "commit": True})
    [cut_id] = made.get_json()["created_ids"]
    publish_batch(session, crew, [session.get(WorkItem, cut_id)])
    session.commit()
    phone = device_client(app, token)
    cursor = phone.get("/api/v1/sync/changes").get_json()["cursor"]
    assert supervisor.delete(url, json={"reason": "Se aclaró el uso doméstico"}).status_code == 200
    session.expire_all()
    cut = session.get(WorkItem, cut_id)
    assert cut.status == "cancelled" and cut.status_reason == "La oficina retiró la autorización de corte"
    changes = phone.get(f"/api/v1/sync/changes?since={cursor}").get_json()["changes"]
    assert [(c["change"], c["work_item_id"]) for c in changes] == [("cancelled", cut_id)]
    assert "pensionado" not in str(changes) and "doméstico" not in str(changes)  # the office's words stay home
