"""Settings: defaults, an optional TOML settings file, then CUADRILLA_* environment variables.

Unknown settings are refused at start-up, so a typo never silently falls back to a default.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from typing import Any, Callable

PREFIX = "CUADRILLA_"


class SettingsError(RuntimeError):
    """A setting is unknown or has a value of the wrong kind."""


def _as_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def _as_str(raw: Any) -> str:
    return str(raw)


def _as_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError(f"expected an integer, got {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class Setting:
    default: Any
    parse: Callable[[Any], Any]
    help: str


SETTINGS: dict[str, Setting] = {
    "DATABASE_URL": Setting(None, _as_str, "SQLAlchemy URL; empty means a SpatiaLite file in the instance folder"),
    "SECRET_KEY": Setting("dev-only-change-me", _as_str, "Flask secret key"),
    "SETTINGS_FILE": Setting(None, _as_str, "path of a TOML file with more settings"),
    "SPATIALITE_LIBRARY": Setting("mod_spatialite", _as_str, "name or path of the SpatiaLite extension"),
    "PAGE_SIZE_DEFAULT": Setting(100, _as_int, "rows per page when a list request names none"),
    "PAGE_SIZE_MAX": Setting(1000, _as_int, "largest page a list request may ask for"),
    "SQL_ECHO": Setting(False, _as_bool, "log every SQL statement"),
    "TIMEZONE": Setting("America/Hermosillo", _as_str, "the utility's time zone (IANA name)"),
    "TESTING": Setting(False, _as_bool, "Flask testing mode"),
    "ACCESS_TOKEN_MINUTES": Setting(15, _as_int, "lifetime of an office access token"),
    "REFRESH_TOKEN_DAYS": Setting(14, _as_int, "lifetime of a refresh token"),
    "LOGIN_MAX_FAILURES_PER_USER": Setting(5, _as_int, "failed logins per username per window"),
    "LOGIN_MAX_FAILURES_PER_ADDRESS": Setting(20, _as_int, "failed logins per address per window"),
    "LOGIN_WINDOW_MINUTES": Setting(15, _as_int, "window of the login limits"),
    "PASSWORD_HASH_TIME_COST": Setting(3, _as_int, "argon2 passes per password hash"),
    "PASSWORD_HASH_MEMORY_KIB": Setting(65536, _as_int, "argon2 memory per password hash, KiB"),
    "MAX_BODY_BYTES": Setting(2 * 1024 * 1024, _as_int, "largest request body accepted (413 above)"),
    "MAX_IMPORT_BYTES": Setting(200 * 1024 * 1024, _as_int, "largest registry file accepted over HTTP"),
    "PHOTO_DIR": Setting(None, _as_str, "where field photos are stored; empty means instance/photos"),
    "ENROLLMENT_CODE_HOURS": Setting(24, _as_int, "how long a device enrollment code stays valid"),
}


def _parse(name: str, raw: Any, origin: str) -> Any:
    if name not in SETTINGS:
        known = ", ".join(sorted(SETTINGS))
        raise SettingsError(f"Unknown setting {name!r} in {origin}. Known settings: {known}")
    try:
        return SETTINGS[name].parse(raw)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"Setting {name} from {origin} is invalid: {exc}") from None


def load_settings(test_config: dict | None = None, environ: dict | None = None) -> dict:
    """Return validated settings; later sources win: defaults, file, environment, test_config."""
    environ = os.environ if environ is None else environ
    values = {name: s.default for name, s in SETTINGS.items()}
    env_values = {
        key[len(PREFIX):]: raw for key, raw in environ.items() if key.startswith(PREFIX)
    }
    settings_file = (test_config or {}).get("SETTINGS_FILE") or env_values.get("SETTINGS_FILE")
    if settings_file:
        try:
            with open(settings_file, "rb") as fh:
                file_values = tomllib.load(fh)
        except OSError as exc:
            raise SettingsError(f"Cannot read settings file {settings_file}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"Settings file {settings_file} is not valid TOML: {exc}") from None
        for name, raw in file_values.items():
            values[name.upper()] = _parse(name.upper(), raw, f"settings file {settings_file}")
    for name, raw in env_values.items():
        values[name] = _parse(name, raw, f"environment variable {PREFIX}{name}")
    for name, raw in (test_config or {}).items():
        values[name] = _parse(name, raw, "test_config")
    for name in ("ACCESS_TOKEN_MINUTES", "REFRESH_TOKEN_DAYS", "LOGIN_MAX_FAILURES_PER_USER",
                 "LOGIN_MAX_FAILURES_PER_ADDRESS", "LOGIN_WINDOW_MINUTES", "MAX_BODY_BYTES", "MAX_IMPORT_BYTES", "PASSWORD_HASH_TIME_COST", "ENROLLMENT_CODE_HOURS",
                 "PASSWORD_HASH_MEMORY_KIB"):
        if values[name] < 1:
            raise SettingsError(f"Setting {name} must be at least 1, got {values[name]}")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(values["TIMEZONE"])
    except (ValueError, KeyError, OSError):
        raise SettingsError(f"Setting TIMEZONE: unknown time zone {values['TIMEZONE']!r}") from None
    if values["PAGE_SIZE_DEFAULT"] > values["PAGE_SIZE_MAX"] or values["PAGE_SIZE_DEFAULT"] < 1:
        raise SettingsError("PAGE_SIZE_DEFAULT must be between 1 and PAGE_SIZE_MAX")
    return values
