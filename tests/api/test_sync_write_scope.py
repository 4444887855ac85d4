"""A device corrects only the registry rows of the stop it reports on (DESIGN rules 4 and 7)."""
from sqlalchemy import select

from field_api.models import Account, ChangeLog, Premise
from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401
from tests.sync_support import correction, cut, upload_body

UPLOADS = "/api/v1/sync/uploads"


def test_a_correction_to_another_crews_account_is_rejected_and_changes_nothing(field_day, session):
    d = field_day
    theirs = d["accounts"][4]  # the notifiers' stop, not in the cutters' package
    record = cut(d["cuts"][0].id, 1, corrections=[
        correction("account", theirs.id, "holder_name", theirs.holder_name, "Otro Titular")])
    [result] = d["cutter"].post(UPLOADS, json=upload_body([record])).get_json()["results"]
    assert result["status"] == "rejected"
    assert "corrections.0" in {p["field"] for p in result["problems"]}
    session.expire_all()
    assert session.get(Account, theirs.id).holder_name == "Titular A4"
    assert session.scalars(select(ChangeLog).where(ChangeLog.entity == "account",
                                                   ChangeLog.entity_id == theirs.id)).all() == []


def test_a_correction_to_the_premise_of_the_stop_itself_still_applies(field_day, session):
    d = field_day
    premise_id = d["accounts"][0].premise_id
    record = cut(d["cuts"][0].id, 1, reading=("M-0", 120.0),
                 corrections=[correction("premise", premise_id, "street", "Calle 5", "Calle 5 Sur")])
    [result] = d["cutter"].post(UPLOADS, json=upload_body([record])).get_json()["results"]
    assert result["status"] == "accepted", result
    session.expire_all()
    assert session.get(Premise, premise_id).street == "Calle 5 Sur"
