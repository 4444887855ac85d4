"""Scratch databases for benchmarks: never the test or demo databases."""
from __future__ import annotations

import argparse
import os
import re
import subprocess
from pathlib import Path

from field_api import migrate
from field_api.db import make_engine

# Never dropped: PostgreSQL's own, the machine's, and the tests' and the demo's.
PROTECTED = frozenset({"postgres", "template0", "template1", "root", "test", "cuadrilla", "cuadrilla_test"})


def add_database_option(parser, default: str) -> None:
    """`--database`: the scratch database's name, so that two runs at once need not share one."""
    parser.add_argument("--database", default=default, type=_name,
                        help=f"scratch PostgreSQL database (dropped and created anew), default {default}")


def _name(value: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", value):
        raise argparse.ArgumentTypeError(f"{value!r}: use lower-case letters, digits and _")
    if value in PROTECTED:
        raise argparse.ArgumentTypeError(f"{value!r} is not a scratch database")
    return value


def fresh_engine(backend: str, workdir: Path, name: str = "cuadrilla_bench"):
    """An empty, migrated database: a SpatiaLite file in `workdir`, or the PostgreSQL database `name`."""
    if name in PROTECTED:
        raise SystemExit(f"{name} is not a scratch database")
    if backend == "spatialite":
        path = workdir / f"{name}.sqlite"
        path.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{path}")
    elif backend == "postgis":
        refuse_if_in_use(name)
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", "-qAt", "-d", "postgres", "-c", sql], check=True)
        subprocess.run(["psql", "-qAt", "-d", name, "-c", "CREATE EXTENSION postgis"], check=True)
        engine = make_engine(os.environ.get("BENCH_POSTGIS_URL",
                                            f"postgresql+psycopg:///{name}?host=/var/run/postgresql"))
    else:
        raise SystemExit(f"unknown backend {backend!r}: use spatialite or postgis")
    migrate.upgrade(engine)
    return engine


def refuse_if_in_use(name: str) -> None:
    """Stop, saying why, when another session is connected: most likely another run of a bench, whose
    figures dropping its database under it would spoil (and DROP DATABASE would fail anyway)."""
    sql = f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}'"
    out = subprocess.run(["psql", "-qAt", "-d", "postgres", "-c", sql], check=True, capture_output=True, text=True)
    if int(out.stdout.strip() or 0):
        raise SystemExit(f"the scratch database {name} is in use by {out.stdout.strip()} other session(s), most "
                         f"likely another bench run: wait for it, or pass --database with another name")


def analyze(engine) -> None:
    """Fresh statistics after a bulk load, as a DBA would run before timing queries."""
    from sqlalchemy import text

    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
