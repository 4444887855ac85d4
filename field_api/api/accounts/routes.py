from decimal import Decimal

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from field_api import db
from field_api.api.lookup import get_or_404
from field_api.changes import set_source
from field_api.auth.layer import note
from field_api.auth import access
from field_api.auth.rules import OFFICE
from field_api.models import Account, Balance, Premise
from field_api.registry import queries
from field_api.work.cuts import call_off_open_cuts
from field_api.work.policy import get_policy
from schemas.registry import AccountCollection, AccountFeature, AccountListArgs
from schemas.work import ReasonSchema

from ..geojson import feature, feature_collection, page_size_from

blp = Blueprint("accounts", __name__, url_prefix="/accounts", description="Accounts (cuentas)")


def account_feature(account: Account, premise: Premise, balance: Balance | None) -> dict:
    return feature(account.id, premise.geom, {
        "id": account.id,
        "number": account.number,
        "holder_name": account.holder_name,
        "tariff_class": account.tariff_class,
        "service_status": account.service_status,
        "protected": account.protected,
        "premise_id": premise.id,
        "sector_id": premise.sector_id,
        "address": queries.address_of(premise),
        "land_use": premise.land_use,
        "amount_owed": Decimal(balance.amount_owed_cents if balance else 0) / 100,
        "months_overdue": balance.months_overdue if balance else 0,
        "last_payment_date": balance.last_payment_date if balance else None,
        "version": account.version,
    })


@blp.route("")
class Accounts(MethodView):
    @access(*OFFICE, scopes=("registry:read",))
    @blp.arguments(AccountListArgs, location="query")
    @blp.response(200, AccountCollection)
    def get(self, args):
        """List accounts at their premise's point, filtered by sector, bbox, status or arrears."""
        size = page_size_from(args)
        page = queries.list_accounts(db.session(), page_size=size, **args)
        return feature_collection(page, lambda row: account_feature(*row))


@blp.route("/<int:account_id>")
class AccountById(MethodView):
    @access(*OFFICE, scopes=("registry:read",))
    @blp.etag
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, AccountFeature)
    def get(self, account_id):
        """Show one account with its balance, as a GeoJSON Feature."""
        row = db.session().execute(
            select(Account, Premise, Balance)
            .join(Premise, Account.premise_id == Premise.id)
            .outerjoin(Balance, Balance.account_id == Account.id)
            .where(Account.id == account_id)
        ).first()
        if row is None:
            abort(404, message=f"Account {account_id} does not exist.")
        return account_feature(*row)


@blp.route("/<int:account_id>/protection-override")
class ProtectionOverride(MethodView):
    @access("supervisor")
    @blp.arguments(ReasonSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, AccountFeature)
    def post(self, body, account_id):
        """Let a protected account be cut, stating why; the override is recorded."""
        return _set_override(account_id, body["reason"], body["reason"])

    @access("supervisor")
    @blp.arguments(ReasonSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, AccountFeature)
    def delete(self, body, account_id):
        """Withdraw an override, stating why; the account is protected from cuts again."""
        return _set_override(account_id, None, body["reason"])


def _set_override(account_id: int, override: str | None, reason: str) -> dict:
    note(reason=reason, target=f"account_id={account_id}")  # refused attempts are audited too
    session = db.session()
    account = get_or_404(Account, account_id, "Account")
    if not account.protected:
        abort(409, message=f"Account {account.number} is not protected; there is nothing to override.")
    set_source(session, "office", f"protection override by {g.principal.name}")
    account.protection_override_reason = override
    account.protection_override_by = g.principal.name if override else None
    if override is None and get_policy(session).exclude_protected:
        # Protected again: a cut ordered under the override is no longer allowed. The event's reason
        # reaches the crew's devices, so it names no protection and not the office's words (DESIGN
        # rule 8); those stay in the audit trail of this request.
        call_off_open_cuts(session, account.id, g.principal.name, "La oficina retiró la autorización de corte")
    session.commit()
    return account_feature(account, session.get(Premise, account.premise_id),
                           session.get(Balance, account.id))
