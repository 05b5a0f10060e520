"""Which claims can bear on a proposition, and which only point back at another."""

import pytest

from counterclaim.link.checkable import (
    anaphoric_stance,
    clauses,
    clean,
    dismisses,
    is_courtesy,
    is_host,
    is_question,
    pointer_owner,
    says_something,
)


@pytest.mark.parametrize(
    ("text", "polarity", "stance"),
    [
        ("We refute this.", "assert", "disputes"),
        ("We deny that.", "deny", "disputes"),
        ("the claim", "deny", "disputes"),
        ("the army's account", "deny", "disputes"),
        ("it", "assert", None),
        ("That is not true.", "assert", "disputes"),
        ("That's a lie", "assert", "disputes"),
        ("That's true.", "assert", "supports"),
        ("That is not wrong", "assert", "supports"),
        ("The army captured the pass", "assert", None),
        ("That the army captured the pass is true", "assert", None),
        ("that criticism", "deny", "disputes"),
        ("Clinton\u2019s charges about his stance on Obama", "deny", "disputes"),
        ("it happened", "deny", "disputes"),
        ("that that was the case", "deny", "disputes"),
        ("the charges through his lawyer", "deny", "disputes"),  # how it was denied, after what is denied
        ("We deny that in the strongest terms.", "assert", "disputes"),
        ("that the case was closed", "deny", None),
        ("it happened", "assert", None),
        ("Trump\u2019s claim to understand the middle class", "deny", None),  # says what is denied: not a pointer
        ("the claim that the army fled", "deny", None),
        ("He disagrees with them.", "assert", "disputes"),
        ("Cruz's description was false", "assert", "disputes"),
        ("these reports are false", "assert", "disputes"),
        ("That isn't true.", "assert", "disputes"),  # the negation joined to the verb
        ("those claims weren't accurate", "assert", "disputes"),
        ("That wasn't a lie", "assert", "supports"),
        ("That was never true", "assert", "disputes"),
        ("That isfalse", "assert", None),
    ],
)
def test_a_claim_that_only_points_back_passes_a_verdict(text, polarity, stance):
    assert anaphoric_stance(text, polarity) == stance


def test_a_pointer_may_name_whose_words_it_means():
    assert pointer_owner("Clinton\u2019s charges about his stance on Obama") == "Clinton"
    assert pointer_owner("We reject the army's account.") == "army"
    assert pointer_owner("that criticism") is None


def test_courtesies_questions_and_empty_address_say_nothing_checkable():
    assert is_courtesy("Thank you for having me.") and is_courtesy("Good evening") and is_courtesy("Let me just tell you, Joe")
    assert not is_courtesy("Thousands of families fled the town")
    assert is_question("Does this mean that you also are in communication with the Taliban?")
    assert not says_something("Hey, Joe, let me just tell you, Joe", {"joe"})
    assert says_something("The army holds the bridge", set())


def test_hosts_are_known_by_role_or_by_asking():
    assert is_host("host", False) and is_host("the programme's anchor", False) and is_host(None, True)
    assert not is_host("spokeswoman", False)


def test_contents_read_as_statements():
    assert clean('that the Taliban have taken control of the province \u2014 the last major territory \u2014 on Friday.') == (
        "the Taliban have taken control of the province on Friday"
    )
    assert clean('"The pass is ours,"') == "The pass is ours"
    assert clean("That is not true.") == "That is not true"  # the pointer stays: it is what the verdict is about


def test_a_dismissal_negated_is_none():
    assert dismisses("the reports of a defeat are Taliban propaganda") and dismisses("the AP report is misleading")
    assert not dismisses("IOWA POLLS NOT NECESSARILY WRONG, JUST TOO EARLY")
    assert not dismisses("the polls weren't wrong") and not dismisses("The army captured the pass")


def test_a_title_case_headline_is_read_for_its_verbs_not_as_a_row_of_names():
    texts = [
        "Mike Tyson Invited to Appear at GOP Convention",  # the auxiliary dropped: was invited
        "Taliban Seen Retreating From Panjshir",
        "Obama Administration Approves Arctic Drilling",
        "The Idea Of A Minimum Wage Hike",  # a phrase, in title case or not
        "Characterization Of Network's Reporting On Carson",
        "his campaign or political platform",
        "the army holds the bridge",
    ]
    assert clauses(texts) == [True, True, True, False, False, False, True]
