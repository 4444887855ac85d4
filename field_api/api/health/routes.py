from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import text

from field_api import db
from field_api.auth import public
from field_api.migrate import current_revision
from schemas.system import HealthSchema, VersionSchema

blp = Blueprint("system", __name__, url_prefix="", description="Health and version")


@blp.route("/health")
class Health(MethodView):
    @public()
    @blp.response(200, HealthSchema)
    def get(self):
        """Report whether the service and its database answer."""
        db.session().execute(text("SELECT 1"))
        return {"status": "ok", "database": "ok"}


@blp.route("/version")
class Version(MethodView):
    @public()
    @blp.response(200, VersionSchema)
    def get(self):
        """Give the software version, the schema revision and the database backend."""
        from flask import current_app

        return {
            "version": current_app.config["API_VERSION"],
            "schema_revision": current_revision(db.engine()),
            "database_backend": {"sqlite": "spatialite", "postgresql": "postgis"}.get(
                db.engine().dialect.name, db.engine().dialect.name
            ),
        }
