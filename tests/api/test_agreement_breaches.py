"""A breach of a payment agreement is for good, so it is never marked before its day comes."""
from datetime import datetime, timedelta, timezone

from field_api.models import PaymentAgreement
from field_api.work.calendar import utility_today
from tests.api.conftest import as_role
from tests.api.sync_fixtures import field_day, server_clock  # noqa: F401
from tests.builders import agreement


def late_next_month(session, account, app):
    """An agreement whose first instalment fell due 5 days ago: inside the 10-day grace today,
    breached if nobody pays within the month."""
    with app.app_context():
        today = utility_today()
    row = agreement(session, account, start=today - timedelta(days=5))
    session.commit()
    return row, today


def test_a_breach_check_for_a_day_after_today_is_refused_and_breaches_nothing(field_day, session, app, tokens):
    row, today = late_next_month(session, field_day["accounts"][2], app)
    supervisor = as_role(app, tokens, "supervisor")
    ahead = supervisor.post("/api/v1/agreements/check-breaches", json={"as_of": str(today + timedelta(days=30))})
    assert ahead.status_code == 422, ahead.get_json()
    assert "posterior a hoy" in ahead.get_json()["message"] and "as_of" in ahead.get_json()["errors"]["json"]
    session.expire_all()
    assert session.get(PaymentAgreement, row.id).status == "current"
    assert supervisor.post("/api/v1/agreements/check-breaches", json={"as_of": str(today)}).get_json() == {
        "breached": []}


def test_cut_work_prepared_for_a_later_day_leaves_an_agreement_current_until_its_breach(field_day, session, app,
                                                                                         tokens):
    row, today = late_next_month(session, field_day["accounts"][2], app)
    made = as_role(app, tokens, "dispatcher").post("/api/v1/work-generation/cut-candidates", json={
        "as_of": str(today + timedelta(days=30)), "commit": True})
    assert made.status_code == 200, made.get_json()
    assert field_day["accounts"][2].id not in {c["account_id"] for c in made.get_json()["candidates"]}
    session.expire_all()
    assert session.get(PaymentAgreement, row.id).status == "current"


def test_a_past_day_still_breaches_what_was_overdue_by_then(field_day, session, app, tokens):
    row, today = late_next_month(session, field_day["accounts"][2], app)
    row.start_date = today - timedelta(days=40)
    session.commit()
    answer = as_role(app, tokens, "supervisor").post("/api/v1/agreements/check-breaches",
                                                     json={"as_of": str(today - timedelta(days=1))})
    assert answer.get_json() == {"breached": [row.id]}


def test_the_utility_day_is_its_own_time_zone_day_not_the_servers_utc_day(app):
    with app.app_context():
        app.config["TIMEZONE"] = "America/Hermosillo"  # UTC-7 all year
        evening = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)  # 20:00 of the 21st in Hermosillo
        assert str(utility_today(evening)) == "2026-11-21"
        assert str(utility_today(evening + timedelta(hours=7))) == "2026-11-22"
