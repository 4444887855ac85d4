"""Daily dispatch: plan (a stored draft), look, publish one batch per crew, re-plan the rest."""
from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from field_api import db
from field_api.api.lookup import get_or_404
from field_api.auth import access
from field_api.auth.layer import note
from field_api.auth.rules import OFFICE
from field_api.dispatch.plans import make_plan
from field_api.dispatch.progress import plan_progress
from field_api.dispatch.publish import discard, publish
from field_api.dispatch.replan import replan
from field_api.dispatch.views import plan_view, select_work
from field_api.models import DispatchPlan
from field_api.models.base import utcnow
from schemas.dispatch import PlanListArgs, PlanProgressSchema, PlanRequestSchema, PlanSchema, ReplanSchema

blp = Blueprint("plans", __name__, url_prefix="/plans", description="Route plans and published batches")
# Publish, re-plan and discard are POST actions on a plan; like a PATCH they need If-Match, so that
# nobody acts on a plan that changed since they last looked at it.
blp.METHODS_NEEDING_CHECK_ETAG = ["POST", "PUT", "PATCH", "DELETE"]


def _get(plan_id: int) -> DispatchPlan:
    return get_or_404(DispatchPlan, plan_id, "Plan")


def _checked(plan_id: int, lock: bool = True) -> DispatchPlan:
    """The plan after checking If-Match against it (412 if it changed); with `lock`, locked and read
    afresh, so that of two actions sent with the same If-Match the second sees the first's version."""
    plan = get_or_404(DispatchPlan, plan_id, "Plan", lock=lock)
    blp.check_etag(plan_view(db.session(), plan), PlanSchema)
    return plan


def _etag(view: dict) -> str:
    """The ETag GET /plans/{id} gives for `view`, quoted, so that a new draft can be published without
    a GET first. Set by hand: on this blueprint `@blp.etag` would ask a POST for If-Match."""
    return f'"{blp._generate_etag(PlanSchema().dump(view))}"'


def _act(plan_id: int, action) -> dict:
    """Check If-Match, apply `action(session, plan)`, commit, note it, answer the plan as it now is."""
    session = db.session()
    plan = _checked(plan_id)
    action(session, plan)
    session.commit()
    note(target=f"plan={plan.id}")
    return plan_view(session, plan)


@blp.route("")
class Plans(MethodView):
    @access(*OFFICE)
    @blp.arguments(PlanListArgs, location="query")
    @blp.response(200, PlanSchema(many=True))
    def get(self, args):
        """List plans by day and status, newest first."""
        query = select(DispatchPlan).order_by(DispatchPlan.id.desc()).limit(200)
        for name in ("service_date", "status"):
            if args.get(name) is not None:
                query = query.where(getattr(DispatchPlan, name) == args[name])
        session = db.session()
        return [plan_view(session, plan, with_routes=False) for plan in session.scalars(query)]

    @access("dispatcher")
    @blp.arguments(PlanRequestSchema)
    @blp.response(201, PlanSchema, headers={"ETag": "ETAG"})
    def post(self, body):
        """Plan a day for the chosen crews and work; the answer is a draft to review, not yet published."""
        session = db.session()
        ids = body["work_item_ids"] if "work_item_ids" in body else select_work(session, body["select"])
        plan = make_plan(session, body["service_date"], ids, body.get("crew_ids"), body["time_budget_s"],
                         body["pesos_per_crew_hour"], g.principal.name, current_app.config["TIMEZONE"])
        session.commit()
        note(target=f"plan={plan.id}", stops=plan.summary["stops_planned"])
        view = plan_view(session, plan)
        return view, 201, {"ETag": _etag(view)}


@blp.route("/<int:plan_id>")
class PlanById(MethodView):
    @access(*OFFICE)
    @blp.etag
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, PlanSchema)
    def get(self, plan_id):
        """Show a plan with its routes as GeoJSON and its summary."""
        return plan_view(db.session(), _get(plan_id))


@blp.route("/<int:plan_id>/progress")
class PlanProgress(MethodView):
    @access(*OFFICE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, PlanProgressSchema)
    def get(self, plan_id):
        """Follow a published day: each crew's stops done, failed, late or moved, its last sync and last GPS fix."""
        return plan_progress(db.session(), _get(plan_id), utcnow())


@blp.route("/<int:plan_id>/publish")
class PublishPlan(MethodView):
    @access("dispatcher")
    @blp.etag
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, PlanSchema)
    def post(self, plan_id):
        """Publish a draft: one batch per crew, its work planned in route order with ETAs; send If-Match."""
        return _act(plan_id, lambda session, plan: publish(session, plan, g.principal.name))


@blp.route("/<int:plan_id>/replan")
class ReplanPlan(MethodView):
    @access("dispatcher")
    @blp.etag
    @blp.arguments(ReplanSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(201, PlanSchema)
    def post(self, body, plan_id):
        """Re-plan the rest of a published day from now: done work stays, new urgent work joins; send If-Match."""
        session = db.session()
        plan = _checked(plan_id, lock=False)  # the planner may run for minutes: no lock held meanwhile
        draft = replan(session, plan, body.get("now") or utcnow(), body["add_work_item_ids"],
                       body["fixed_work_item_ids"], body["time_budget_s"], g.principal.name,
                       current_app.config["TIMEZONE"])
        session.commit()
        note(target=f"plan={draft.id}", replan_of=plan_id)
        return plan_view(session, draft)


@blp.route("/<int:plan_id>/discard")
class DiscardPlan(MethodView):
    @access("dispatcher")
    @blp.etag
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, PlanSchema)
    def post(self, plan_id):
        """Discard a draft that will not be published; it stays listed as discarded; send If-Match."""
        return _act(plan_id, discard)
