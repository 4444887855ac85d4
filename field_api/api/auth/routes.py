from datetime import timedelta

from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from field_api import db
from field_api.auth import access, public
from field_api.auth import service
from field_api.auth.layer import note
from field_api.auth.rules import OFFICE
from schemas.access import LoginSchema, RefreshSchema, TokenSchema, UserSchema

blp = Blueprint("auth", __name__, url_prefix="/auth", description="Office log-in and tokens")


def _ttls():
    cfg = current_app.config
    return timedelta(minutes=cfg["ACCESS_TOKEN_MINUTES"]), timedelta(days=cfg["REFRESH_TOKEN_DAYS"])


def _limits():
    cfg = current_app.config
    return service.LoginLimits(cfg["LOGIN_MAX_FAILURES_PER_USER"], cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                               timedelta(minutes=cfg["LOGIN_WINDOW_MINUTES"]))


def _token_body(pair: service.TokenPair) -> dict:
    return {"access_token": pair.access_token, "refresh_token": pair.refresh_token,
            "expires_in": pair.expires_in, "role": pair.user.role}


@blp.route("/login")
class Login(MethodView):
    @public()
    @blp.arguments(LoginSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, creds):
        """Log in with username and password; get an access and a refresh token."""
        g.audit_principal_name = creds["username"]
        session = db.session()
        pair = service.login(session, creds["username"], creds["password"],
                             request.remote_addr or "unknown", _limits(), *_ttls())
        session.commit()
        return _token_body(pair)


@blp.route("/refresh")
class Refresh(MethodView):
    @public()
    @blp.arguments(RefreshSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    def post(self, body):
        """Trade a refresh token for a new token pair; the old pair stops working."""
        session = db.session()
        pair = service.refresh(session, body["refresh_token"], *_ttls())
        g.audit_principal_name = pair.user.username
        session.commit()
        return _token_body(pair)


@blp.route("/logout")
class Logout(MethodView):
    @access(*OFFICE)
    @blp.response(204)
    def post(self):
        """Revoke the caller's access and refresh tokens at once."""
        session = db.session()
        service.revoke_session(session, g.principal.session_id)
        session.commit()
        note(target=f"session={g.principal.session_id[:8]}")


@blp.route("/me")
class Me(MethodView):
    @access(*OFFICE)
    @blp.response(200, UserSchema)
    def get(self):
        """Show the signed-in user and their role."""
        from field_api.models import OfficeUser

        return db.session().get(OfficeUser, g.principal.id)
