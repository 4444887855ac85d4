import json

from hypothesis import given, settings
from hypothesis import strategies as st

from field_api.json_faults import MAX_DEPTH, fault_of, storable


def test_a_nul_anywhere_in_nested_json_is_found():
    assert fault_of({"a": [{"b": "x\x00y"}]}) == "nul"
    assert fault_of({"clave\x00": 1}) == "nul"
    assert fault_of(["\x00"]) == "nul"


def test_text_without_faults_is_clean_even_when_it_spells_the_escapes():
    assert fault_of({"a": [1.5, None, True, "ñandú 🚰", "\\u0000", "\\ud800", 2**63 - 1, -2**63]}) is None


def test_a_lone_surrogate_in_a_key_or_a_value_is_found():
    assert fault_of({"a": ["x\ud800"]}) == "surrogate"
    assert fault_of({"k\udfff": 1}) == "surrogate"


def test_integers_beyond_64_bits_and_numbers_that_are_not_finite_are_found():
    assert fault_of([2**63]) == "integer" and fault_of([-2**63 - 1]) == "integer"
    assert fault_of({"a": float("nan")}) == "not_finite" and fault_of([float("-inf")]) == "not_finite"


def test_nesting_beyond_the_limit_is_found_without_overflowing_the_stack():
    assert fault_of(json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)) is None
    assert fault_of(json.loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))) == "depth"
    assert fault_of(json.loads('{"a":' * 900 + "1" + "}" * 900)) == "depth"


def test_nul_is_named_only_when_nothing_else_is_wrong():
    assert fault_of(["\x00", "\ud800"]) == "surrogate"
    assert fault_of(["\ud800", "\x00"]) == "surrogate"
    assert fault_of({"k\x00": "\ud800"}) == "surrogate" and fault_of({"k\x00": [2**64]}) == "integer"


def test_the_storable_copy_replaces_what_no_column_holds_and_keeps_the_rest():
    copy = storable({"k\x00": ["v\x00", 3], "s\ud800": "a\udfffb", "big": 2**70, "nan": float("nan"), "ok": 1.5})
    assert copy == {"k\ufffd": ["v\ufffd", 3], "s\ufffd": "a\ufffdb", "big": str(2**70), "nan": "nan", "ok": 1.5}
    assert fault_of(copy) is None


def test_the_storable_copy_cuts_what_nests_too_deep():
    copy = storable(json.loads("[" * 600 + "]" * 600))
    assert fault_of(copy) is None and "…" in json.dumps(copy, ensure_ascii=False)


# Text drawn mostly from characters that matter here: NUL, lone surrogates, non-ASCII, plain ASCII.
# (Joined from a list: st.text leaves surrogates out of an alphabet that mixes strategies.)
_TEXT = st.lists(st.sampled_from(["a", "é", "\x00", "\ud800", "\udfff", "\\"]) | st.characters(), max_size=6).map(
    "".join)
_SCALARS = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True) | _TEXT
_JSON = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
                     max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(_JSON, st.integers(0, MAX_DEPTH + 2))
def test_a_value_has_a_fault_exactly_when_its_storable_copy_differs_from_it(value, extra_depth):
    for _ in range(extra_depth):
        value = [value]
    fault = fault_of(value)
    assert (fault is None) == (storable(value) == value)
    assert fault_of(storable(value)) is None
    if fault in (None, "nul"):  # judged without this module: JSON that encodes, with a NUL only for "nul"
        dumped = json.dumps(value, allow_nan=False, ensure_ascii=False)
        dumped.encode("utf-8")
        assert ("\\u0000" in dumped.replace("\\\\", "")) == (fault == "nul")
        integers = []
        json.loads(dumped, parse_int=lambda text: integers.append(int(text)))
        assert all(-2**63 <= n < 2**63 for n in integers)
