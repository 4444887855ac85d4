"""Statements of the upload path, built once per dialect and run with their values as parameters.

Building a SELECT and its cache key took SQLAlchemy longer than PostgreSQL took to answer it (about
0.5 of 0.8 ms per statement, `bench/sync.py` profiled); an upload runs a dozen of them.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import Connection
from sqlalchemy.sql import Executable


def prebuilt(build: Callable[[str], Executable]) -> Callable[[Connection], Executable]:
    """Decorator: `build(dialect_name)` runs once per dialect; the result, given a connection,
    returns the statement for its database."""
    built: dict[str, Executable] = {}

    def statement(conn: Connection) -> Executable:
        name = conn.dialect.name
        if name not in built:
            built[name] = build(name)
        return built[name]

    statement.__doc__ = build.__doc__
    return statement
