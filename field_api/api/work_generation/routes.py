"""Work generation: each operation previews by default and creates only with commit=true."""
from functools import partial

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from field_api import db
from field_api.auth import access
from field_api.auth.layer import note
from field_api.work import agreements, cuts, inspections, notices, verification
from field_api.work.areas import AreaFilter
from field_api.work.calendar import utility_today, utility_zone
from field_api.work.policy import get_policy
from schemas.work import (
    AnomalyArgs, GenerateArgs, GenerationSchema, NoticeCampaignArgs, RequestedInspectionArgs,
    VerificationWalkArgs,
)

blp = Blueprint("work_generation", __name__, url_prefix="/work-generation",
                description="Cut lists, notice campaigns, inspections and verification walks")
GENERATORS = ("dispatcher",)


def _finish(result, what: str):
    session = db.session()
    if result.committed:
        session.commit()
        note(target=what, created=len(result.created_ids))
    else:
        session.rollback()  # a preview leaves no trace, not even a breach it noticed
    return result.as_dict()


def _common(args):
    return dict(commit=args["commit"], actor=g.principal.name, limit=args["limit"],
                max_items=args.get("max_items"))


def _collections(args, generate):
    """Run a debt-based generator for `as_of`, after marking the agreements breached by then."""
    session = db.session()
    policy = get_policy(session)
    today = utility_today()
    as_of = args.get("as_of") or today
    # A breach is for good: one that only a later day would bring is not marked before that day
    # comes, and its account stays out of work prepared ahead (it may still pay in time).
    agreements.mark_breaches(session, min(as_of, today), policy)
    return generate(session, policy, AreaFilter.from_args(args), as_of, **_common(args))


@blp.route("/cut-candidates")
class CutCandidates(MethodView):
    @access(*GENERATORS)
    @blp.arguments(GenerateArgs)
    @blp.response(200, GenerationSchema)
    def post(self, args):
        """Preview or create cut orders, each with the rule that selected it."""
        generate = partial(cuts.cut_candidates, tz=utility_zone())
        return _finish(_collections(args, generate), "cut orders")


@blp.route("/notice-campaigns")
class NoticeCampaigns(MethodView):
    @access(*GENERATORS)
    @blp.arguments(NoticeCampaignArgs)
    @blp.response(200, GenerationSchema)
    def post(self, args):
        """Preview or create the notices of one stage: reminder, payment demand or cut warning."""
        generate = partial(notices.notice_campaign, stage=args["stage"])
        return _finish(_collections(args, generate), f"notices {args['stage']}")


@blp.route("/inspections/anomalies")
class AnomalyInspections(MethodView):
    @access(*GENERATORS)
    @blp.arguments(AnomalyArgs)
    @blp.response(200, GenerationSchema)
    def post(self, args):
        """Preview or create inspections for zero consumption or a sharp drop in readings."""
        session = db.session()
        result = inspections.anomaly_inspections(session, args["rule"], get_policy(session),
                                                 AreaFilter.from_args(args), **_common(args))
        return _finish(result, f"inspections {args['rule']}")


@blp.route("/inspections/requests")
class RequestedInspections(MethodView):
    @access(*GENERATORS, "supervisor")
    @blp.arguments(RequestedInspectionArgs)
    @blp.response(200, GenerationSchema)
    def post(self, args):
        """Preview or create inspections that staff ask for, for named accounts."""
        session = db.session()
        result = inspections.requested_inspections(session, args["account_ids"], args["reason"],
                                                   args["commit"], g.principal.name, args.get("due_date"))
        note(reason=args["reason"])
        return _finish(result, "requested inspections")


@blp.route("/verification-walks")
class VerificationWalks(MethodView):
    @access(*GENERATORS)
    @blp.arguments(VerificationWalkArgs)
    @blp.response(200, GenerationSchema)
    def post(self, args):
        """Preview or create one verification item per premise inside a sector or polygon."""
        session = db.session()
        result = verification.verification_walk(session, AreaFilter.from_args(args),
                                                args.get("as_of") or utility_today(), args["commit"],
                                                g.principal.name, args["limit"], args.get("due_date"))
        return _finish(result, "verification walk")
