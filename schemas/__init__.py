"""Marshmallow schemas: the wire contract of the office API and the device protocol."""
