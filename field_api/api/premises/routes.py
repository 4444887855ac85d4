from flask.views import MethodView
from flask_smorest import Blueprint

from field_api import db
from field_api.api.lookup import get_or_404
from field_api.auth import access
from field_api.auth.rules import OFFICE
from field_api.models import Premise
from field_api.registry import queries
from schemas.registry import PremiseCollection, PremiseFeature, PremiseListArgs

from ..geojson import feature, feature_collection, page_size_from

blp = Blueprint("premises", __name__, url_prefix="/premises", description="Premises (predios)")

FIELDS = ("id", "cadastral_key", "street", "exterior_number", "interior_number", "neighborhood",
          "postal_code", "municipality", "state", "land_use", "dwellings", "connection_status",
          "sector_id", "version")


def premise_feature(premise: Premise) -> dict:
    return feature(premise.id, premise.geom, {name: getattr(premise, name) for name in FIELDS})


@blp.route("")
class Premises(MethodView):
    @access(*OFFICE, scopes=("registry:read",))
    @blp.arguments(PremiseListArgs, location="query")
    @blp.response(200, PremiseCollection)
    def get(self, args):
        """List premises as GeoJSON points, filtered by sector, bbox, land use or connection."""
        size = page_size_from(args)
        page = queries.list_premises(db.session(), page_size=size, **args)
        return feature_collection(page, lambda row: premise_feature(row[0]))


@blp.route("/<int:premise_id>")
class PremiseById(MethodView):
    @access(*OFFICE, scopes=("registry:read",))
    @blp.etag
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, PremiseFeature)
    def get(self, premise_id):
        """Show one premise as a GeoJSON Feature."""
        return premise_feature(get_or_404(Premise, premise_id, "Premise"))
