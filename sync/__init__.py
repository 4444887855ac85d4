"""Pure offline-sync logic: device packages, idempotency, three-way merge, follow-up rules.

Plain dataclasses in, plain results out. No Flask, no SQLAlchemy (a test enforces it).
"""
