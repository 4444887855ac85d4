from alembic import context
from geoalchemy2 import alembic_helpers

from field_api.models import Base
from field_api.models.base import UtcDateTime

engine = context.config.attributes["engine"]


def include_object(obj, name, obj_type, reflected, compare_to):
    # SpatiaLite and PostGIS keep their own tables (spatial_ref_sys, KNN, ...): not ours to manage.
    if obj_type == "table" and reflected and name not in Base.metadata.tables:
        return False
    return alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to)


def render_item(type_, obj, autogen_context):
    # A migration names the stored type, not the app's decorator: the schema is DateTime(timezone=True).
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return alembic_helpers.render_item(type_, obj, autogen_context)


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
