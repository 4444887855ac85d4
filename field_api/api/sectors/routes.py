from flask.views import MethodView
from flask_smorest import Blueprint

from field_api import db
from field_api.api.lookup import get_or_404
from field_api.auth import access
from field_api.auth.rules import OFFICE
from field_api.models import Sector
from field_api.registry import queries
from schemas.registry import SectorCollection, SectorFeature, SectorListArgs

from ..geojson import feature, feature_collection, page_size_from

blp = Blueprint("sectors", __name__, url_prefix="/sectors", description="Sectors drawn as polygons")


def sector_feature(sector: Sector) -> dict:
    return feature(sector.id, sector.geom, {
        "id": sector.id, "code": sector.code, "name": sector.name, "version": sector.version,
    })


@blp.route("")
class Sectors(MethodView):
    @access(*OFFICE, scopes=("registry:read",))
    @blp.arguments(SectorListArgs, location="query")
    @blp.response(200, SectorCollection)
    def get(self, args):
        """List sectors as a GeoJSON FeatureCollection of polygons."""
        size = page_size_from(args)
        page = queries.list_sectors(db.session(), page_size=size, **args)
        return feature_collection(page, lambda row: sector_feature(row[0]))


@blp.route("/<int:sector_id>")
class SectorById(MethodView):
    @access(*OFFICE, scopes=("registry:read",))
    @blp.etag
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.response(200, SectorFeature)
    def get(self, sector_id):
        """Show one sector as a GeoJSON Feature."""
        return sector_feature(get_or_404(Sector, sector_id, "Sector"))
