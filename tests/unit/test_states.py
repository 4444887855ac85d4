"""The 32 federal entities, by the names INEGI gives them."""
import unicodedata

from schemas.states import STATES, official_state


def test_there_are_thirty_two_distinct_entities_written_in_composed_unicode():
    assert len(STATES) == len(set(STATES)) == 32
    assert all(unicodedata.normalize("NFC", s) == s and s == s.strip() for s in STATES)
    assert {"Ciudad de México", "México", "Sonora", "Veracruz de Ignacio de la Llave"} <= set(STATES)
    assert all(len(s) <= 40 for s in STATES)  # the width of the state columns


def test_a_name_is_official_in_either_unicode_form_and_nothing_else_is():
    assert official_state(unicodedata.normalize("NFD", "Michoacán de Ocampo")) == "Michoacán de Ocampo"
    for other in ("Estado de México", "Distrito Federal", "sonora", "Sonora ", "Veracruz", ""):
        assert official_state(other) is None
