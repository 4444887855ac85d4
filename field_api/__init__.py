"""Cuadrilla's Flask application: the office API, the device protocol, the CLI."""
from .app import create_app

__all__ = ["create_app"]
