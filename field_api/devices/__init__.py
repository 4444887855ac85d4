"""Enrolled devices: one-time enrollment codes, device tokens, revocation, and sync status."""
