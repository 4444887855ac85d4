"""The closed vocabularies of the registry. Values are stored and sent as these strings."""

LAND_USES = ("domestic", "commercial", "industrial", "public", "mixed")
TARIFF_CLASSES = ("domestic", "domestic_preferential", "commercial", "industrial", "public")
SERVICE_STATUSES = ("active", "restricted", "suspended", "cancelled")
CONNECTION_STATUSES = ("metered", "unmetered", "none", "illegal")
METER_STATUSES = ("working", "stopped", "damaged", "removed")
AGREEMENT_STATUSES = ("current", "breached", "completed")
SKILLS = ("notifier", "cut", "inspector", "reader")
TRAVEL_MODES = ("walk", "drive")
PAYMENT_CHANNELS = ("cashier", "bank", "online", "field", "import")

# Where a registry change came from; the change log keeps it beside each changed field.
CHANGE_SOURCES = ("office", "import", "payment_feed", "field", "system")

# Office roles. admin: users, policy, keys; dispatcher: work, plans, publishing, reassigning;
# supervisor: overrides, conflicts, on-site payments; viewer: maps and reports.
ROLES = ("admin", "dispatcher", "supervisor", "viewer")
# What a billing-system API key may be allowed to do.
API_KEY_SCOPES = ("payments:write", "registry:import", "registry:read")
PRINCIPAL_KINDS = ("user", "api_key", "device", "anonymous")

# Work item kinds; the lifecycle over these statuses lives in field_api.domain.work_items.
WORK_TYPES: dict[str, tuple[str, ...]] = {
    "notice": ("reminder", "payment_demand", "cut_warning", "summons_followup"),
    "inspection": ("requested", "zero_consumption", "consumption_drop", "illegal_connection"),
    "verification": ("walk",),
    "cut": ("restrict", "suspend"),
    "reconnection": ("restore",),
}
WORK_STATUSES = ("pending", "planned", "dispatched", "done", "failed", "cancelled")
