from counterclaim.ingest import document_from_text, read_document
from counterclaim.ingest.transcript import find_turns
from tests.conftest import fixture_path


def test_labels_become_turns_with_the_introduction_as_the_hosts():
    document = read_document(fixture_path("interview.txt"))
    assert document.kind == "transcript"
    labels = [t.label for t in document.turns]
    assert labels == ["SAM OKAFOR", "SAM OKAFOR", "PETRA LIND", "OKAFOR", "LIND", "OKAFOR"]
    intro = document.turns[0]
    assert intro.is_introduction and document.text[intro.start : intro.end].startswith("Tonight we look")
    lind = document.turns[2]
    assert document.text[lind.start : lind.end] == "Yes. Every farm received a letter a week before the spillway opened."
    assert document.text[lind.label_start : lind.label_end] == "PETRA LIND"


def test_transcript_after_an_article_starts_after_its_boundary():
    text = (
        "Mayor Says Bridge Is Safe\n\nThe mayor said the bridge was safe.\n\nCopyright 2030 Radio.\n\n"
        "Today we talk about the bridge. Our guest is the mayor.\n\n"
        "HOST: Is the bridge safe?\n\nMAYOR: It is safe. Engineers checked it last week.\n"
    )
    document = document_from_text("b", text)
    assert document.kind == "article+transcript"
    assert text[document.transcript_start :].startswith("Today we talk")
    assert document.turns[0].is_introduction and document.turns[0].label == "HOST"


def test_text_without_labels_has_no_turns():
    assert find_turns("He said: nothing.\n\nNOTE: this is a note.\n") == (None, [])
