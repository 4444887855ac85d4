"""Pure route planning: stops, crews and a travel model in, ordered routes out.

No Flask, no SQLAlchemy (a test enforces it).
"""
