"""Payment agreements (convenios): create, record instalments, and find breached ones."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from field_api import db
from field_api.api.lookup import get_or_404
from field_api.auth import access
from field_api.auth.layer import note
from field_api.auth.rules import OFFICE
from field_api.models import Account, PaymentAgreement
from field_api.registry.queries import paginate
from field_api.work import agreements
from field_api.work.calendar import utility_today, utility_zone
from field_api.work.policy import get_policy
from schemas.work import (
    AgreementInSchema, AgreementListArgs, AgreementSchema, BreachCheckArgs, BreachCheckSchema, InstalmentSchema,
    PaymentResultSchema,
)

from ..geojson import page_size_from

blp = Blueprint("agreements", __name__, url_prefix="/agreements", description="Payment agreements")


def view(agreement: PaymentAgreement) -> dict:
    return {"id": agreement.id, "account_id": agreement.account_id, "total": agreement.total_cents / 100,
            "instalments": agreement.instalments, "instalments_paid": agreement.instalments_paid,
            "start_date": agreement.start_date, "status": agreement.status, "version": agreement.version,
            "next_due": agreements.next_due(agreement) if agreement.status == "current" else None}


def _get(agreement_id: int) -> PaymentAgreement:
    return get_or_404(PaymentAgreement, agreement_id, "Agreement")


@blp.route("")
class Agreements(MethodView):
    @access(*OFFICE)
    @blp.arguments(AgreementListArgs, location="query")
    @blp.response(200, AgreementSchema(many=True))
    def get(self, args):
        """List payment agreements, by status or account."""
        size = page_size_from(args)
        query = select(PaymentAgreement)
        if args.get("status"):
            query = query.where(PaymentAgreement.status == args["status"])
        if args.get("account"):
            query = query.where(PaymentAgreement.account_id == args["account"])
        page = paginate(db.session(), query, PaymentAgreement.id, args["page"], size)
        return [view(row[0]) for row in page.rows]

    @access("dispatcher", "supervisor")
    @blp.arguments(AgreementInSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(201, AgreementSchema)
    def post(self, body):
        """Create a payment agreement for an account, calling off its open cut orders; a current one is a 409."""
        session = db.session()
        if session.get(Account, body["account_id"]) is None:
            abort(422, message=f"Account {body['account_id']} does not exist.",
                  errors={"json": {"account_id": ["Unknown account."]}})
        agreement, called_off = agreements.create_agreement(session, body["account_id"], int(body["total"] * 100),
                                                            body["instalments"], body["start_date"],
                                                            g.principal.name)
        session.commit()
        note(target=f"agreement={agreement.id}", cancelled=called_off)
        return {**view(agreement), "cancelled_work_items": called_off}


@blp.route("/<int:agreement_id>")
class AgreementById(MethodView):
    @access(*OFFICE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, AgreementSchema)
    def get(self, agreement_id):
        """Show one agreement and its next due date."""
        return view(_get(agreement_id))


@blp.route("/<int:agreement_id>/instalments")
class Instalments(MethodView):
    @access("supervisor", scopes=("payments:write",))
    @blp.arguments(InstalmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, PaymentResultSchema)
    def post(self, body, agreement_id):
        """Record an instalment: a payment that also counts toward the agreement."""
        session = db.session()
        agreement = _get(agreement_id)
        result = agreements.record_instalment(session, agreement, body["reference"], int(body["amount"] * 100),
                                              body["paid_on"], get_policy(session),
                                              f"{g.principal.kind}:{g.principal.name}", g.principal.name,
                                              tz=utility_zone())
        session.commit()
        note(target=f"agreement={agreement.id}")
        return result


@blp.route("/check-breaches")
class BreachCheck(MethodView):
    @access("dispatcher", "supervisor")
    @blp.arguments(BreachCheckArgs)
    @blp.response(200, BreachCheckSchema)
    def post(self, args):
        """Mark breached every agreement with an instalment overdue past the grace period."""
        session = db.session()
        today = utility_today()
        as_of = args.get("as_of") or today
        if as_of > today:
            abort(422, message=f"as_of ({as_of}) es posterior a hoy ({today}): un convenio sólo se incumple "
                               "cuando su plazo ya venció.", errors={"json": {"as_of": ["Must not be after today."]}})
        breached = agreements.mark_breaches(session, as_of, get_policy(session))
        session.commit()
        return {"breached": breached}
