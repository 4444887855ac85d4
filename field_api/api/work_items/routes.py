"""Work items: list as GeoJSON, show, and the office's changes, each with a reason and If-Match."""
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from field_api import db
from field_api.auth import access
from field_api.auth.layer import note
from field_api.auth.rules import OFFICE
from field_api.models import Account, Crew, Premise, WorkEvent, WorkItem
from field_api.registry.queries import address_of
from field_api.work import items, queries
from schemas.common import feature_schemas
from schemas.work import (
    ReassignSchema, ReasonSchema, StatusChangeSchema, WorkEventSchema, WorkItemListArgs, WorkItemProperties,
)

from ..geojson import feature, feature_collection, page_size_from

blp = Blueprint("work_items", __name__, url_prefix="/work-items", description="Work items and their lifecycle")
# The changes here are POST actions (cancel, reassign, status); they need If-Match like a PATCH.
blp.METHODS_NEEDING_CHECK_ETAG = ["POST", "PUT", "PATCH", "DELETE"]
WorkItemFeature, WorkItemCollection = feature_schemas("WorkItem", WorkItemProperties)
FIELDS = ("id", "type", "subtype", "status", "status_reason", "account_id", "premise_id", "reason", "rule",
          "priority_value", "due_date", "window_start", "window_end", "required_skill", "assigned_crew_id",
          "served_at", "created_by", "created_at", "version")


def item_feature(item: WorkItem, premise: Premise | None, account_number: str | None) -> dict:
    props = {name: getattr(item, name) for name in FIELDS}
    props.update(account_number=account_number, sector_id=premise.sector_id if premise else None,
                 address=address_of(premise) if premise else "")
    return feature(item.id, premise.geom if premise else None, props)


def _load(item_id: int, lock: bool = False):
    """The item, its premise and account number; with `lock`, the item locked and read afresh, so that
    of two changes sent with the same If-Match the second sees the first's version (412)."""
    query = (select(WorkItem, Premise, Account.number).outerjoin(Premise, WorkItem.premise_id == Premise.id)
             .outerjoin(Account, WorkItem.account_id == Account.id).where(WorkItem.id == item_id))
    if lock:
        query = db.locked(query, of=WorkItem)
    row = db.session().execute(query).first()
    if row is None:
        abort(404, message=f"Work item {item_id} does not exist.")
    return row


def _write(item_id: int, change):
    """Check If-Match against the current item, apply `change`, commit, answer the new item."""
    item, premise, number = _load(item_id, lock=True)
    blp.check_etag(item_feature(item, premise, number), WorkItemFeature)
    change(item)
    db.session().commit()
    note(target=f"work_item={item.id}")
    return item_feature(item, premise, number)


@blp.route("")
class WorkItems(MethodView):
    @access(*OFFICE)
    @blp.arguments(WorkItemListArgs, location="query")
    @blp.response(200, WorkItemCollection)
    def get(self, args):
        """List work items as GeoJSON points, filtered by type, status, sector, crew or due date."""
        size = page_size_from(args)
        page = queries.list_work_items(db.session(), page_size=size, **args)
        return feature_collection(page, lambda row: item_feature(*row))


@blp.route("/<int:item_id>")
class WorkItemById(MethodView):
    @access(*OFFICE)
    @blp.etag
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, WorkItemFeature)
    def get(self, item_id):
        """Show one work item."""
        return item_feature(*_load(item_id))


@blp.route("/<int:item_id>/events")
class WorkItemEvents(MethodView):
    @access(*OFFICE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, WorkEventSchema(many=True))
    def get(self, item_id):
        """List what happened to a work item: who, when and why."""
        _load(item_id)
        return db.session().scalars(select(WorkEvent).where(WorkEvent.work_item_id == item_id)
                                    .order_by(WorkEvent.id)).all()


@blp.route("/<int:item_id>/cancel")
class CancelWorkItem(MethodView):
    @access("dispatcher", "supervisor")
    @blp.etag
    @blp.arguments(ReasonSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, WorkItemFeature)
    def post(self, body, item_id):
        """Cancel an open work item with a reason; send If-Match."""
        note(reason=body["reason"])
        return _write(item_id, lambda item: items.change_status(
            db.session(), item, "cancelled", g.principal.name, body["reason"]))


@blp.route("/<int:item_id>/reassign")
class ReassignWorkItem(MethodView):
    @access("dispatcher")
    @blp.etag
    @blp.arguments(ReassignSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, WorkItemFeature)
    def post(self, body, item_id):
        """Give an open work item to another crew (or none), with a reason; send If-Match."""
        crew_id = body["crew_id"]
        # Locked: a crew being disbanded meanwhile either sees this item or is seen inactive here.
        crew = db.session().scalar(db.locked(select(Crew).where(Crew.id == crew_id))) if crew_id is not None else None
        if crew_id is not None and crew is None:
            abort(422, message=f"Crew {crew_id} does not exist.", errors={"json": {"crew_id": ["Unknown crew."]}})
        if crew is not None and not crew.active:
            abort(422, message=f"Crew {crew_id} ({crew.name}) is inactive; give the work to an active crew.",
                  errors={"json": {"crew_id": ["Inactive crew."]}})
        note(reason=body["reason"])
        return _write(item_id, lambda item: items.reassign(
            db.session(), item, crew_id, g.principal.name, body["reason"]))


@blp.route("/<int:item_id>/status")
class WorkItemStatus(MethodView):
    @access("dispatcher", "supervisor")
    @blp.etag
    @blp.arguments(StatusChangeSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, WorkItemFeature)
    def post(self, body, item_id):
        """Move a work item along its lifecycle (e.g. a notice served on paper); send If-Match."""
        def change(item):
            session = db.session()
            if body.get("served_at") is not None:
                if body["status"] != "done":
                    abort(422, message="served_at goes with status 'done'.")
                items.mark_served(session, item, body["served_at"], g.principal.name)
            items.change_status(session, item, body["status"], g.principal.name, body.get("reason"))
        note(reason=body.get("reason"))
        return _write(item_id, change)
