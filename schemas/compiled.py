"""A marshmallow schema's `load`, compiled into plain closures: the same result, several times faster.

At the end of the day ten thousand records arrive, each loaded on its own, and marshmallow spends
most of that time in its machinery around each field (error stores, getters, a validator combinator
built anew per value). `CompiledLoader` walks the schema once and keeps, per field, only what
`Field.deserialize` does for a value that is fine: the same conversion methods and the very same
validator objects, so every rule still lives in the schema alone.

The compiled path handles only the plain, valid case. At the first value it does not handle, or
that fails a check, it gives up, and `load` asks marshmallow itself, which returns the result or
raises with its own messages. So `load` answers exactly as `schema.load`; what the compiled path
returns is held equal to marshmallow's by `tests/unit/test_compiled_schema.py`.
"""
from __future__ import annotations

import math
from typing import Any, Callable

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, missing
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA


class NotCompilable(TypeError):
    """The schema uses something the compiler does not reproduce (a hook, `partial`, `many`...)."""


class _Declined(Exception):
    """The compiled path leaves this value to marshmallow."""


class CompiledLoader:
    """`load(data)` gives what `schema.load(data)` gives, raising the same ValidationError."""

    def __init__(self, schema: Schema):
        self.schema = schema
        self.compiled = _compile_schema(schema, None)

    def load(self, data: Any) -> dict:
        try:
            return self.compiled(data)
        except (_Declined, ValidationError):  # something out of the ordinary: marshmallow decides
            return self.schema.load(data)


_Convert = Callable[[Any, dict], Any]  # (present value, the schema's input) -> loaded value


def _compile_schema(schema: Schema, unknown: str | None) -> Callable[[Any], dict]:
    hooks = [h for h in (PRE_LOAD, POST_LOAD, VALIDATES, VALIDATES_SCHEMA) if schema._hooks[h]]
    if hooks or schema.many or schema.partial or schema.dict_class is not dict:
        raise NotCompilable(f"{type(schema).__name__}: hooks {hooks}, many, partial or dict_class")
    unknown = schema.unknown if unknown is None else unknown
    if unknown not in (RAISE, EXCLUDE):  # INCLUDE adds keys in set order: not worth reproducing
        raise NotCompilable(f"{type(schema).__name__}: unknown={unknown}")
    steps = []
    for name, field in schema.load_fields.items():
        if "." in (field.attribute or name):  # marshmallow would nest the value in a dict
            raise NotCompilable(f"{type(schema).__name__}.{name}: a dotted attribute")
        key = field.data_key if field.data_key is not None else name
        steps.append((key, field.attribute or name, _compile_field(field, key), _when_missing(field, key)))
    known = frozenset(key for key, *_ in steps)
    check_unknown = unknown == RAISE

    def load(data: Any) -> dict:
        if type(data) is not dict:
            raise _Declined
        if check_unknown and not known.issuperset(data):
            raise _Declined
        out = {}
        for key, attr, convert, when_missing in steps:
            value = data.get(key, missing)
            if value is missing:
                value = when_missing(data)
                if value is missing:
                    continue
            else:
                value = convert(value, data)
            out[attr] = value
        return out

    return load


def _plain(field: fields.Field) -> bool:
    """Whether the field's deserialize is marshmallow's own, with no field-level processors."""
    cls = type(field)
    return (cls.deserialize is fields.Field.deserialize and cls._validate is fields.Field._validate
            and cls._validate_missing is fields.Field._validate_missing and not field.pre_load
            and not field.post_load)


def _when_missing(field: fields.Field, key: str) -> Callable[[dict], Any]:
    if not _plain(field):
        return lambda data: field.deserialize(missing, key, data)
    if field.required:
        return lambda data: _declined()
    default = field.load_default
    if callable(default):
        return lambda data: default()
    return lambda data: default


def _compile_field(field: fields.Field, key: str) -> _Convert:
    """What `field.deserialize` does with a present value, or a call of it where it is not plain."""
    if not _plain(field):
        return lambda value, data: field.deserialize(value, key, data)
    convert = _converter(field, key)
    validators = tuple(field.validators)
    allow_none = field.allow_none

    def deserialize(value, data):
        if value is None:
            if allow_none:
                return None
            raise _Declined
        out = convert(value, data)
        for validator in validators:
            validator(out)
        return out

    return deserialize


def _converter(field: fields.Field, key: str) -> _Convert:
    """`field._deserialize`, with the common JSON types done inline for the exact field classes."""
    cls = type(field)

    def generic(value, data):
        return field._deserialize(value, key, data)

    if cls is fields.String:
        return lambda value, data: value if type(value) is str else generic(value, data)
    if cls is fields.Integer:  # an int is its own int(); bool is not `int` by type
        return lambda value, data: value if type(value) is int else generic(value, data)
    if cls is fields.Float:
        allow_nan = field.allow_nan

        def to_float(value, data):
            if type(value) is not float:
                return generic(value, data)
            if not allow_nan and not math.isfinite(value):
                raise _Declined
            return value
        return to_float
    if cls is fields.Boolean and "truthy" not in vars(field) and "falsy" not in vars(field):
        return lambda value, data: value if value is True or value is False else generic(value, data)
    if cls is fields.Nested and not field.many and not field.schema.many:
        nested = _compile_schema(field.schema, field.unknown)
        return lambda value, data: nested(value)
    if cls is fields.List:
        item = _compile_field(field.inner, None)  # List calls inner.deserialize(each): no key, no data

        def each(value, data):
            if type(value) is not list:
                return generic(value, data)
            return [item(v, None) if v is not missing else _declined() for v in value]
        return each
    return generic


def _declined():
    raise _Declined
