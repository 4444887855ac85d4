from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from field_api import db
from field_api.api.lookup import get_or_404
from field_api.auth import access, service
from field_api.auth.layer import note
from field_api.models import OfficeUser
from schemas.access import UserSchema, UserUpdateSchema

blp = Blueprint("users", __name__, url_prefix="/users", description="Office users and roles")


def _get(user_id: int) -> OfficeUser:
    return get_or_404(OfficeUser, user_id, "User")


@blp.route("")
class Users(MethodView):
    @access("admin")
    @blp.response(200, UserSchema(many=True))
    def get(self):
        """List office users."""
        return db.session().scalars(select(OfficeUser).order_by(OfficeUser.id)).all()

    @access("admin")
    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body):
        """Create an office user with a role."""
        session = db.session()
        user = service.create_user(session, body["username"], body["full_name"], body["role"], body["password"])
        session.commit()
        note(target=f"user={user.username}", role=user.role)
        return user


@blp.route("/<int:user_id>")
class UserById(MethodView):
    @access("admin")
    @blp.etag
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """Show one office user."""
        return _get(user_id)

    @access("admin")
    @blp.etag
    @blp.arguments(UserUpdateSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, UserSchema)
    def patch(self, body, user_id):
        """Change a user's name, role, password or active flag; send If-Match."""
        session = db.session()
        user = _get(user_id)
        blp.check_etag(user, UserSchema)
        if "password" in body:
            service.check_password_strength(body["password"])
            user.password_hash = service.hash_password(body["password"])
        for name in ("full_name", "role", "active"):
            if name in body:
                setattr(user, name, body[name])
        if body.get("active") is False or "password" in body:
            service.revoke_user_tokens(session, user.id)
        session.commit()
        note(target=f"user={user.username}", fields=sorted(k for k in body if k != "password")
             + (["password"] if "password" in body else []))
        return user
