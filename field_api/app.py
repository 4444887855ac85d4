"""The application factory."""
from __future__ import annotations

import logging

from flask import Flask

from . import db
from .config import load_settings


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_settings(test_config))
    app.config.update(
        API_TITLE="Cuadrilla",
        API_VERSION=_package_version(),
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/api/swagger-ui-assets/",
        JSON_SORT_KEYS=False,
    )
    logging.basicConfig(level=logging.INFO)
    from .auth.tokens import configure as configure_hashing

    configure_hashing(app.config["PASSWORD_HASH_TIME_COST"], app.config["PASSWORD_HASH_MEMORY_KIB"])
    db.init_app(app)

    from . import cli, models  # noqa: F401  (models register the change-log hook)
    from . import changes  # noqa: F401
    from .api import init_app as init_api

    init_api(app)
    cli.init_app(app)
    return app


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cuadrilla")
    except PackageNotFoundError:
        return "0.0.0+source"
