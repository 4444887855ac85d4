"""The Alembic migrations build exactly the schema the models describe, on both backends."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from geoalchemy2 import alembic_helpers

from field_api.models import Base


def include_object(obj, name, obj_type, reflected, compare_to):
    if obj_type == "table" and reflected and name not in Base.metadata.tables:
        return False  # SpatiaLite's and PostGIS's own tables
    return alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to)


def test_migrated_schema_has_no_difference_from_the_models(connection):
    context = MigrationContext.configure(connection, opts={"include_object": include_object})
    assert compare_metadata(context, Base.metadata) == []
