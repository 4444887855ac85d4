"""Photo bytes from devices, content-addressed by sha256: resumable PUT, verified before accepted."""
from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sync.photos import MAX_PHOTO_BYTES

from field_api import db
from field_api.auth import access
from field_api.auth.layer import note
from field_api.sync_service.photo_uploads import address, expected, photo_store, put_photo, state
from field_api.sync_service.photos import PhotoError, chunk_of
from schemas.sync import PhotoStateSchema

blp = Blueprint("sync_photos", __name__, url_prefix="/sync/photos",
                description="Device protocol: photo uploads by sha256")


@blp.before_request
def _allow_photo_sizes():
    # A photo is larger than any JSON body; these endpoints alone take it (a few bytes of slack for headers).
    request.max_content_length = MAX_PHOTO_BYTES


def _fail(exc: PhotoError):
    headers = {"Upload-Offset": str(exc.received)} if exc.received is not None else {}
    abort(exc.status, message=str(exc), headers=headers)


@blp.route("/<sha256>")
class PhotoBytes(MethodView):
    @access(device=True)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, PhotoStateSchema)
    def get(self, sha256):
        """How many bytes of a photo the server holds, to resume an interrupted upload."""
        session = db.session()
        try:
            sha = address(sha256)
            return state(session, photo_store(), sha, expected(session, sha, g.principal.id))
        except PhotoError as exc:
            _fail(exc)

    @access(device=True)
    @blp.response(200, PhotoStateSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, description="Resume from the byte count in Upload-Offset")
    @blp.alt_response(413, description="Larger than the photo limit")
    @blp.alt_response(415, description="Not a JPEG, PNG or WebP image")
    @blp.alt_response(422, description="The bytes do not match the sha256, or a bad Content-Range")
    def put(self, sha256):
        """Upload a photo's bytes (all, or a part with Content-Range: bytes a-b/total); checked by sha256."""
        session = db.session()
        try:
            sha = address(sha256)
            chunk = chunk_of(request.headers.get("Content-Range"), request.content_length)
            result = put_photo(session, photo_store(), g.principal.id, sha, chunk, request.stream,
                               request.headers.get("Content-Type"))
        except PhotoError as exc:
            session.rollback()
            _fail(exc)
        session.commit()
        note(target=f"photo={sha}", received=result["received_bytes"], complete=result["complete"])
        return result
