"""The payments feed from the billing system: idempotent by payment reference."""
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from field_api import db
from field_api.auth import access
from field_api.auth.layer import note
from field_api.work.calendar import utility_zone
from field_api.work.payments import PaymentIn, apply_payments
from field_api.work.policy import get_policy
from schemas.work import PaymentBatchResultSchema, PaymentBatchSchema

blp = Blueprint("payments", __name__, url_prefix="/payments", description="Payments feed")


@blp.route("")
class Payments(MethodView):
    @access("supervisor", scopes=("payments:write",))
    @blp.arguments(PaymentBatchSchema)
    @blp.response(200, PaymentBatchResultSchema)
    def post(self, body):
        """Post a batch of payments; each gets accepted, duplicate (original result) or rejected."""
        session = db.session()
        payments = [PaymentIn(p["reference"], p["account_number"], int(p["amount"] * 100), p["paid_on"],
                              p["channel"]) for p in body["payments"]]
        source = f"{g.principal.kind}:{g.principal.name}"
        results = apply_payments(session, payments, get_policy(session), source, g.principal.name,
                                 tz=utility_zone())
        session.commit()
        note(accepted=sum(r["status"] == "accepted" for r in results), total=len(results))
        return {"results": results}
