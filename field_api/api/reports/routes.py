"""Reports the office reads in the afternoon: work done by each crew, and arrears recovered."""
from zoneinfo import ZoneInfo

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from field_api import db
from field_api.auth import access
from field_api.auth.rules import OFFICE
from field_api.models import Crew, Sector
from field_api.work import reports
from schemas.reports import ArrearsArgs, ArrearsReportSchema, CrewWorkArgs, CrewWorkReportSchema

blp = Blueprint("reports", __name__, url_prefix="/reports",
                description="Work done by each crew, and the share of arrears recovered")


def _known(model, row_id: int | None, noun: str, arg: str) -> None:
    if row_id is not None and db.session().get(model, row_id) is None:
        abort(422, message=f"{noun} {row_id} does not exist.", errors={"query": {arg: [f"Unknown {arg}."]}})


@blp.route("/crew-work")
class CrewWorkReport(MethodView):
    @access(*OFFICE)
    @blp.arguments(CrewWorkArgs, location="query")
    @blp.response(200, CrewWorkReportSchema)
    def get(self, args):
        """Per crew and work type, from `from` to `to`: given, planned, done, failed, cancelled, open."""
        _known(Crew, args.get("crew"), "Crew", "crew")
        zone = current_app.config["TIMEZONE"]
        crews = reports.crew_work(db.session(), args["from_"], args["to"], ZoneInfo(zone), args.get("crew"))
        return {"from_": args["from_"], "to": args["to"], "timezone": zone, "crews": crews}


@blp.route("/arrears-recovery")
class ArrearsRecoveryReport(MethodView):
    @access(*OFFICE)
    @blp.arguments(ArrearsArgs, location="query")
    @blp.response(200, ArrearsReportSchema)
    def get(self, args):
        """Of the accounts pursued with notices and cuts: owed when pursued, paid from `from` to `to`, share."""
        _known(Sector, args.get("sector"), "Sector", "sector")
        zone = current_app.config["TIMEZONE"]
        figures = reports.arrears_recovery(db.session(), args["from_"], args["to"], ZoneInfo(zone),
                                           args.get("sector"), args.get("pursued_since"))
        return {"from_": args["from_"], "to": args["to"], "pursued_since": args.get("pursued_since"),
                "sector": args.get("sector"), "timezone": zone, **figures}
