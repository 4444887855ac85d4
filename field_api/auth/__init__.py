"""Authentication, the one authorization layer, and the audit trail of writes."""
from .rules import access, public  # noqa: F401
