"""The device protocol: who am I, the day's package, the change feed, and the upload of records.

Only enrolled devices call these, and each sees only its own crew's work (DESIGN rule 7).
"""
from hashlib import sha256

from flask import Response, current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from field_api import db
from field_api.auth import access
from field_api.auth.layer import note
from field_api.models.base import utcnow
from field_api.sync_service.changes import change_feed
from field_api.sync_service.contact import delivered
from field_api.sync_service.package import build_package, etag_of, gzipped
from field_api.sync_service.upload import process_upload
from schemas.sync import ChangesArgs, DeviceMeSchema, PackageArgs, UploadResultSchema, UploadSchema

blp = Blueprint("sync", __name__, url_prefix="/sync", description="Device protocol: download, changes, upload")


def _device():
    principal = g.principal
    if principal.crew_id is None:
        abort(403, message="This device's crew member has no crew.")
    return principal


def _not_modified(etag: str) -> bool:
    return etag in request.if_none_match


@blp.route("/me")
class Me(MethodView):
    @access(device=True)
    @blp.response(200, DeviceMeSchema)
    def get(self):
        """Say which device, crew member and crew this token is (a cheap check that it still works)."""
        p = g.principal
        return {"device_id": p.id, "crew_member_id": p.crew_member_id, "crew_id": p.crew_id,
                "server_time": utcnow()}


@blp.route("/package")
class Package(MethodView):
    @access(device=True)
    @blp.arguments(PackageArgs, location="query")
    @blp.response(200, description="The package: JSON sent with Content-Encoding: gzip. Send If-None-Match "
                                   "with its ETag to get a 304 while it has not changed.")
    @blp.alt_response(304, description="The package has not changed since the ETag sent")
    def get(self, args):
        """Download this device's batches for a date as one gzip-compressed JSON package."""
        p = _device()
        session = db.session()
        now = utcnow()
        package = build_package(session, p.id, p.crew_id, args["date"], now)
        delivered(session, p.id, [b["id"] for b in package["batches"]], now)
        session.commit()  # items reaching the device become dispatched
        etag = etag_of(package)
        if _not_modified(etag):
            return Response(status=304, headers={"ETag": f'"{etag}"'})
        body = gzipped(package)
        return Response(body, status=200, headers={
            "Content-Type": "application/json; charset=utf-8", "Content-Encoding": "gzip", "ETag": f'"{etag}"',
            "Cache-Control": "no-cache"})


@blp.route("/changes")
class Changes(MethodView):
    @access(device=True)
    @blp.arguments(ChangesArgs, location="query")
    @blp.response(200, description="Changes after the cursor `since`, oldest first, the new `cursor`, the "
                                   "device's crew now (`crew_id`: if it changed, the member was moved; download "
                                   "the package again), and the photos this device still owes (`missing_photos`).")
    @blp.alt_response(304, description="Nothing changed since the ETag sent")
    @blp.alt_response(422, description="`since` is no cursor this server gave out: download the package again")
    def get(self, args):
        """What changed for this device's crew since a server cursor: cancellations, moves, new work."""
        p = _device()
        session = db.session()
        feed = change_feed(session, p.id, p.crew_id, args["since"])
        session.commit()
        body = current_app.json.dumps(feed)
        etag = sha256(body.encode("utf-8")).hexdigest()[:32]
        if _not_modified(etag):
            return Response(status=304, headers={"ETag": f'"{etag}"'})
        return Response(body, status=200, headers={"Content-Type": "application/json", "ETag": f'"{etag}"'})


@blp.route("/uploads")
class Uploads(MethodView):
    @access(device=True)
    @blp.arguments(UploadSchema)
    @blp.response(200, UploadResultSchema)
    @blp.alt_response(413, description="The body is too large: send fewer records per upload")
    def post(self, body):
        """Upload records: one status per record (accepted, duplicate, conflict, rejected) and missing photos."""
        p = _device()
        session = db.session()
        result = process_upload(session, p.id, p.crew_id, body["sent_at"], body["records"],
                                current_app.config["TIMEZONE"])
        session.commit()
        counts = {}
        for r in result["results"]:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        note(target=f"device={p.id}", **counts)
        return result
