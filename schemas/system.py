from marshmallow import Schema, fields


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()


class VersionSchema(Schema):
    version = fields.String()
    schema_revision = fields.String(allow_none=True)
    database_backend = fields.String()
