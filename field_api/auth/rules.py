"""Who may call each operation, declared on the operation and shown in openapi.yaml.

`@access(...)` stores a Rule on the view method and documents it (security schemes and
`x-roles`). The layer in `field_api.auth.layer` refuses any API operation without a Rule.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_smorest import Blueprint

from schemas import vocab

OFFICE = ("admin", "dispatcher", "supervisor", "viewer")

SECURITY_SCHEMES = {
    "officeUser": {"type": "http", "scheme": "bearer",
                   "description": "Access token from POST /api/v1/auth/login"},
    "systemKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
                  "description": "Named, scoped, revocable key for systems such as billing"},
    "device": {"type": "http", "scheme": "bearer",
               "description": "Device token (cua_dev_...) from POST /api/v1/devices/enroll; scoped to one "
                              "crew member, revocable at once"},
}


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    public: bool = False
    device: bool = False

    def describe(self) -> str:
        if self.public:
            return "anyone"
        parts = [f"roles {', '.join(sorted(self.roles))}"] if self.roles else []
        if self.scopes:
            parts.append(f"API keys with scope {', '.join(sorted(self.scopes))}")
        if self.device:
            parts.append("an enrolled device")
        return " or ".join(parts)


def _declare(rule: Rule, doc: dict):
    def decorator(func):
        documented = Blueprint.doc(**doc)(func)
        documented._access = rule
        return documented
    return decorator


def access(*roles: str, scopes: tuple[str, ...] = (), device: bool = False):
    """Allow office users with one of `roles`, API keys holding one of `scopes`, and (with
    `device=True`) enrolled devices, which the operation itself then limits to their own data."""
    unknown = (set(roles) - set(vocab.ROLES)) | (set(scopes) - set(vocab.API_KEY_SCOPES))
    if unknown or not (roles or scopes or device):
        raise ValueError(f"access() needs known roles, scopes or device=True, got {sorted(unknown) or 'none'}")
    security = (([{"officeUser": []}] if roles else []) + ([{"systemKey": []}] if scopes else [])
                + ([{"device": []}] if device else []))
    doc = {
        "security": security,
        "x-roles": sorted(roles),
        "responses": {"401": {"$ref": "#/components/responses/UNAUTHORIZED"},
                      "403": {"$ref": "#/components/responses/FORBIDDEN"}},
    }
    if scopes:
        doc["x-api-key-scopes"] = sorted(scopes)
    if device:
        doc["x-devices"] = True
    return _declare(Rule(frozenset(roles), frozenset(scopes), device=device), doc)


def public():
    """Allow anyone, signed in or not."""
    return _declare(Rule(public=True), {"security": [], "x-roles": []})


def rule_of(view_function, method: str) -> Rule | None:
    view_class = getattr(view_function, "view_class", None)
    target = getattr(view_class, method.lower(), None) if view_class else view_function
    return getattr(target, "_access", None)
