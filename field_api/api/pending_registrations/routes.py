"""Premises found on verification walks, waiting for the office before they enter the registry."""
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from field_api import db
from field_api.auth import access
from field_api.api.lookup import get_or_404
from field_api.auth.layer import note
from field_api.auth.rules import OFFICE
from field_api.geo import to_geojson
from field_api.models import PendingRegistration
from field_api.registry import registrations
from field_api.registry.queries import paginate
from schemas.common import PageArgs
from schemas.sync_office import (
    ApproveRegistrationSchema, RegistrationPageSchema, RegistrationSchema, RejectRegistrationSchema,
)

from ..geojson import page_size_from
from ..pages import page_body

blp = Blueprint("pending_registrations", __name__, url_prefix="/pending-registrations",
                description="Premises found in the field, pending approval")
FIELDS = tuple(f for f in RegistrationSchema().fields if f != "location")


def registration_view(r: PendingRegistration) -> dict:
    return {**{name: getattr(r, name) for name in FIELDS}, "location": to_geojson(r.geom)}


@blp.route("")
class PendingRegistrations(MethodView):
    @access(*OFFICE)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, RegistrationPageSchema)
    def get(self, args):
        """List premises found in the field that wait for approval, oldest first."""
        query = select(PendingRegistration).where(PendingRegistration.status == "pending")
        page = paginate(db.session(), query, PendingRegistration.id, args["page"], page_size_from(args))
        return page_body("registrations", page, lambda row: registration_view(row[0]))


@blp.route("/<int:registration_id>/approve")
class ApproveRegistration(MethodView):
    @access("supervisor")
    @blp.arguments(ApproveRegistrationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, RegistrationSchema)
    def post(self, body, registration_id):
        """Enter a premise found in the field into the registry, in the sector that contains it."""
        note(reason=body.get("reason"), target=f"registration={registration_id}")
        session = db.session()
        registration = get_or_404(PendingRegistration, registration_id, "Registration")
        premise = registrations.approve(session, registration, g.principal.name, body.get("land_use"),
                                        body.get("reason"))
        session.commit()
        note(premise_id=premise.id)
        return registration_view(registration)


@blp.route("/<int:registration_id>/reject")
class RejectRegistration(MethodView):
    @access("supervisor")
    @blp.arguments(RejectRegistrationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, RegistrationSchema)
    def post(self, body, registration_id):
        """Turn down a premise found in the field (a duplicate, a wrong address), saying why."""
        note(reason=body["reason"], target=f"registration={registration_id}")
        session = db.session()
        registration = get_or_404(PendingRegistration, registration_id, "Registration")
        registrations.reject(registration, g.principal.name, body["reason"])
        session.commit()
        return registration_view(registration)
