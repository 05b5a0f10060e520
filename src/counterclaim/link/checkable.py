"""Which claims can bear on a proposition: statements about the world, not questions, courtesies or a host's framing.

A proposition is something that can be checked: an event, a state, a number.
Questions ask; greetings and thanks are courtesies; an interviewer's or
anchor's own sentences set the scene for the answers. Those stay in the
ledger as claims but never form or join a proposition. A claim that only
points back at another ("We refute this.", "That's not true", "dismissed the
claim") bears on what it points at: it is recognised here and resolved by
`discourse.py`.
"""

from __future__ import annotations

import re
from functools import cache

HOST_ROLES = re.compile(r"\b(host|anchor|moderator|interviewer|presenter|correspondent)\b", re.IGNORECASE)
COURTESY = re.compile(
    r"^\W*(thank(s| you)|good (morning|afternoon|evening|night)|hello|hi|hey|welcome|you'?re welcome|my pleasure|pleasure"
    r"|congratulations|goodbye|bye|sorry|excuse me|please)\b",
    re.IGNORECASE,
)
# "let me tell you", "let's come together": proposals and asides, not statements about the world
ADDRESS = re.compile(r"^\W*(let me|let's|let us|look,|listen,|well,|you know,)", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
FUNCTION_WORDS = frozenset(
    "a an the and or but so of to in on at by for with from as is are was were be been being am 's 're 've 'll 'd do does did have has had"
    " i me my we us our you your he him his she her it its they them their this that these those there here what which who not no n't"
    " just very really also all any some let tell say said says think know go going get got"
    " oh yes yeah well okay ok".split()
)

# Words by which a speaker calls what others say untrue, and those by which they call it true.
FALSE_WORDS = (
    r"propaganda|lies|lie|lying|false|falsehoods?|untrue|not true|fabricat\w+|fake|baseless|groundless|nonsense|rubbish|disinformation"
    r"|misinformation|hoax|fiction|myths?|smears?|slander\w*|wrong|incorrect|inaccurate|not accurate|not correct|ridiculous|absurd"
    r"|misleading|distort\w*|cherry-?pick\w*|debunk\w*|bogus|unfounded|unsubstantiated|phony|phoney|made[- ]up|discredited"
    r"|misrepresent\w*"
)
TRUE_WORDS = r"true|right|correct|accurate|exactly right|absolutely right"
# A negated statement: `not`, `never`, `no one` and every `n't` (`couldn't`, `hasn't`)
NEGATION = re.compile(r"\b(not|never|no|nothing|nobody|none|cannot)\b|n't\b", re.IGNORECASE)
REFERRING_NOUNS = (
    r"claims?|reports?|reporting|rumou?rs?|allegations?|accusations?|charges?|criticisms?|critiques?|characteri[sz]ations?"
    r"|story|stories|account|version|narrative|assertions?|suggestions?|idea|descriptions?|comments?|remarks?|statements?|notion"
)
OWNER = r"(?P<owner>[A-Z][\w.-]*)['\u2019]s?"
# what the pointed-at words are about ("Clinton's charges about his stance on Obama"): they name no proposition of their own
ABOUT = r"(?:\s+(?:about|of|on|over|regarding|against)\s+[^.;:]{1,80})?"
POINTER = (
    rf"(this|that|it|these|those|them|(?:such|the|this|that|these|those)\s+(?:\w+\s+)?({REFERRING_NOUNS}){ABOUT}"
    rf"|(?:the\s+)?{OWNER}\s+(?:\w+\s+)?({REFERRING_NOUNS}){ABOUT}"
    r"|(?:that\s+)?(?:it|this|that|any of (?:it|this|that))\s+(?:ever\s+|had\s+|has\s+|really\s+)*(?:happened|occurred|took place)"
    r"|(?:that\s+)?(?:it|this|that|such)\s+(?:is|was|were|had been|has been|would be)\s+(?:ever\s+|really\s+)?the case)"
)
# how a denial was made, after what it points at: "denied the charges through his lawyer", "rejected that in a statement"
MANNER = r"(?:\s+(?:through|via|in|at|during|on|with|by|from|after|before)\s+[^.;:]{1,60})?"
ANAPHORIC_DENIAL = re.compile(
    rf"^\W*(?:we|i|they|he|she|the \w+)\s+(?:\w+\s+)?(?:deny|denies|denied|refute|refutes|refuted|reject|rejects|rejected|dismiss|dismisses"
    rf"|dismissed|dispute|disputes|disputed|rebut|rebuts|rebutted|contest|contests|contested|(?:disagree|disagrees|disagreed) with"
    rf"|(?:push|pushes|pushed) back (?:on|against))\s+{POINTER}{MANNER}\W*$",
    re.IGNORECASE,
)
BARE_POINTER = re.compile(rf"^\W*{POINTER}{MANNER}\W*$", re.IGNORECASE)
ANAPHORIC_VERDICT = re.compile(
    rf"^\W*(?:but\s+|and\s+|no,?\s+|well,?\s+)?(?P<pointer>{POINTER}|which)(?:\s+is|'s|\s+was|\s+are|\s+were)(?:(?P<negation>\s+not|n't|\s+never)\s+|\s+)"
    rf"(?:(?:simply|just|totally|completely|absolutely|a|an|all|pure|complete|total|utter)\s+)*(?P<verdict>{FALSE_WORDS}|{TRUE_WORDS})\W*$",
    re.IGNORECASE,
)
FALSE_VERDICT = re.compile(rf"^({FALSE_WORDS})$", re.IGNORECASE)
DISMISSAL = re.compile(rf"\b({FALSE_WORDS})\b", re.IGNORECASE)
# "not necessarily wrong", "isn't because they were dead wrong": a "not" up to four words before takes the verdict back
NEGATED_BEFORE = re.compile(r"\b(not|never|no|nothing)\W+(?:\w+\W+){0,4}$|n't\W+(?:\w+\W+){0,4}$", re.IGNORECASE)


def dismisses(text: str) -> bool:
    """Whether a text calls something false: `the reports are propaganda`, not `the polls were not necessarily wrong`."""
    return any(not NEGATED_BEFORE.search(text[: match.start()]) for match in DISMISSAL.finditer(text))


ASIDE = re.compile(r"\s+[\u2014\u2013]\s[^\u2014\u2013]*(?:[\u2014\u2013]|$)")


def clean(text: str) -> str:
    """A content as a statement: no quotation marks, aside between dashes or trailing punctuation, no leading `that`."""
    text = re.sub(r"[\"\u201c\u201d]", "", text).replace("\u2019", "'").replace("\u2018", "'")
    text = " ".join(ASIDE.sub(" ", text).split()).strip(" ,.;:-\u2014")
    # "that the army fled" states "the army fled"; "That is not true" keeps its subject
    return re.sub(r"^that\s+(?!(?:is|was|are|were|has|had|would|will|may|might|could|can|must)\b)", "", text, flags=re.IGNORECASE)


def is_courtesy(text: str) -> bool:
    return bool(COURTESY.match(text) or ADDRESS.match(text))


def is_question(text: str) -> bool:
    return text.rstrip(" \"'\u201d\u2019").endswith("?")


def says_something(text: str, names: set[str]) -> bool:
    """At least two words that are neither function words nor names: `Hey, Joe, let me just tell you, Joe` says nothing."""
    meaningful = [w for w in WORD.findall(text.lower()) if w not in FUNCTION_WORDS and w not in names]
    return len(meaningful) >= 2


def pointer_owner(text: str) -> str | None:
    """Whose words an anaphoric claim points at, when it names them: `Clinton` in `dismissed Clinton's charges`."""
    match = ANAPHORIC_DENIAL.match(text) or BARE_POINTER.match(text) or ANAPHORIC_VERDICT.match(text)
    return match.group("owner") if match else None


def anaphoric_stance(text: str, polarity: str = "assert") -> str | None:
    """`disputes` or `supports` when the claim only passes a verdict on something said before it, else None.

    `We refute this.`, `That's not true`, a denial whose content is `the claim` or `the army's account`:
    disputes. `That's true`, `That is correct`: supports. `That's not wrong`: supports. A bare pointer that
    is not denied (`said it`) passes no verdict.
    """
    if ANAPHORIC_DENIAL.match(text) or (polarity == "deny" and BARE_POINTER.match(text)):
        return "disputes"
    match = ANAPHORIC_VERDICT.match(text)
    if match is None:
        return None
    false = bool(FALSE_VERDICT.match(match.group("verdict")))
    if match.group("negation"):
        false = not false
    return "disputes" if false else "supports"


FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
CLAUSE_READING = 2  # how `clauses` reads a text: stored reads made another way are forgotten (2: headlines de-titled)
CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
TITLE_SHARE = 0.6  # of a text's words capitalised: a headline in title case


@cache
def _tagger():
    from counterclaim.nlp.pipeline import load_tagger

    return load_tagger()


def in_title_case(text: str) -> bool:
    """A headline written in title case (`Mike Tyson Invited to Appear at GOP Convention`)."""
    words = WORD.findall(text)
    return len(words) >= 3 and len(CAPITALISED.findall(text)) >= TITLE_SHARE * len(words)


def detitled(text: str) -> str:
    """A title-case headline in lower case but for its acronyms: the tagger reads every capitalised word as a name."""
    return CAPITALISED.sub(lambda m: m.group(0).lower(), text)


def clauses(texts: list[str]) -> list[bool]:
    """Whether each text is a clause, with a finite verb: an event or a state can be checked, a bare phrase cannot.

    `the need to obtain internal documents`, `his campaign or political platform`, `to announce their
    government on Friday` say nothing that is true or false; `the army holds the bridge` does. A title-case
    headline is read in lower case, where its verbs are verbs, and its past participle counts: headlines drop
    the auxiliary (`Mike Tyson Invited to Appear` is `Mike Tyson was invited`; `The Idea Of A Minimum Wage Hike`
    stays a phrase).
    """
    titled = [in_title_case(t) for t in texts]
    docs = _tagger().pipe([detitled(t) if title else t for t, title in zip(texts, titled, strict=True)], batch_size=256)
    return [
        any(token.tag_ in FINITE_TAGS or (title and token.tag_ == "VBN" and token.i > 0) for token in doc)
        for doc, title in zip(docs, titled, strict=True)
    ]


def is_host(role: str | None, asks_questions: bool) -> bool:
    """An interviewer or anchor: their role says so, or they ask the questions of a transcript."""
    return asks_questions or bool(role and HOST_ROLES.search(role))
