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


def test_accepting_a_crews_value_applies_its_next_edit_of_it_waiting_in_the_queue_and_shows_the_rest_the_new_value(
        field_day, session, app, tokens):
    from field_api.models import ChangeLog

    premise = session.get(Premise, field_day["accounts"][0].premise_id)
    premise.street = "Calle 5 Norte"  # the office renamed it; the crew saw "Calle 5" and edited it twice
    session.commit()
    edits = [correction("premise", premise.id, "street", "Calle 5", "Calle Quinta"),
             correction("premise", premise.id, "street", "Calle Quinta", "Calle Quinta Sur"),
             correction("premise", premise.id, "street", "Calle 5", "Calle Cinco")]  # one that disagrees
    record = cut(field_day["cuts"][0].id, 1, corrections=edits)
    [result] = field_day["cutter"].post("/api/v1/sync/uploads", json=upload_body([record])).get_json()["results"]
    supervisor = as_role(app, tokens, "supervisor")
    by_new = {supervisor.get(f"/api/v1/reviews/{i}").get_json()["new"]: i for i in result["review_ids"]}
    accept_me, follows, rival = (by_new[v] for v in ("Calle Quinta", "Calle Quinta Sur", "Calle Cinco"))

    accepted = resolve(supervisor, accept_me, "accept_field")

    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    session.expire_all()
    assert session.get(Premise, premise.id).street == "Calle Quinta Sur"
    follow = supervisor.get(f"/api/v1/reviews/{follows}").get_json()
    assert (follow["status"], follow["resolved_by"]) == ("applied", "sync")
    still = supervisor.get(f"/api/v1/reviews/{rival}").get_json()
    assert (still["status"], still["current"]) == ("open", "Calle Quinta Sur")
    lines = session.scalars(select(ChangeLog).where(ChangeLog.entity == "premise", ChangeLog.entity_id == premise.id,
                                                    ChangeLog.field == "street").order_by(ChangeLog.id)).all()
    assert [(line.new_value, line.source, line.source_ref) for line in lines[-2:]] == [
        ("Calle Quinta", "office", f"review {accept_me}"),
        ("Calle Quinta Sur", "field", "00000000-0000-0000-0000-000000000001")]
