"""Statements sent together (one round trip on PostgreSQL) and the savepoint around an upload's merge."""
import pytest
from sqlalchemy import JSON, bindparam, text, update

from field_api.models import CollectionPolicy
from field_api.sync_service.together import Together

_SET = text("UPDATE together_probe SET n = :n")
_GET = text("SELECT n FROM together_probe")
_SECOND_ROW = text("INSERT INTO together_probe (id, n) VALUES (1, 0)")  # the same key again
_SET_DOC = text("UPDATE together_probe SET doc = :doc").bindparams(bindparam("doc", type_=JSON))
_GET_DOC = text("SELECT doc FROM together_probe").columns(doc=JSON)


@pytest.fixture
def together(session):
    session.execute(text("CREATE TEMPORARY TABLE together_probe (id INTEGER PRIMARY KEY, n INTEGER, doc JSON)"))
    session.execute(text("INSERT INTO together_probe (id, n) VALUES (1, 30)"))
    return Together(session)


def n(together):
    return together.run([(_GET, {})])[0][0][0]


def test_statements_run_in_order_and_each_gives_its_own_rows(together):
    assert together.run([(_SET, {"n": 41}), (_GET, {}), (_SET, {"n": 42}), (_GET, {})]) == [[], [(41,)], [], [(42,)]]


def test_parameters_pass_through_sqlalchemys_conversions(together):
    together.run([(_SET_DOC, {"doc": ["2026-12-12"]})])  # a JSON parameter: the list is written as JSON
    assert together.run([(_GET_DOC, {})]) == [[(["2026-12-12"],)]]


def test_a_statement_that_needs_defaults_computed_in_python_is_refused(together):
    touch = update(CollectionPolicy).values(summons_window_minutes=45)  # updated_at is set in Python
    with pytest.raises(ValueError, match="updated_at"):
        together.run([(touch, {})])


def test_a_failure_inside_the_savepoint_undoes_what_ran_inside_and_the_transaction_goes_on(together):
    together.run([(_SET, {"n": 41})])
    with pytest.raises(RuntimeError):
        with together.savepoint("t"):
            together.run([(_SET, {"n": 55})])
            raise RuntimeError("a bug after the write")
    assert n(together) == 41


def test_a_statement_that_fails_inside_the_savepoint_leaves_the_transaction_usable(together):
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        with together.savepoint("t"):
            together.run([(_SET, {"n": 55}), (_SECOND_ROW, {})])
    assert n(together) == 30
    together.run([(_SET, {"n": 42})])
    assert n(together) == 42


def test_a_savepoint_left_before_it_reached_the_database_sends_nothing(together):
    with pytest.raises(RuntimeError):
        with together.savepoint("t"):
            raise RuntimeError("before any statement")
    assert n(together) == 30
