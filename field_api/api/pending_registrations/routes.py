"""Premises found on verification walks, waiting for the office before they enter the registry."""
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from field_api import db
from field_api.auth import access
from field_api.auth.rules import OFFICE
from field_api.geo import to_geojson
from field_api.models import PendingRegistration
from field_api.registry.queries import paginate
from schemas.common import PageArgs
from schemas.sync_office import RegistrationPageSchema, RegistrationSchema

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
