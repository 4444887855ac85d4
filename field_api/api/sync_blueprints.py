"""The blueprints of offline sync, registered together by `field_api.api.create_api`."""
from .alerts.routes import blp as alerts
from .devices.routes import blp as devices
from .field_records.routes import blp as field_records
from .pending_registrations.routes import blp as pending_registrations
from .reviews.routes import blp as reviews
from .sync.routes import blp as sync
from .sync_photos.routes import blp as sync_photos

SYNC_BLUEPRINTS = (devices, sync, sync_photos, reviews, field_records, alerts, pending_registrations)
