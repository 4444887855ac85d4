"""Field records as the office sees them: what arrived from each device, and what photos are missing."""
from flask import send_file
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import exists, func, select

from field_api import db
from field_api.api.lookup import get_or_404
from field_api.auth import access
from field_api.auth.rules import OFFICE
from field_api.models import FieldRecord, Photo, RecordPhoto
from field_api.registry.queries import paginate
from field_api.sync_service.photo_uploads import photo_store
from field_api.sync_service.status import photo_missing
from schemas.sync_office import FieldRecordDetailSchema, FieldRecordListArgs, RecordPageSchema

from ..geojson import page_size_from
from ..pages import page_body

blp = Blueprint("field_records", __name__, url_prefix="/field-records",
                description="Records uploaded by devices, with their photos")
FIELDS = ("id", "client_uuid", "device_id", "work_item_id", "outcome", "status", "message", "captured_at",
          "received_at", "clock_offset_s", "captured_at_server", "item_status_at_receipt")


def _photos(record_ids: list[int]) -> dict[int, tuple[int, list[str]]]:
    out = {i: (0, []) for i in record_ids}
    rows = db.session().execute(select(RecordPhoto.record_id, RecordPhoto.sha256, Photo.sha256)
                                .outerjoin(Photo, Photo.sha256 == RecordPhoto.sha256)
                                .where(RecordPhoto.record_id.in_(record_ids)).order_by(RecordPhoto.id))
    for record_id, sha, have in rows:
        n, missing = out[record_id]
        out[record_id] = (n + 1, missing + ([] if have else [sha]))
    return out


def record_view(record: FieldRecord, photos: tuple[int, list[str]], detail: bool = False) -> dict:
    view = {name: getattr(record, name) for name in FIELDS}
    view.update(photos_expected=photos[0], photos_missing=photos[1])
    if detail:
        view.update(payload=record.payload, problems=record.problems)
    return view


@blp.route("")
class FieldRecords(MethodView):
    @access(*OFFICE)
    @blp.arguments(FieldRecordListArgs, location="query")
    @blp.response(200, RecordPageSchema)
    def get(self, args):
        """List uploaded records by device, work item or status; missing_photos=true lists incomplete ones."""
        query = select(FieldRecord)
        for arg, column in (("device", FieldRecord.device_id), ("work_item", FieldRecord.work_item_id),
                            ("status", FieldRecord.status)):
            if args.get(arg) is not None:
                query = query.where(column == args[arg])
        if args.get("missing_photos") is not None:
            gap = exists().where(RecordPhoto.record_id == FieldRecord.id, photo_missing())
            query = query.where(gap if args["missing_photos"] else ~gap)
        page = paginate(db.session(), query, FieldRecord.id, args["page"], page_size_from(args))
        photos = _photos([r.id for (r,) in page.rows])
        return page_body("records", page, lambda row: record_view(row[0], photos[row[0].id]))


@blp.route("/<int:record_id>")
class FieldRecordById(MethodView):
    @access(*OFFICE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, FieldRecordDetailSchema)
    def get(self, record_id):
        """Show one record as the device sent it, with its result and its photos."""
        record = get_or_404(FieldRecord, record_id, "Field record")
        return record_view(record, _photos([record.id])[record.id], detail=True)


@blp.route("/<int:record_id>/photos/<sha256>")
class FieldRecordPhoto(MethodView):
    @access(*OFFICE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, description="The photo's bytes, with its image type")
    def get(self, record_id, sha256):
        """Download one photo of a record (404 while its bytes have not arrived)."""
        session = db.session()
        listed = session.scalar(select(func.count()).select_from(RecordPhoto).where(
            RecordPhoto.record_id == record_id, RecordPhoto.sha256 == sha256.lower()))
        photo = session.get(Photo, sha256.lower()) if listed else None
        if photo is None:
            abort(404, message=f"Record {record_id} has no received photo {sha256}.")
        return send_file(photo_store().open(photo.sha256), mimetype=photo.content_type, etag=photo.sha256,
                         max_age=86400)
