"""The collection policy: defaults from DESIGN.md, edited by admins with If-Match."""
from decimal import Decimal

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from field_api import db
from field_api.auth import access
from field_api.auth.layer import note
from field_api.auth.rules import OFFICE
from field_api.changes import set_source
from field_api.models import CollectionPolicy
from field_api.work.holidays import published_years
from field_api.work.policy import get_policy
from schemas.work import PolicyPatchSchema, PolicySchema

blp = Blueprint("policy", __name__, url_prefix="/policy", description="Collection policy of the utility")


DERIVED = ("cut_min_amount", "extra_holidays", "holiday_calendar_years")


def view(policy: CollectionPolicy) -> dict:
    data = {name: getattr(policy, name) for name in PolicySchema().fields if name not in DERIVED}
    data["cut_min_amount"] = Decimal(policy.cut_min_amount_cents) / 100
    data["extra_holidays"] = policy.holidays()
    data["holiday_calendar_years"] = published_years(db.session(), policy.holiday_state)
    return data


@blp.route("")
class Policy(MethodView):
    @access(*OFFICE)
    @blp.etag
    @blp.response(200, PolicySchema)
    def get(self):
        """Show the collection policy."""
        session = db.session()
        policy = get_policy(session)
        session.commit()  # the first read stores the defaults
        return view(policy)

    @access("admin")
    @blp.etag
    @blp.arguments(PolicyPatchSchema(partial=True))
    @blp.response(200, PolicySchema)
    def patch(self, body):
        """Change some policy settings; send If-Match."""
        session = db.session()
        policy = get_policy(session)
        blp.check_etag(view(policy), PolicySchema)
        set_source(session, "office", "policy")
        if "cut_min_amount" in body:
            policy.cut_min_amount_cents = int(body.pop("cut_min_amount") * 100)
        if "extra_holidays" in body:
            policy.extra_holidays = sorted({d.isoformat() for d in body.pop("extra_holidays")})
        for name, value in body.items():
            setattr(policy, name, value)
        if policy.business_open >= policy.business_close:
            abort(422, message="business_open must be before business_close.")
        session.commit()
        note(target="policy", fields=sorted(body))
        return view(policy)


