"""The benches' scratch databases: a run never drops a database that is not its own."""
from __future__ import annotations

import argparse

import pytest
from sqlalchemy.engine import make_url

from bench.databases import add_database_option, fresh_engine, refuse_if_in_use
from tests.conftest import POSTGIS_URL


def parse(*argv):
    parser = argparse.ArgumentParser(exit_on_error=False)
    add_database_option(parser, "cuadrilla_bench_x")
    return parser.parse_args(list(argv))


def test_the_database_option_defaults_to_the_bench_own_name_and_takes_another():
    assert parse().database == "cuadrilla_bench_x"
    assert parse("--database", "cuadrilla_bench_run2").database == "cuadrilla_bench_run2"


@pytest.mark.parametrize("name", ["cuadrilla_test", "postgres", "template1", "Bench", "x; DROP DATABASE y", ""])
def test_a_name_that_is_not_a_scratch_database_is_refused(name):
    with pytest.raises(argparse.ArgumentError):
        parse("--database", name)


def test_the_test_database_is_never_dropped_by_a_bench(tmp_path):
    with pytest.raises(SystemExit, match="not a scratch database"):
        fresh_engine("postgis", tmp_path, "cuadrilla_test")


def test_a_database_another_session_is_using_is_not_dropped_and_the_run_says_why(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SpatiaLite files are per run")
    name = make_url(POSTGIS_URL).database  # fresh_engine checks this before it drops anything
    with engine.connect():  # a session on it, as another run of a bench would hold
        with pytest.raises(SystemExit, match="in use by .* other session"):
            refuse_if_in_use(name)
