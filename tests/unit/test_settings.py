"""Settings come from defaults, a TOML file and CUADRILLA_* variables; unknown ones stop start-up."""
import pytest

from field_api.config import SettingsError, load_settings


def test_environment_overrides_defaults_and_is_parsed():
    settings = load_settings(environ={"CUADRILLA_PAGE_SIZE_MAX": "500", "CUADRILLA_SQL_ECHO": "yes"})
    assert settings["PAGE_SIZE_MAX"] == 500 and settings["SQL_ECHO"] is True
    assert settings["DATABASE_URL"] is None


def test_unknown_environment_setting_is_named_at_start_up():
    with pytest.raises(SettingsError, match="Unknown setting 'DATABSE_URL'.*CUADRILLA_DATABSE_URL"):
        load_settings(environ={"CUADRILLA_DATABSE_URL": "sqlite://"})


def test_settings_file_is_read_and_environment_wins_over_it(tmp_path):
    path = tmp_path / "cuadrilla.toml"
    path.write_text('database_url = "postgresql://db/x"\npage_size_max = 200\n')
    settings = load_settings(environ={"CUADRILLA_SETTINGS_FILE": str(path), "CUADRILLA_PAGE_SIZE_MAX": "300"})
    assert settings["DATABASE_URL"] == "postgresql://db/x" and settings["PAGE_SIZE_MAX"] == 300


def test_unknown_key_in_settings_file_names_the_key_and_file(tmp_path):
    path = tmp_path / "cuadrilla.toml"
    path.write_text("colour = 'blue'\n")
    with pytest.raises(SettingsError, match=f"Unknown setting 'COLOUR' in settings file {path}"):
        load_settings(environ={"CUADRILLA_SETTINGS_FILE": str(path)})


@pytest.mark.parametrize("env,message", [
    ({"CUADRILLA_PAGE_SIZE_MAX": "many"}, "PAGE_SIZE_MAX .* invalid"),
    ({"CUADRILLA_SQL_ECHO": "perhaps"}, "expected true/false"),
    ({"CUADRILLA_SETTINGS_FILE": "/nonexistent/x.toml"}, "Cannot read settings file"),
])
def test_bad_values_are_refused_with_a_message(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(environ=env)
