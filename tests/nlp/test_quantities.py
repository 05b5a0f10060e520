import pytest

from counterclaim.nlp.quantities import find_quantities


@pytest.fixture(scope="module")
def nlp(extractor):
    return extractor.nlp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The NRF says it has about 10,000 fighters.", [(10000, "fighters", True)]),
        ("They are ignoring 50 percent of the society.", [(50, "percent", False)]),
        ("They are ignoring 50% of the society.", [(50, "percent", False)]),
        ("The army said hundreds of fighters surrendered.", [(100, "fighters", True)]),
        ("The deal is worth $2.5 billion to the city.", [(2.5e9, "USD", False)]),
        ("More than 300 families fled on Monday, 14 March 2025.", [(300, "families", True)]),
    ],
)
def test_numbers_become_value_unit_and_approximation(nlp, text, expected):
    doc = nlp(text)
    found = [(q.value, q.unit, q.approx) for q in find_quantities(doc[:])]
    assert found == expected
