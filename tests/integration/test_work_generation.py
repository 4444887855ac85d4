"""Work generation from the registry, following the collection policy, on both backends."""
from datetime import date
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from shapely.geometry import box
from sqlalchemy import select

from field_api.models import Premise, WorkEvent, WorkItem
from field_api.work import agreements, cuts, holidays, inspections, notices, verification
from field_api.work.areas import AreaFilter
from field_api.work.policy import get_policy
from tests.builders import agreement, make_account, make_sector, meter_with_readings, served_warning

TODAY = date(2026, 11, 20)
EVERYWHERE = AreaFilter()
cut_list = partial(cuts.cut_candidates, tz=ZoneInfo("America/Hermosillo"))


@pytest.fixture
def town(session):
    west = make_sector(session, "W", (-112.20, 30.70, -112.16, 30.74))
    east = make_sector(session, "E", (-112.16, 30.70, -112.12, 30.74))
    a = {}
    a["due"] = make_account(session, "due", -112.19, 30.71, sector=west, months=4, cents=300000)
    a["shop"] = make_account(session, "shop", -112.18, 30.72, sector=west, months=3, cents=900000,
                             land_use="commercial")
    a["protected"] = make_account(session, "prot", -112.17, 30.71, sector=west, months=6, cents=400000,
                                  protected=True)
    a["agreement"] = make_account(session, "agr", -112.15, 30.71, sector=east, months=5, cents=500000)
    a["breached"] = make_account(session, "brch", -112.14, 30.72, sector=east, months=5, cents=450000)
    a["recent"] = make_account(session, "recent", -112.13, 30.73, sector=east, months=3, cents=200000)
    a["unwarned"] = make_account(session, "unwarned", -112.13, 30.71, sector=east, months=3, cents=200000)
    a["small"] = make_account(session, "small", -112.19, 30.73, sector=west, months=1, cents=20000)
    a["cut"] = make_account(session, "cut", -112.18, 30.705, sector=west, months=8, cents=800000,
                            status="restricted")
    for key in ("due", "shop", "protected", "agreement", "breached"):
        served_warning(session, a[key], date(2026, 11, 10))
    served_warning(session, a["recent"], date(2026, 11, 19))
    agreement(session, a["agreement"], start=date(2026, 11, 1))
    agreement(session, a["breached"], status="breached")
    return {"west": west, "east": east, "accounts": a}


def ids(result):
    return {c["account_id"] for c in result.candidates}


class TestCutCandidates:
    def test_cut_list_takes_warned_accounts_past_the_threshold_and_counts_every_exclusion(self, session, town):
        a = town["accounts"]
        result = cut_list(session, get_policy(session), EVERYWHERE, TODAY, commit=False, actor="t")
        assert ids(result) == {a["due"].id, a["shop"].id, a["breached"].id}
        assert result.excluded == {"below_threshold": 1, "not_active": 1, "already_open": 0, "protected": 1,
                                   "in_agreement": 1, "no_warning_served": 1, "warning_too_recent": 1}
        assert result.selected == 3 and result.value_cents == 300000 + 900000 + 450000
        assert [c["account_id"] for c in result.candidates] == [a["shop"].id, a["breached"].id, a["due"].id]

    def test_homes_are_restricted_mixed_use_ones_too_and_non_domestic_suspended_with_the_rule_in_words(
            self, session, town):
        session.get(Premise, town["accounts"]["breached"].premise_id).land_use = "mixed"
        session.flush()
        result = cut_list(session, get_policy(session), EVERYWHERE, TODAY, commit=False, actor="t")
        by_number = {c["account_number"]: c for c in result.candidates}
        assert by_number["due"]["action"] == "restrict" and by_number["shop"]["action"] == "suspend"
        assert by_number["brch"]["action"] == "restrict"  # a shop with a home behind it is still a home
        assert "4 meses de rezago" in by_number["due"]["rule"]
        assert "aviso de corte notificado el 2026-11-10" in by_number["due"]["rule"]

    def test_commit_creates_pending_cut_orders_once_and_never_a_second_open_one(self, session, town):
        policy = get_policy(session)
        first = cut_list(session, policy, EVERYWHERE, TODAY, commit=True, actor="despacho")
        assert len(first.created_ids) == 3
        items = session.scalars(select(WorkItem).where(WorkItem.id.in_(first.created_ids))).all()
        assert {(i.type, i.status, i.required_skill, i.created_by) for i in items} == {
            ("cut", "pending", "cut", "despacho")}
        events = session.scalars(select(WorkEvent).where(WorkEvent.work_item_id.in_(first.created_ids))).all()
        assert {(e.kind, e.actor) for e in events} == {("created", "despacho")}
        again = cut_list(session, policy, EVERYWHERE, TODAY, commit=True, actor="despacho")
        assert again.created_ids == [] and again.excluded["already_open"] == 3

    def test_override_lets_a_protected_account_in(self, session, town):
        protected = town["accounts"]["protected"]
        protected.protection_override_reason = "Comercio en casa, autorizado por el director"
        session.flush()
        result = cut_list(session, get_policy(session), EVERYWHERE, TODAY, commit=False, actor="t")
        assert protected.id in ids(result)
        assert "autorización de corte" in next(c for c in result.candidates if c["account_id"] == protected.id)["rule"]

    def test_filters_by_sector_polygon_land_use_and_value(self, session, town):
        policy, a = get_policy(session), town["accounts"]
        east = AreaFilter(sector=town["east"].id)
        assert ids(cut_list(session, policy, east, TODAY, False, "t")) == {a["breached"].id}
        west_box = AreaFilter(polygon=box(-112.2, 30.70, -112.16, 30.74))
        assert ids(cut_list(session, policy, west_box, TODAY, False, "t")) == {a["due"].id, a["shop"].id}
        shops = AreaFilter(land_uses=("commercial",))
        assert ids(cut_list(session, policy, shops, TODAY, False, "t")) == {a["shop"].id}
        big = AreaFilter(min_owed_cents=400000)
        assert ids(cut_list(session, policy, big, TODAY, False, "t")) == {a["shop"].id, a["breached"].id}

    def test_nothing_matching_gives_an_empty_list_with_the_counts_of_why(self, session, town):
        nowhere = AreaFilter(bbox=(-100.0, 20.0, -99.9, 20.1))
        result = cut_list(session, get_policy(session), nowhere, TODAY, False, "t")
        assert result.selected == 0 and result.candidates == [] and set(result.excluded.values()) == {0}

    def test_max_items_takes_the_most_valuable(self, session, town):
        result = cut_list(session, get_policy(session), EVERYWHERE, TODAY, True, "t", max_items=1)
        assert result.selected == 1 and result.value_cents == 900000 and len(result.created_ids) == 1

    def test_threshold_rule_months_or_amount_widens_the_list(self, session, town):
        policy = get_policy(session)
        policy.cut_min_amount_cents = 10_000_000
        assert cut_list(session, policy, EVERYWHERE, TODAY, False, "t").selected == 0
        policy.cut_threshold_rule = "months_or_amount"
        assert cut_list(session, policy, EVERYWHERE, TODAY, False, "t").selected == 3


