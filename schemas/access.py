"""Wire contract of logins, users, API keys and the audit trail. Passwords are load-only."""
from datetime import timezone

from marshmallow import Schema, fields, validate

from . import vocab
from .common import Integer, PageArgs, WholeMatch

USERNAME = WholeMatch(r"^[a-z0-9._-]{3,60}$", error="Use 3-60 lowercase letters, digits, '.', '_' or '-'.")


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=60))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))


class RefreshSchema(Schema):
    refresh_token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class TokenSchema(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.Constant("Bearer")
    expires_in = Integer(metadata={"description": "seconds until the access token expires"})
    role = fields.String()


class UserSchema(Schema):
    id = Integer(dump_only=True)
    username = fields.String(required=True, validate=USERNAME)
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    role = fields.String(required=True, validate=validate.OneOf(vocab.ROLES))
    active = fields.Boolean(dump_only=True)
    version = Integer(dump_only=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))


class UserUpdateSchema(Schema):
    full_name = fields.String(validate=validate.Length(min=1, max=120))
    role = fields.String(validate=validate.OneOf(vocab.ROLES))
    active = fields.Boolean()
    password = fields.String(load_only=True, validate=validate.Length(max=256))


class ApiKeyCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=3, max=80))
    scopes = fields.List(fields.String(validate=validate.OneOf(vocab.API_KEY_SCOPES)), required=True,
                         validate=validate.Length(min=1))


class ApiKeySchema(Schema):
    id = Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "first characters, to tell keys apart"})
    scopes = fields.List(fields.String())
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewApiKeySchema(ApiKeySchema):
    key = fields.String(metadata={"description": "shown once; only its hash is stored"})


class RevokeSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class AuditArgs(PageArgs):
    principal = fields.String(metadata={"description": "user name, key name or device"})
    action = fields.String(metadata={"description": "text the action contains, e.g. 'POST /api/v1/users'"})
    since = fields.AwareDateTime(default_timezone=timezone.utc)
    until = fields.AwareDateTime(default_timezone=timezone.utc)


class AuditEventSchema(Schema):
    id = Integer()
    at = fields.DateTime()
    request_id = fields.String()
    principal_kind = fields.String()
    principal_name = fields.String(allow_none=True)
    action = fields.String()
    target = fields.String(allow_none=True)
    status_code = Integer()
    reason = fields.String(allow_none=True)
    details = fields.Dict(allow_none=True)


class AuditPageSchema(Schema):
    events = fields.List(fields.Nested(AuditEventSchema))
    total = Integer()
    page = Integer()
    page_size = Integer()
