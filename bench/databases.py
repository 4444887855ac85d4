"""Scratch databases for benchmarks: never the test or demo databases."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from field_api import migrate
from field_api.db import make_engine


def fresh_engine(backend: str, workdir: Path, name: str = "cuadrilla_bench"):
    """An empty, migrated database: a SpatiaLite file in `workdir`, or the PostgreSQL database `name`."""
    if backend == "spatialite":
        path = workdir / f"{name}.sqlite"
        path.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{path}")
    elif backend == "postgis":
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", "-qAt", "-d", "postgres", "-c", sql], check=True)
        subprocess.run(["psql", "-qAt", "-d", name, "-c", "CREATE EXTENSION postgis"], check=True)
        engine = make_engine(os.environ.get("BENCH_POSTGIS_URL",
                                            f"postgresql+psycopg:///{name}?host=/var/run/postgresql"))
    else:
        raise SystemExit(f"unknown backend {backend!r}: use spatialite or postgis")
    migrate.upgrade(engine)
    return engine


def analyze(engine) -> None:
    """Fresh statistics after a bulk load, as a DBA would run before timing queries."""
    from sqlalchemy import text

    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
