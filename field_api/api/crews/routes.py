"""Crews and their members: the office adds them, sets depots and shifts, takes members off, moves
them between crews, and disbands crews."""
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from geoalchemy2.shape import to_shape
from sqlalchemy import select

from field_api import db
from field_api.api.lookup import get_or_404
from field_api.auth import access
from field_api.auth.layer import note
from field_api.auth.rules import OFFICE
from field_api.dispatch import crews
from field_api.models import Crew, CrewMember
from field_api.work.calendar import utility_today
from schemas.crews import CrewListArgs, CrewMemberSchema, CrewMemberUpdateSchema, CrewSchema, CrewUpdateSchema

blp = Blueprint("crews", __name__, url_prefix="/crews", description="Crews, their members and skills")
# Adding or changing a member changes the crew as the dispatcher sees it: those POST/PATCH carry
# the crew's If-Match too.
blp.METHODS_NEEDING_CHECK_ETAG = ["POST", "PUT", "PATCH", "DELETE"]
MANAGERS = ("admin", "dispatcher")


def crew_view(crew: Crew, members: list[CrewMember]) -> dict:
    view = {name: getattr(crew, name) for name in ("id", "name", "travel_mode", "shift_start", "shift_end",
                                                   "max_stops", "active", "version")}
    view.update(depot=to_shape(crew.depot), members=members,
                skills=sorted({s for m in members if m.active for s in m.skills or []}))
    return view


def _members(crew_ids: list[int]) -> dict[int, list[CrewMember]]:
    found: dict[int, list[CrewMember]] = {i: [] for i in crew_ids}
    for member in db.session().scalars(select(CrewMember).where(CrewMember.crew_id.in_(crew_ids))
                                       .order_by(CrewMember.id)):
        found[member.crew_id].append(member)
    return found


def _view(crew: Crew) -> dict:
    return crew_view(crew, _members([crew.id])[crew.id])


def _checked(crew_id: int) -> Crew:
    """The crew, locked and read afresh, after checking If-Match against it (412 if it changed)."""
    crew = get_or_404(Crew, crew_id, "Crew", lock=True)
    blp.check_etag(_view(crew), CrewSchema)
    return crew


@blp.route("")
class Crews(MethodView):
    @access(*OFFICE)
    @blp.arguments(CrewListArgs, location="query")
    @blp.response(200, CrewSchema(many=True))
    def get(self, args):
        """List crews with their members and skills, by name; `active=true` for those that can be planned."""
        query = select(Crew).order_by(Crew.name)
        if args.get("active") is not None:
            query = query.where(Crew.active.is_(args["active"]))
        rows = db.session().scalars(query).all()
        members = _members([c.id for c in rows])
        return [crew_view(crew, members[crew.id]) for crew in rows]

    @access(*MANAGERS)
    @blp.arguments(CrewSchema)
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(201, CrewSchema)
    def post(self, body):
        """Add a crew with its depot, shift and travel mode; members are added after."""
        session = db.session()
        crew = crews.create_crew(session, body)
        session.commit()
        note(target=f"crew={crew.id}", name=crew.name)
        return crew_view(crew, [])


@blp.route("/<int:crew_id>")
class CrewById(MethodView):
    @access(*OFFICE)
    @blp.etag
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, CrewSchema)
    def get(self, crew_id):
        """Show a crew with its members and skills."""
        return _view(get_or_404(Crew, crew_id, "Crew"))

    @access(*MANAGERS)
    @blp.etag
    @blp.arguments(CrewUpdateSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, CrewSchema)
    def patch(self, body, crew_id):
        """Change a crew's name, depot, shift, travel mode or stop limit, or disband it; send If-Match."""
        session = db.session()
        crew = _checked(crew_id)
        crews.update_crew(session, crew, body, utility_today())
        session.commit()
        note(target=f"crew={crew.id}", fields=sorted(body))
        return _view(crew)


@blp.route("/<int:crew_id>/members")
class CrewMembers(MethodView):
    @access(*MANAGERS)
    @blp.etag
    @blp.arguments(CrewMemberSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(201, CrewSchema)
    def post(self, body, crew_id):
        """Add a member with their skills to a crew; send the crew's If-Match; answers the crew."""
        session = db.session()
        crew = _checked(crew_id)
        member = crews.add_member(session, crew, body["name"], body["skills"])
        session.commit()
        note(target=f"crew={crew.id}", member=member.id)
        return _view(crew)


@blp.route("/<int:crew_id>/members/<int:member_id>")
class CrewMemberById(MethodView):
    @access(*MANAGERS)
    @blp.etag
    @blp.arguments(CrewMemberUpdateSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, CrewSchema)
    def patch(self, body, crew_id, member_id):
        """Rename, reskill, take off or move a member to another crew; send the crew's If-Match; answers the crew."""
        session = db.session()
        if "crew_id" in body:  # a move: both crews first, in id order (`lock_crews`), then the If-Match check
            crews.lock_crews(session, (crew_id, body["crew_id"]))
        crew = _checked(crew_id)
        member = session.get(CrewMember, member_id)
        if member is None or member.crew_id != crew.id:
            abort(404, message=f"Crew {crew_id} has no member {member_id}.")
        crews.update_member(session, member, body)
        session.commit()
        note(target=f"crew={crew.id}", member=member.id, fields=sorted(body))
        return _view(crew)
