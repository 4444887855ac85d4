"""A list of values as one query parameter, on SpatiaLite and on PostgreSQL alike."""
from __future__ import annotations

from sqlalchemy import any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def in_list(column, name: str, dialect: str):
    """`column IN :name` for a list parameter. On PostgreSQL `column = ANY(:name)`: one array
    parameter however many values (thousands of separate binds cost seconds), so one statement
    text, and one plan, for any count."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def list_param(items) -> list:
    """A list parameter for `in_list`: each value once, in order (rows are then locked in order)."""
    return sorted(set(items))
