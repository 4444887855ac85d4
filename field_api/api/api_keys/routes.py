from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from field_api import db
from field_api.api.lookup import get_or_404
from field_api.auth import access, service
from field_api.auth.layer import note
from field_api.models import ApiKey
from field_api.models.base import utcnow
from schemas.access import ApiKeyCreateSchema, ApiKeySchema, NewApiKeySchema, RevokeSchema

blp = Blueprint("api_keys", __name__, url_prefix="/api-keys", description="Keys for systems such as billing")


@blp.route("")
class ApiKeys(MethodView):
    @access("admin")
    @blp.response(200, ApiKeySchema(many=True))
    def get(self):
        """List API keys (never the keys themselves)."""
        return db.session().scalars(select(ApiKey).order_by(ApiKey.id)).all()

    @access("admin")
    @blp.arguments(ApiKeyCreateSchema)
    @blp.response(201, NewApiKeySchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body):
        """Create a named, scoped key; the key is in this answer only."""
        session = db.session()
        row, key = service.create_api_key(session, body["name"], body["scopes"], g.principal.name)
        session.commit()
        note(target=f"api_key={row.name}", scopes=row.scopes)
        fields = ApiKeySchema().fields
        return {**{name: getattr(row, name) for name in fields}, "key": key}


@blp.route("/<int:key_id>/revoke")
class RevokeApiKey(MethodView):
    @access("admin")
    @blp.arguments(RevokeSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, ApiKeySchema)
    def post(self, body, key_id):
        """Revoke a key at once, with a reason."""
        session = db.session()
        row = get_or_404(ApiKey, key_id, "API key")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
        session.commit()
        note(reason=body["reason"], target=f"api_key={row.name}")
        return row
