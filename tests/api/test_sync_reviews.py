"""The review queue: the office accepts the field's value or keeps the registry's, versioned and audited."""
from sqlalchemy import select

from field_api.models import AuditEvent, Premise
from tests.api.conftest import as_role
from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401
from tests.sync_support import correction, cut, upload_body


def conflicted(field_day, session, new="Calle Quinta"):
    """The office renames the street; then a crew that saw the old name proposes another."""
    premise = session.get(Premise, field_day["accounts"][0].premise_id)
    premise.street = "Calle 5 Norte"
    session.commit()
    record = cut(field_day["cuts"][0].id, 1, corrections=[correction("premise", premise.id, "street", "Calle 5", new)])
    [result] = field_day["cutter"].post("/api/v1/sync/uploads", json=upload_body([record])).get_json()["results"]
    assert result["status"] == "conflict"
    return premise, result["review_ids"][0]


def resolve(client, review_id, decision, etag=None):
    url = f"/api/v1/reviews/{review_id}"
    etag = etag or client.get(url).headers["ETag"]
    return client.post(f"{url}/resolve", json={"decision": decision, "reason": "Revisado con el padrón"},
                       headers={"If-Match": etag})


def test_keeping_the_registry_closes_the_item_and_changes_nothing(field_day, session, app, tokens):
    premise, review_id = conflicted(field_day, session)
    supervisor = as_role(app, tokens, "supervisor")
    listed = supervisor.get("/api/v1/reviews").get_json()["reviews"]
    assert [(r["id"], r["seen"], r["new"], r["current"]) for r in listed] == [
        (review_id, "Calle 5", "Calle Quinta", "Calle 5 Norte")]
    kept = resolve(supervisor, review_id, "keep_registry")
    assert kept.status_code == 200 and kept.get_json()["status"] == "kept" and kept.get_json()["version"] == 2
    session.expire_all()
    assert session.get(Premise, premise.id).street == "Calle 5 Norte"
    assert resolve(supervisor, review_id, "accept_field").status_code == 409  # already decided


def test_a_registry_that_moved_during_the_review_is_not_overwritten(field_day, session, app, tokens):
    premise, review_id = conflicted(field_day, session)
    supervisor = as_role(app, tokens, "supervisor")
    etag = supervisor.get(f"/api/v1/reviews/{review_id}").headers["ETag"]
    premise.street = "Av. Obregón"
    session.commit()
    moved = resolve(supervisor, review_id, "accept_field", etag)
    assert moved.status_code == 409 and "look again" in moved.get_json()["message"]
    session.expire_all()
    assert session.get(Premise, premise.id).street == "Av. Obregón"
    again = supervisor.get(f"/api/v1/reviews/{review_id}").get_json()
    assert again["current"] == "Av. Obregón" and again["reason"] == "changed_since_review"
    assert resolve(supervisor, review_id, "accept_field").get_json()["status"] == "accepted"
    session.expire_all()
    assert session.get(Premise, premise.id).street == "Calle Quinta"


def test_a_resolution_needs_if_match_and_a_supervisor(field_day, session, app, tokens):
    _, review_id = conflicted(field_day, session)
    url = f"/api/v1/reviews/{review_id}/resolve"
    body = {"decision": "accept_field", "reason": "ok ok"}
    assert as_role(app, tokens, "supervisor").post(url, json=body).status_code == 428
    assert as_role(app, tokens, "dispatcher").post(url, json=body).status_code == 403
    assert session.scalar(select(AuditEvent.status_code).where(AuditEvent.action.like("%resolve"))) in (403, 428)


def test_a_decision_with_a_blank_reason_is_refused_and_the_review_stays_open(field_day, session, app, tokens):
    _, review_id = conflicted(field_day, session)
    supervisor = as_role(app, tokens, "supervisor")
    url = f"/api/v1/reviews/{review_id}"
    blank = supervisor.post(f"{url}/resolve", json={"decision": "accept_field", "reason": "   "},
                            headers={"If-Match": supervisor.get(url).headers["ETag"]})
    assert blank.status_code == 422
    assert supervisor.get(url).get_json()["status"] == "open"
