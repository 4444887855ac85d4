from alembic import context
from geoalchemy2 import alembic_helpers

from field_api.models import Base

engine = context.config.attributes["engine"]


def include_object(obj, name, obj_type, reflected, compare_to):
    # SpatiaLite and PostGIS keep their own tables (spatial_ref_sys, KNN, ...): not ours to manage.
    if obj_type == "table" and reflected and name not in Base.metadata.tables:
        return False
    return alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to)


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
