from counterclaim.nlp.quotes import find_quotes, scan_quotes


def quoted(text):
    return [text[s:e] for s, e in find_quotes(text)]


def test_curly_and_straight_quotes_pair():
    text = 'He said \u201cno\u201d and then "yes, twice," to us.'
    assert quoted(text) == ["\u201cno\u201d", '"yes, twice,"']


def test_a_quote_continued_in_the_next_paragraph_is_not_unbalanced():
    text = '"First part of it.\n\n"Second part," he said.'
    scan = scan_quotes(text)
    assert [text[s:e] for s, e in scan.spans] == ['"First part of it.', '"Second part,"']
    assert scan.unclosed == []


def test_an_unclosed_quote_stops_at_its_paragraph():
    text = 'She said "it was over.\n\nThen the talks began.'
    scan = scan_quotes(text)
    assert [text[s:e] for s, e in scan.spans] == ['"it was over.']
    assert scan.unclosed == [9]


def test_nyt_doubled_marks():
    assert quoted("He called it ``a farce'' on Monday.") == ["``a farce''"]
