"""The review queue: registry corrections from the field that wait for an office decision."""
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from field_api import db
from field_api.auth import access
from field_api.auth.layer import note
from field_api.auth.rules import OFFICE
from field_api.models import FieldRecord, ReviewItem
from field_api.registry.queries import paginate
from field_api.sync_service.reviews import ReviewClosed, ReviewMoved, decide, lock_for_decision, review_view
from schemas.sync_office import ResolveSchema, ReviewItemSchema, ReviewListArgs, ReviewPageSchema

from ..geojson import page_size_from
from ..pages import page_body

blp = Blueprint("reviews", __name__, url_prefix="/reviews", description="Review queue of field corrections")
blp.METHODS_NEEDING_CHECK_ETAG = ["POST", "PUT", "PATCH", "DELETE"]


def _query():
    return select(ReviewItem, FieldRecord).join(FieldRecord, ReviewItem.record_id == FieldRecord.id)


def _one(review_id: int):
    row = db.session().execute(_query().where(ReviewItem.id == review_id)).first()
    if row is None:
        abort(404, message=f"Review item {review_id} does not exist.")
    return row


@blp.route("")
class Reviews(MethodView):
    @access(*OFFICE)
    @blp.arguments(ReviewListArgs, location="query")
    @blp.response(200, ReviewPageSchema)
    def get(self, args):
        """List review items (open ones by default), oldest first."""
        query = _query()
        if args["status"] != "all":
            query = query.where(ReviewItem.status == args["status"])
        if args.get("entity"):
            query = query.where(ReviewItem.entity == args["entity"])
        if args.get("device"):
            query = query.where(FieldRecord.device_id == args["device"])
        page = paginate(db.session(), query, ReviewItem.id, args["page"], page_size_from(args))
        return page_body("reviews", page, lambda row: review_view(*row))


@blp.route("/<int:review_id>")
class ReviewById(MethodView):
    @access(*OFFICE)
    @blp.etag
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, ReviewItemSchema)
    def get(self, review_id):
        """Show one review item: what the crew saw, what it proposes, what the registry holds."""
        return review_view(*_one(review_id))


@blp.route("/<int:review_id>/resolve")
class ResolveReview(MethodView):
    @access("supervisor")
    @blp.etag
    @blp.arguments(ResolveSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, ReviewItemSchema)
    def post(self, body, review_id):
        """Accept the field's value or keep the registry's, with a reason; send If-Match."""
        session = db.session()
        review, record = _one(review_id)
        lock_for_decision(session, review)
        blp.check_etag(review_view(review, record), ReviewItemSchema)
        note(reason=body["reason"], target=f"review={review_id}", decision=body["decision"])
        try:
            decide(session, review, body["decision"] == "accept_field", g.principal.name, body["reason"])
        except ReviewMoved as exc:
            session.commit()  # the item now shows the registry's new value
            abort(409, message=f"The registry changed during the review; look again: {exc}")
        except ReviewClosed as exc:
            abort(409, message=str(exc))
        session.commit()
        return review_view(review, record)
