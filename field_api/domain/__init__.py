"""Pure domain rules: no Flask, no SQLAlchemy."""
