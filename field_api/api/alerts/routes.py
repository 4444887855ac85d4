"""Office alerts raised by field records: a cut after cancellation, a tampered meter, a payment to check."""
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import case, select

from field_api import db
from field_api.api.lookup import get_or_404
from field_api.auth import access
from field_api.auth.layer import note
from field_api.auth.rules import OFFICE
from field_api.models import OfficeAlert
from field_api.models.base import utcnow
from field_api.registry.queries import paginate
from schemas.sync_office import AcknowledgeSchema, AlertListArgs, AlertPageSchema, AlertSchema

from ..geojson import page_size_from
from ..pages import page_body

blp = Blueprint("alerts", __name__, url_prefix="/alerts", description="Alerts for the office")
FIELDS = tuple(AlertSchema().fields)


def alert_view(alert: OfficeAlert) -> dict:
    return {name: getattr(alert, name) for name in FIELDS}


@blp.route("")
class Alerts(MethodView):
    @access(*OFFICE)
    @blp.arguments(AlertListArgs, location="query")
    @blp.response(200, AlertPageSchema)
    def get(self, args):
        """List alerts, urgent first, then the newest (only unacknowledged ones by default)."""
        query = select(OfficeAlert)
        if args["open"]:
            query = query.where(OfficeAlert.acknowledged_at.is_(None))
        for arg in ("severity", "kind"):
            if args.get(arg):
                query = query.where(getattr(OfficeAlert, arg) == args[arg])
        rank = case((OfficeAlert.severity == "urgent", 0), (OfficeAlert.severity == "normal", 1), else_=2)
        page = paginate(db.session(), query.order_by(rank), OfficeAlert.id.desc(), args["page"], page_size_from(args))
        return page_body("alerts", page, lambda row: alert_view(row[0]))


@blp.route("/<int:alert_id>/acknowledge")
class AcknowledgeAlert(MethodView):
    @access("dispatcher", "supervisor")
    @blp.arguments(AcknowledgeSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, AlertSchema)
    def post(self, body, alert_id):
        """Mark an alert as seen and handled, with an optional note."""
        session = db.session()
        alert = get_or_404(OfficeAlert, alert_id, "Alert")
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = utcnow(), g.principal.name
        session.commit()
        note(reason=body.get("note"), target=f"alert={alert_id}")
        return alert_view(alert)