class TestAgreements:
    def test_an_overdue_instalment_past_grace_breaches_the_agreement_and_opens_the_cut(self, session, town):
        a = town["accounts"]
        policy = get_policy(session)
        assert agreements.mark_breaches(session, date(2026, 11, 5), policy) == []
        breached = agreements.mark_breaches(session, date(2026, 11, 13), policy)
        assert len(breached) == 1
        result = cut_list(session, policy, EVERYWHERE, date(2026, 11, 13), False, "t")
        assert a["agreement"].id in ids(result)

    def test_next_due_moves_a_month_per_instalment_and_keeps_month_ends(self, session, town):
        row = agreement(session, town["accounts"]["small"], start=date(2026, 1, 31), paid=1)
        assert agreements.next_due(row) == date(2026, 2, 28)


class TestNoticeCampaigns:
    def test_reminders_go_to_any_arrears_and_cut_warnings_only_past_the_cut_threshold(self, session, town):
        policy, a = get_policy(session), town["accounts"]
        reminders = notices.notice_campaign(session, policy, EVERYWHERE, TODAY, False, "t", stage="reminder")
        assert a["small"].id in ids(reminders) and a["protected"].id in ids(reminders)
        assert reminders.excluded["in_agreement"] == 1 and reminders.excluded["not_active"] == 1
        warnings = notices.notice_campaign(session, policy, EVERYWHERE, TODAY, False, "t", stage="cut_warning")
        assert a["small"].id not in ids(warnings) and a["protected"].id not in ids(warnings)
        assert warnings.excluded["protected"] == 1

    def test_campaign_commit_sets_due_date_and_skips_accounts_with_the_same_notice_open(self, session, town):
        policy = get_policy(session)
        first = notices.notice_campaign(session, policy, EVERYWHERE, TODAY, True, "t", stage="payment_demand")
        item = session.get(WorkItem, first.created_ids[0])
        assert item.subtype == "payment_demand" and item.due_date == date(2026, 11, 25)
        assert item.required_skill == "notifier"
        second = notices.notice_campaign(session, policy, EVERYWHERE, TODAY, True, "t", stage="payment_demand")
        assert second.created_ids == [] and second.excluded["already_open"] == len(first.created_ids)


