from field_api.nul import holds_nul, without_nul


def test_a_nul_anywhere_in_nested_json_is_found():
    assert holds_nul({"a": [{"b": "x\x00y"}]})
    assert holds_nul({"clave\x00": 1})
    assert holds_nul(["\x00"])


def test_text_without_nul_is_clean_even_when_it_spells_the_escape():
    assert not holds_nul({"a": [1.5, None, True, "ñandú", "\\u0000"]})


def test_values_json_cannot_write_are_still_checked():
    assert holds_nul([2 ** 70, "a\x00"]) and not holds_nul([2 ** 70, "a"])
    assert holds_nul({1: "\x00"}) and not holds_nul({1: "a"})


def test_without_nul_puts_the_replacement_character_in_keys_and_values():
    assert without_nul({"k\x00": ["v\x00", 3]}) == {"k\ufffd": ["v\ufffd", 3]}
