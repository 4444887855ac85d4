"""The one engine factory, and the request-scoped session.

SQLite needs `pysqlite3` because this Python's `sqlite3` cannot load extensions, and every new
connection must load SpatiaLite before GeoAlchemy2 can use a geometry column.
"""
from __future__ import annotations

import os

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

EXTENSION_KEY = "cuadrilla_db"


def make_engine(url: str, spatialite_library: str = "mod_spatialite", echo: bool = False) -> Engine:
    """Create an engine for SpatiaLite (sqlite://) or PostGIS (postgresql://)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _spatialite_engine(parsed, spatialite_library, echo)
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # JIT compiling costs more than it saves on this application's queries (~0.5 s on a work list).
        # Sessions in UTC: times read past SQLAlchemy's types (raw cursors) come back as SQLite's do.
        return create_engine(parsed, echo=echo, pool_pre_ping=True,
                             connect_args={"options": "-c jit=off -c timezone=UTC"})
    raise ValueError(
        f"Unsupported database {parsed.drivername!r}: use sqlite:///file.sqlite or postgresql://..."
    )


def _spatialite_engine(url, spatialite_library: str, echo: bool) -> Engine:
    import pysqlite3.dbapi2 as pysqlite

    from geoalchemy2.admin.dialects.sqlite import init_spatialite

    # GeoAlchemy2 reads the library path from the environment.
    os.environ.setdefault("SPATIALITE_LIBRARY_PATH", spatialite_library)
    engine = create_engine(url.set(drivername="sqlite+pysqlite"), module=pysqlite, echo=echo)

    @event.listens_for(engine, "connect")
    def _load_spatialite(dbapi_conn, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin, so SAVEPOINTs and
        # transactional DDL work (the pysqlite recipe in SQLAlchemy's SQLite notes).
        dbapi_conn.isolation_level = None
        dbapi_conn.enable_load_extension(True)
        dbapi_conn.load_extension(spatialite_library)
        dbapi_conn.enable_load_extension(False)
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        dbapi_conn.execute("PRAGMA busy_timeout = 10000")
        # Only the WGS84 reference systems: loading every EPSG code takes seconds.
        init_spatialite(dbapi_conn, transaction=True, init_mode="WGS84")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")

    return engine


def advance_id_sequences(conn, table_names) -> None:
    """After inserts with explicit ids, move PostgreSQL's serial sequences past the largest id.

    SQLite needs nothing: its INTEGER PRIMARY KEY always continues from the largest row.
    """
    if conn.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    for name in table_names:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                          f"COALESCE(MAX(id), 0) + 1, false) FROM {name}"))


def default_sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + os.path.join(instance_path, "cuadrilla.sqlite")


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"] or default_sqlite_url(app.instance_path)
    if url.startswith("sqlite"):
        os.makedirs(app.instance_path, exist_ok=True)
    engine = make_engine(url, app.config["SPATIALITE_LIBRARY"], app.config["SQL_ECHO"])
    app.extensions[EXTENSION_KEY] = {
        "engine": engine,
        "sessionmaker": sessionmaker(bind=engine, expire_on_commit=False),
        "url": url,
    }
    app.teardown_appcontext(_close_session)


def locked(query, **for_update):
    """`query` locking the rows it reads (FOR UPDATE), and read afresh even where the session holds
    them already: a change that waited for the lock sees the version that the one before it wrote."""
    return query.with_for_update(**for_update).execution_options(populate_existing=True)


def engine(app: Flask | None = None) -> Engine:
    return (app or current_app).extensions[EXTENSION_KEY]["engine"]


def new_session(app: Flask | None = None) -> Session:
    return (app or current_app).extensions[EXTENSION_KEY]["sessionmaker"]()


def session() -> Session:
    """The session of the current request or app context."""
    if "db_session" not in g:
        g.db_session = new_session()
    return g.db_session


def close_request_session() -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def _close_session(_exc):
    close_request_session()
