from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, select

from field_api import db
from field_api.auth import access
from field_api.models import AuditEvent
from schemas.access import AuditArgs, AuditPageSchema

from ..geojson import page_size_from

blp = Blueprint("audit", __name__, url_prefix="/audit", description="Who did what, when and why")


@blp.route("")
class Audit(MethodView):
    @access("admin", "supervisor")
    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, AuditPageSchema)
    def get(self, args):
        """List audit events, newest first, filtered by principal, action or time."""
        size = page_size_from(args)
        query = select(AuditEvent)
        if args.get("principal"):
            query = query.where(AuditEvent.principal_name == args["principal"])
        if args.get("action"):
            query = query.where(AuditEvent.action.contains(args["action"], autoescape=True))
        if args.get("since"):
            query = query.where(AuditEvent.at >= args["since"])
        if args.get("until"):
            query = query.where(AuditEvent.at < args["until"])
        session = db.session()
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        events = session.scalars(query.order_by(AuditEvent.id.desc()).limit(size)
                                 .offset((args["page"] - 1) * size)).all()
        return {"events": events, "total": total, "page": args["page"], "page_size": size}
