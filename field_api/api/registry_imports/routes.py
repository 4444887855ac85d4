"""Registry import over HTTP, for the billing system's key: the same import as the CLI."""
import os
import re
import tempfile
from dataclasses import asdict

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from field_api import db
from field_api.auth import access
from field_api.auth.layer import note
from field_api.registry.importer import import_registry
from field_api.work.calendar import utility_today
from schemas.registry import ImportFileSchema, ImportFormSchema, ImportReportSchema

blp = Blueprint("registry_imports", __name__, url_prefix="/registry/imports",
                description="Import the registry from a billing export")


@blp.before_request
def _allow_large_files():
    # A registry export is far larger than any JSON body; this endpoint alone takes it.
    request.max_content_length = current_app.config["MAX_IMPORT_BYTES"]


def _file_name(sent: str, suffix: str) -> str:
    """The sent name, as the report and the change log show it, made safe to save under: no NUL or
    other control character, no folders, and short enough for any filesystem (60 characters of at
    most 4 bytes each, and the suffix)."""
    stem = os.path.basename(sent.replace("\\", "/"))[:-len(suffix)]
    return re.sub(r"[\x00-\x1f\x7f]", "_", stem)[:60] + suffix


def _body(report) -> dict:
    data = asdict(report)
    data["errors"] = [e._asdict() for e in report.errors]
    data["text"] = report.describe()
    first = data["text"].splitlines()[0]
    data["message"] = first if report.written else f"{first} Nothing was changed: see errors."
    return data


@blp.route("")
class RegistryImports(MethodView):
    @access("admin", scopes=("registry:import",))
    @blp.arguments(ImportFormSchema, location="form")
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(200, ImportReportSchema)
    @blp.alt_response(422, schema=ImportReportSchema, description="nothing was changed; the report says why")
    def post(self, form, files):
        """Import a CSV or XLSX export: all or nothing unless skip_invalid; the report names bad rows."""
        upload = files["file"]
        suffix = os.path.splitext(upload.filename or "")[1].lower()
        if suffix not in (".csv", ".xlsx"):
            abort(415, message=f"Send a .csv or .xlsx file, not '{upload.filename}'.")
        with tempfile.TemporaryDirectory(prefix="cuadrilla-import-") as tmp:
            path = os.path.join(tmp, _file_name(upload.filename, suffix))
            upload.save(path)
            session = db.session()
            report = import_registry(session.connection(), path, skip_invalid=form["skip_invalid"], progress=False,
                                     today=utility_today())
        note(target=f"file={report.file_name}", rows=report.rows_read, written=report.written)
        if not report.written:
            session.rollback()
            return _body(report), 422
        session.commit()
        return _body(report)
