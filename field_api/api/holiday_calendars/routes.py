"""Each state's holiday calendar: the office enters the days its gazette declares, year by year."""
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from field_api import db
from field_api.auth import access
from field_api.auth.layer import note
from field_api.auth.rules import OFFICE
from field_api.work import holidays
from schemas.holidays import FIRST_YEAR, LAST_YEAR, HolidayCalendarPutSchema, HolidayCalendarSchema
from schemas.states import STATES, official_state

blp = Blueprint("holiday_calendars", __name__, url_prefix="/holiday-calendars",
                description="Each state's published non-business days, year by year")
PATH = [{"in": "path", "name": "state", "description": "a federal entity by its INEGI name",
         "schema": {"type": "string", "enum": list(STATES)}},
        {"in": "path", "name": "year", "schema": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}}]


def _known(state: str, year: int) -> str:
    """The state's official name; a state or year that names no calendar is a 404, as an unknown id."""
    name = official_state(state)
    if name is None:
        abort(404, message=f"No federal entity is named {state!r}; use its INEGI name, e.g. 'Sonora', "
                           "'Ciudad de México' or 'México' (the state); openapi.yaml lists the 32.")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404, message=f"Holiday calendars cover the years {FIRST_YEAR} to {LAST_YEAR}, not {year}.")
    return name


@blp.route("/<state>/<int:year>", parameters=PATH)
class HolidayCalendarByYear(MethodView):
    @access(*OFFICE)
    @blp.etag
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, HolidayCalendarSchema)
    def get(self, state, year):
        """Show a state's non-business days of one year, and whether it was published."""
        state = _known(state, year)
        session = db.session()
        return holidays.calendar_view(session, state, year, holidays.find_calendar(session, state, year))

    @access("admin")
    @blp.etag
    @blp.arguments(HolidayCalendarPutSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.response(200, HolidayCalendarSchema)
    def put(self, body, state, year):
        """Replace a state's non-business days of one year; send If-Match."""
        state = _known(state, year)
        outside = sorted(d["day"].isoformat() for d in body["days"] if d["day"].year != year)
        if outside:
            message = f"Every day must fall in {year}; these do not: {', '.join(outside)}."
            abort(422, message=message, errors={"json": {"days": [message]}})
        session = db.session()
        calendar = holidays.find_calendar(session, state, year, lock=True)
        blp.check_etag(holidays.calendar_view(session, state, year, calendar), HolidayCalendarSchema)
        calendar = holidays.replace_days(session, state, year, body["days"], calendar)
        session.commit()
        note(target=f"holiday_calendar={state}/{year}", days=[d["day"].isoformat() for d in body["days"]])
        return holidays.calendar_view(session, state, year, calendar)
