"""Whole numbers on the office API: marshmallow's Integer cuts 1.5 to 1, ours refuses it."""
import pytest
from marshmallow import ValidationError

from schemas.common import Integer
from schemas.work import ReassignSchema


@pytest.mark.parametrize("value,expected", [(7, 7), (7.0, 7), ("7", 7)])
def test_a_whole_number_loads_from_an_int_an_integral_float_or_a_query_string(value, expected):
    assert Integer().deserialize(value) == expected


@pytest.mark.parametrize("value", [1.5, -0.25, "1.5", True])
def test_a_fraction_or_a_boolean_is_not_a_valid_integer(value):
    with pytest.raises(ValidationError, match="Not a valid integer"):
        Integer().deserialize(value)


def test_an_office_body_with_a_fractional_id_is_refused_not_truncated():
    with pytest.raises(ValidationError) as raised:
        ReassignSchema().load({"crew_id": 2.5, "reason": "cambio de ruta"})
    assert "crew_id" in raised.value.messages
