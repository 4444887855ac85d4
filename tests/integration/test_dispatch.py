"""Daily dispatch: plan, publish one batch per crew, re-plan the rest of the day, on both backends."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from field_api.dispatch.inputs import DispatchError
from field_api.dispatch.plans import make_plan
from field_api.dispatch.publish import PlanStateError, publish
from field_api.dispatch.replan import replan
from field_api.models import Batch, WorkEvent, WorkItem
from field_api.work.holidays import replace_days
from tests.builders import make_account, make_crew, make_item, make_sector

MONDAY = date(2026, 11, 23)
SUNDAY = date(2026, 11, 22)
TZ = "America/Hermosillo"
LOCAL = ZoneInfo(TZ)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL)


@pytest.fixture
def day(session):
    make_sector(session, "C", (-112.20, 30.68, -112.12, 30.74))
    cutters = make_crew(session, "Corte 1", ["cut"], "drive")
    walkers = make_crew(session, "Notificador 1", ["notifier"], "walk")
    accounts = [make_account(session, f"D{i}", -112.17 + 0.003 * i, 30.70 + 0.002 * (i % 3), months=4,
                             cents=100000 * (i + 1)) for i in range(8)]
    cuts = [make_item(session, a, value=1000 * (i + 1)) for i, a in enumerate(accounts[:5])]
    followup = make_item(session, accounts[5], "notice", "summons_followup", value=0,
                         window=(at(MONDAY, 10), at(MONDAY, 10, 30)))
    notice = make_item(session, accounts[6], "notice", "cut_warning", value=700)
    reconnection = make_item(session, accounts[7], "reconnection", "restore", value=50,
                             window=(at(MONDAY, 8), at(MONDAY, 15)))
    return {"cutters": cutters, "walkers": walkers, "cuts": cuts, "followup": followup, "notice": notice,
            "reconnection": reconnection, "accounts": accounts}


def ids(day):
    return [i.id for i in day["cuts"]] + [day["followup"].id, day["notice"].id, day["reconnection"].id]


def plan_day(session, day, service_date=MONDAY, budget=1.0, **kw):
    return make_plan(session, service_date, kw.pop("work", ids(day)), None, budget, 300.0, "despacho", TZ, **kw)


def stops_of(plan):
    return {s.work_item_id: (route.crew_id, s) for route in plan.routes for s in route.stops}


def test_a_plan_routes_each_item_to_a_crew_with_its_skill_and_honours_the_summons_hour(session, day):
    plan = plan_day(session, day)
    stops = stops_of(plan)
    assert plan.status == "draft" and plan.summary["stops_planned"] == 8 and plan.summary["unassigned"] == []
    assert {stops[i.id][0] for i in day["cuts"]} == {day["cutters"].id}
    assert stops[day["reconnection"].id][0] == day["cutters"].id
    crew, followup = stops[day["followup"].id]
    assert crew == day["walkers"].id
    assert at(MONDAY, 10) <= followup.start_at <= at(MONDAY, 10, 30)
    assert plan.summary["km"] > 0 and plan.summary["value_covered"] == 15000 + 700 + 50


@pytest.mark.parametrize("state, plannable", [("Sonora", False), ("Chihuahua", True)])
def test_notices_are_not_planned_on_a_day_the_policys_state_declared_non_business(session, day, state, plannable):
    replace_days(session, state, 2026, [{"day": MONDAY, "name": "Día inhábil de prueba"}], None)
    plan = plan_day(session, day, work=[i.id for i in day["cuts"]] + [day["notice"].id])
    refused = [] if plannable else [{"work_item_id": day["notice"].id, "reason": "2026-11-23 is not a business day"}]
    assert plan.summary["unassigned"] == refused
    assert {s.work_item_id for r in plan.routes for s in r.stops} >= {i.id for i in day["cuts"]}


def test_notices_are_not_planned_on_a_sunday_but_cuts_are(session, day):
    plan = plan_day(session, day, service_date=SUNDAY,
                    work=[i.id for i in day["cuts"]] + [day["notice"].id])
    assert plan.summary["unassigned"] == [{"work_item_id": day["notice"].id,
                                           "reason": "2026-11-22 is not a business day"}]
    assert plan.summary["stops_planned"] == 5


def test_more_work_than_capacity_leaves_the_cheapest_unassigned_with_the_reason(session, day):
    day["cutters"].max_stops = 3
    session.flush()
    plan = plan_day(session, day, work=[i.id for i in day["cuts"]])
    assert sorted(stops_of(plan)) == sorted(i.id for i in day["cuts"][2:])
    assert {u["reason"] for u in plan.summary["unassigned"]} == {"capacity and value"}


@pytest.mark.parametrize("mutate,message", [
    (lambda s, d: setattr(d["walkers"], "shift_end", d["walkers"].shift_start.replace(hour=7)), "shift"),
])
def test_bad_crews_are_refused_naming_the_crew(session, day, mutate, message):
    mutate(session, day)
    session.flush()
    with pytest.raises(DispatchError, match=message):
        plan_day(session, day)


def test_crews_without_skills_are_left_out_unless_named_and_then_refused_by_name(session, day):
    day["walkers"].members[0].skills = []
    session.flush()
    plan = plan_day(session, day, work=[i.id for i in day["cuts"]])
    assert {route.crew_id for route in plan.routes} == {day["cutters"].id}
    walkers = day["walkers"]
    named = rf"without an active member with skills .*: {walkers.id} \({walkers.name}\)"
    with pytest.raises(DispatchError, match=named):
        make_plan(session, MONDAY, [day["cuts"][0].id], [walkers.id], 1.0, 300.0, "despacho", TZ)
    day["cutters"].members[0].skills = []
    session.flush()
    with pytest.raises(DispatchError, match="no active crews with active members"):
        plan_day(session, day)


def test_an_empty_selection_an_unknown_item_and_a_far_away_item_are_refused_by_name(session, day):
    with pytest.raises(DispatchError, match="selection is empty"):
        plan_day(session, day, work=[])
    with pytest.raises(DispatchError, match="Unknown work item ids: 999999"):
        plan_day(session, day, work=[999999])
    far = make_account(session, "FAR", -99.13, 19.43, months=3, cents=1000)
    item = make_item(session, far)
    with pytest.raises(DispatchError, match=f"Work item {item.id} lies at .* outside the utility's sectors"):
        plan_day(session, day, work=[item.id])


def test_an_unreachable_required_stop_is_refused_by_name(session, day):
    after_shift = make_item(session, day["accounts"][0], "notice", "summons_followup",
                            window=(at(MONDAY, 17), at(MONDAY, 17, 30)))  # the notifiers stop at 16:00
    with pytest.raises(DispatchError, match=f"'{after_shift.id}'"):
        plan_day(session, day, work=[after_shift.id, day["notice"].id])
    evening = make_item(session, day["accounts"][1], "notice", "summons_followup",
                        window=(at(MONDAY, 20), at(MONDAY, 20, 30)))
    with pytest.raises(DispatchError, match=f"Work item {evening.id} must be done .* outside business hours"):
        plan_day(session, day, work=[evening.id])


def test_nothing_plannable_says_why_for_each_item(session, day):
    with pytest.raises(DispatchError, match=f"{day['notice'].id}: 2026-11-22 is not a business day"):
        plan_day(session, day, service_date=SUNDAY, work=[day["notice"].id])


def test_publish_makes_one_batch_per_crew_and_plans_the_items(session, day):
    plan = plan_day(session, day)
    batches = publish(session, plan, "despacho")
    assert {b.crew_id for b in batches} == {day["cutters"].id, day["walkers"].id}
    for item_id, (crew_id, _) in stops_of(plan).items():
        item = session.get(WorkItem, item_id)
        assert (item.status, item.assigned_crew_id) == ("planned", crew_id)
    kinds = session.scalars(select(WorkEvent.kind).where(WorkEvent.work_item_id == day["cuts"][0].id)).all()
    assert kinds == ["reassigned", "status_changed"]
    with pytest.raises(PlanStateError, match="only a draft"):
        publish(session, plan, "despacho")


def test_replan_keeps_done_work_untouched_and_takes_new_urgent_work(session, day):
    plan = plan_day(session, day)
    publish(session, plan, "despacho")
    first_cut = day["cuts"][0]
    for status in ("dispatched", "done"):
        first_cut.move_to(status)
    cancelled = day["cuts"][1]
    cancelled.move_to("cancelled", "pagado")
    urgent = make_item(session, day["accounts"][1], "reconnection", "restore", value=10,
                       window=(at(MONDAY, 11), at(MONDAY, 16)))
    session.flush()
    with pytest.raises(DispatchError, match=f"required stop '{day['followup'].id}' cannot be served"):
        replan(session, plan, at(MONDAY, 11), [urgent.id], [], 1.0, "despacho", TZ)  # 10:00 summons missed
    for status in ("dispatched", "done"):
        day["followup"].move_to(status)
    session.flush()
    draft = replan(session, plan, at(MONDAY, 11), [urgent.id], [], 1.0, "despacho", TZ)
    stops = stops_of(draft)
    assert first_cut.id not in stops and cancelled.id not in stops and urgent.id in stops
    assert all(s.eta >= at(MONDAY, 11) for _, s in stops.values())
    publish(session, draft, "despacho")
    assert session.get(WorkItem, first_cut.id).status == "done"
    assert session.get(WorkItem, urgent.id).status == "planned"
    assert plan.status == "superseded"
    active = session.scalars(select(Batch).where(Batch.superseded_at.is_(None))).all()
    assert {b.route.plan_id for b in active} == {draft.id}


def test_the_stored_plan_is_what_the_independent_checker_accepts(session, day):
    from routing.planner import plan as run_planner
    from tests.feasibility import assert_feasible

    seen = {}

    def checked(request):
        seen["request"], seen["result"] = request, run_planner(request)
        return seen["result"]

    plan = plan_day(session, day, planner=checked)
    request, result = seen["request"], seen["result"]
    assert_feasible(result, request.stops, request.crews, request.travel)
    stored = {route.crew_id: [s.work_item_id for s in route.stops] for route in plan.routes}
    assert stored == {int(r.crew_id): [int(i) for i in r.stop_ids] for r in result.routes if r.stops}
