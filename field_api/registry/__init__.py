"""Registry persistence: queries, demo town, import."""