class TestBusinessDayTerms:
    """Some state laws count the cut warning's term and a notice's term in business days. Around
    Friday 2026-11-20: the Monday before, the 16th, is a federal holiday."""

    @pytest.fixture
    def warned(self, session, town):
        policy = get_policy(session)
        policy.cut_warning_days = 5
        east = town["east"]
        accounts = {f"nov{d}": make_account(session, f"nov{d}", -112.14, 30.735, sector=east, months=4, cents=300000)
                    for d in (12, 13)}
        for name, account in accounts.items():
            served_warning(session, account, date(2026, 11, int(name[3:])))
        return policy, {name: account.id for name, account in accounts.items()}

    def test_calendar_days_count_the_weekend_and_the_holiday(self, session, warned):
        policy, a = warned
        result = cut_list(session, policy, EVERYWHERE, TODAY, commit=False, actor="t")
        assert {a["nov12"], a["nov13"]} <= ids(result)
        assert "(mínimo 5 días)" in result.candidates[0]["rule"] and result.warnings == []

    def test_a_warning_served_the_friday_before_is_not_five_business_days_old(self, session, warned):
        policy, a = warned
        policy.business_day_terms = True
        result = cut_list(session, policy, EVERYWHERE, TODAY, commit=False, actor="t")
        assert a["nov12"] in ids(result) and a["nov13"] not in ids(result)
        assert result.excluded["warning_too_recent"] == 2  # nov13 and the town's warning of the 19th
        assert all("(mínimo 5 días hábiles)" in c["rule"] for c in result.candidates)

    def test_the_states_days_count_and_a_year_never_entered_is_warned_about(self, session, warned):
        policy, a = warned
        policy.business_day_terms = True
        [warning] = cut_list(session, policy, EVERYWHERE, TODAY, commit=False, actor="t").warnings
        assert "Sonora para 2026" in warning and "aviso de corte" in warning
        holidays.replace_days(session, "Sonora", 2026, [{"day": date(2026, 11, 19), "name": "Día estatal"}], None)
        result = cut_list(session, policy, EVERYWHERE, TODAY, commit=False, actor="t")
        assert a["nov12"] not in ids(result) and result.warnings == []

    def test_a_notice_term_in_business_days_ends_after_the_weekend(self, session, warned):
        policy, _ = warned
        policy.business_day_terms = True
        result = notices.notice_campaign(session, policy, EVERYWHERE, TODAY, True, "t", stage="payment_demand")
        assert session.get(WorkItem, result.created_ids[0]).due_date == date(2026, 11, 27)  # 5 business days
        assert "la fecha límite de las notificaciones" in result.warnings[0]

    def test_a_term_crossing_the_new_year_skips_new_years_day_and_warns_for_both_years(self, session, warned):
        policy, _ = warned
        policy.business_day_terms = True
        holidays.replace_days(session, "Sonora", 2026, [], None)
        result = notices.notice_campaign(session, policy, EVERYWHERE, date(2026, 12, 29), True, "t",
                                         stage="payment_demand")
        assert session.get(WorkItem, result.created_ids[0]).due_date == date(2027, 1, 6)
        [warning] = result.warnings
        assert "para 2027:" in warning


class TestInspections:
    def test_zero_consumption_and_sharp_drops_raise_inspections(self, session, town):
        a = town["accounts"]
        meter_with_readings(session, a["due"], "M-ZERO", [100, 110, 120, 130, 140, 150, 150])
        meter_with_readings(session, a["shop"], "M-DROP", [100, 120, 140, 160, 180, 200, 205])
        meter_with_readings(session, a["small"], "M-FINE", [100, 120, 140, 160, 180, 200, 219])
        meter_with_readings(session, a["cut"], "M-CUT", [10, 10, 10])
        policy = get_policy(session)
        zero = inspections.anomaly_inspections(session, "zero_consumption", policy, EVERYWHERE, False, "t")
        assert ids(zero) == {a["due"].id} and zero.excluded["not_active"] == 1
        drop = inspections.anomaly_inspections(session, "consumption_drop", policy, EVERYWHERE, True, "t")
        assert ids(drop) == {a["shop"].id}
        assert "5.0 m³ contra promedio de 20.0 m³" in drop.candidates[0]["rule"]
        assert session.get(WorkItem, drop.created_ids[0]).required_skill == "inspector"

    def test_requested_inspections_name_unknown_accounts(self, session, town):
        with pytest.raises(inspections.UnknownAccounts, match="999999"):
            inspections.requested_inspections(session, [town["accounts"]["due"].id, 999999], "queja", False, "t")
        made = inspections.requested_inspections(session, [town["accounts"]["due"].id], "Queja vecinal", True, "t")
        assert len(made.created_ids) == 1


class TestVerificationWalks:
    def test_one_item_per_premise_inside_the_polygon_once(self, session, town):
        walk = verification.verification_walk(session, AreaFilter(sector=town["west"].id), TODAY, True, "t")
        assert walk.selected == 5 and len(walk.created_ids) == 5
        again = verification.verification_walk(session, AreaFilter(polygon=box(-112.2, 30.7, -112.12, 30.74)),
                                               TODAY, False, "t")
        assert again.excluded == {"already_open": 5} and again.selected == 4
