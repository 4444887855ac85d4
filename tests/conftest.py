"""Fixtures shared by every layer.

Database tests take the `db_url` fixture, parametrised over SpatiaLite and PostGIS; each backend
is migrated once per run and every test runs inside a transaction that is rolled back.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

os.environ.setdefault("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
# Cheap password hashing: the tests check behaviour, not argon2's cost.
os.environ["CUADRILLA_PASSWORD_HASH_TIME_COST"] = "1"
os.environ["CUADRILLA_PASSWORD_HASH_MEMORY_KIB"] = "1024"

from field_api import migrate  # noqa: E402
from field_api.db import make_engine  # noqa: E402

POSTGIS_URL = os.environ.get(
    "POSTGIS_TEST_URL", "postgresql+psycopg:///cuadrilla_test?host=/var/run/postgresql"
)
BACKENDS = ("spatialite", "postgis")


def _fresh_postgis(url: str):
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except Exception as exc:  # a PostGIS run that silently skips would prove nothing
        pytest.exit(
            f"PostGIS test database unreachable at {url}: {exc}. Run ./setup.sh test, "
            "which starts PostgreSQL and creates it.", returncode=3,
        )
    return engine


@pytest.fixture(scope="session")
def migrated_engines(tmp_path_factory):
    created = {}

    def get(backend: str):
        if backend not in created:
            if backend == "spatialite":
                path = tmp_path_factory.mktemp("spatialite") / "test.sqlite"
                engine = make_engine(f"sqlite:///{path}")
            else:
                engine = _fresh_postgis(POSTGIS_URL)
            migrate.upgrade(engine)
            created[backend] = engine
        return created[backend]

    yield get
    for engine in created.values():
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, migrated_engines) -> str:
    """The URL of a migrated test database, once for each backend."""
    return migrated_engines(request.param).url.render_as_string(hide_password=False)


@pytest.fixture
def engine(db_url, migrated_engines):
    backend = "spatialite" if db_url.startswith("sqlite") else "postgis"
    return migrated_engines(backend)


@pytest.fixture
def connection(engine):
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        if outer.is_active:
            outer.rollback()


@pytest.fixture
def session(connection) -> Session:
    s = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield s
    s.close()


def bind_app(app, connection) -> None:
    """Make the app's sessions use the test's rolled-back connection."""
    app.extensions["cuadrilla_db"]["sessionmaker"] = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
