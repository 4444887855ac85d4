"""Devices: enrollment codes for crew members, the exchange for a token, revocation, sync status."""
from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from field_api import db
from field_api.auth import access, public
from field_api.auth.layer import note
from field_api.auth.rules import OFFICE
from field_api.devices import enrollment
from field_api.models import CrewMember, Device
from field_api.registry.queries import paginate
from field_api.sync_service.contact import silent_since
from field_api.sync_service.status import device_status
from schemas.sync import EnrolledSchema, EnrollSchema
from schemas.sync_office import DeviceListArgs, DevicePageSchema, DeviceSchema, EnrollmentCodeInSchema, EnrollmentCodeSchema
from schemas.access import RevokeSchema

from ..geojson import page_size_from
from ..pages import page_body

blp = Blueprint("devices", __name__, url_prefix="/devices", description="Enrolled devices of crew members")


def device_view(device: Device, member: CrewMember, status: dict) -> dict:
    return {"id": device.id, "label": device.label, "crew_member_id": member.id, "crew_member_name": member.name,
            "crew_id": member.crew_id, "enrolled_at": device.enrolled_at, "revoked_at": device.revoked_at,
            "version": device.version, **status}


def _query():
    return select(Device, CrewMember).join(CrewMember, Device.crew_member_id == CrewMember.id)


def _one(device_id: int, lock: bool = False):
    query = _query().where(Device.id == device_id)
    if lock:  # read afresh under the row lock an upload also takes
        query = db.locked(query, of=Device)
    row = db.session().execute(query).first()
    if row is None:
        abort(404, message=f"Device {device_id} does not exist.")
    return row


@blp.route("/enrollment-codes")
class EnrollmentCodes(MethodView):
    @access("admin", "dispatcher")
    @blp.arguments(EnrollmentCodeInSchema)
    @blp.response(201, EnrollmentCodeSchema)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, body):
        """Create a one-time enrollment code for a crew member, as text and as a QR code."""
        session = db.session()
        try:
            new = enrollment.create_code(session, body["crew_member_id"], body["label"],
                                         current_app.config["ENROLLMENT_CODE_HOURS"], g.principal.name)
        except enrollment.DeviceStateError as exc:
            abort(422, message=str(exc), errors={"json": {"crew_member_id": [str(exc)]}})
        session.commit()
        note(target=f"crew_member={new.row.crew_member_id}", label=new.row.label)
        payload = f"cuadrilla:enroll?server={request.host_url}&code={new.code}"
        return {"id": new.row.id, "code": new.code, "crew_member_id": new.row.crew_member_id,
                "label": new.row.label, "expires_at": new.row.expires_at, "qr_payload": payload,
                "qr_svg": enrollment.qr_svg(payload)}


@blp.route("/enroll")
class Enroll(MethodView):
    @public()
    @blp.arguments(EnrollSchema)
    @blp.response(201, EnrolledSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    def post(self, body):
        """Exchange a one-time enrollment code for a device token (the code is the credential)."""
        session = db.session()
        done = enrollment.enroll(session, body["code"])
        session.commit()
        g.audit_principal_name = f"device-{done.device.id}"
        note(target=f"device={done.device.id}", crew_member_id=done.member.id)
        return {"device_token": done.token, "device_id": done.device.id, "label": done.device.label,
                "crew_member_id": done.member.id, "crew_member_name": done.member.name,
                "crew_id": done.member.crew_id}


@blp.route("")
class Devices(MethodView):
    @access(*OFFICE)
    @blp.arguments(DeviceListArgs, location="query")
    @blp.response(200, DevicePageSchema)
    def get(self, args):
        """List devices with their sync status: last upload and contact, newest batch, records, photos, conflicts."""
        session = db.session()
        query = _query()
        if args.get("crew"):
            query = query.where(CrewMember.crew_id == args["crew"])
        if "revoked" in args:
            query = query.where(Device.revoked_at.is_not(None) if args["revoked"] else Device.revoked_at.is_(None))
        if "silent_since" in args:
            query = query.where(silent_since(args["silent_since"]))
        page = paginate(session, query, Device.id, args["page"], page_size_from(args))
        status = device_status(session, [d.id for d, _ in page.rows])
        return page_body("devices", page, lambda row: device_view(row[0], row[1], status[row[0].id]))


@blp.route("/<int:device_id>")
class DeviceById(MethodView):
    @access(*OFFICE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, DeviceSchema)
    def get(self, device_id):
        """Show one device and its sync status."""
        device, member = _one(device_id)
        return device_view(device, member, device_status(db.session(), [device.id])[device.id])


@blp.route("/<int:device_id>/revoke")
class RevokeDevice(MethodView):
    @access("admin", "dispatcher", "supervisor")
    @blp.arguments(RevokeSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, DeviceSchema)
    def post(self, body, device_id):
        """Revoke a device (a lost phone) at once: its next request is refused."""
        session = db.session()
        device, member = _one(device_id, lock=True)
        enrollment.revoke(session, device)
        session.commit()
        note(reason=body["reason"], target=f"device={device.id}")
        return device_view(device, member, device_status(session, [device.id])[device.id])
