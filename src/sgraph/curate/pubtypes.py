"""The publication type of an entry: stated (a field wins) or inferred from its title.

Classes are the ``sg:`` publication classes of docs/model.md, given by local name.
"""

from __future__ import annotations

import re

from sgraph.curate.names import label_key

PUBLICATION_CLASSES = (
    "Publication",
    "Report",
    "AnnualReport",
    "NationalReviewReport",
    "CaseReviewAnalysis",
    "IndependentReviewReport",
    "FieldworkReport",
    "Letter",
    "GovernmentResponse",
    "StatutoryGuidance",
)

#: Names a curator may use in a ``type`` field (compared without case, spaces or punctuation).
_ALIASES: dict[str, str] = {
    **{c.casefold(): c for c in PUBLICATION_CLASSES},
    "letter": "Letter",
    "annualreport": "AnnualReport",
    "report": "Report",
    "review": "Report",
    "nationalreview": "NationalReviewReport",
    "independentreview": "IndependentReviewReport",
    "expertreview": "IndependentReviewReport",
    "analysis": "CaseReviewAnalysis",
    "reviewofcasereviews": "CaseReviewAnalysis",
    "fieldwork": "FieldworkReport",
    "guidance": "StatutoryGuidance",
    "response": "GovernmentResponse",
    "governmentresponse": "GovernmentResponse",
    "publication": "Publication",
}

#: Title patterns, first match wins (searched in the normalised title, see ``label_key``).
_RULES: list[tuple[str, str, str]] = [
    (r"^letter\b|\bletter (to|from)\b", "Letter", "the title names a letter"),
    (
        r"\bgovernment response\b|\bresponse to\b",
        "GovernmentResponse",
        "the title names a response",
    ),
    (
        r"\bstatutory guidance\b|\bguidance\b|\bworking together to safeguard\b",
        "StatutoryGuidance",
        "the title names guidance",
    ),
    (r"\bfieldwork\b", "FieldworkReport", "the title names a fieldwork report"),
    (r"\bannual report\b", "AnnualReport", "the title names an annual report"),
    (
        r"\banalysis\b|\banalyses\b|\breview of (local child safeguarding practice |case |serious case )?reviews\b"
        r"|\bannual review of\b|\blcsprs\b",
        "CaseReviewAnalysis",
        "the title names an analysis or a review of reviews",
    ),
    (r"\bnational review\b", "NationalReviewReport", "the title names a national review"),
    (
        r"\b(independent|sector expert|expert) review\b|\bwood report\b",
        "IndependentReviewReport",
        "the title names an independent or expert review",
    ),
    (r"\breport\b|\breview\b", "Report", "the title names a report or review"),
]


def parse_type(text: str) -> str:
    """A stated type ("letter", "annual report", "sg:AnnualReport") as an sg: local name.

    Raises ValueError naming the accepted values when the type is unknown.
    """
    raw = text.strip()
    if raw.startswith("sg:"):
        raw = raw[3:]
    key = re.sub(r"[^a-z]", "", raw.casefold())
    if key in _ALIASES:
        return _ALIASES[key]
    accepted = ", ".join(
        sorted(
            {
                "letter",
                "annual report",
                "report",
                "review",
                "national review",
                "independent review",
                "analysis",
                "fieldwork",
                "guidance",
                "response",
                *PUBLICATION_CLASSES,
            }
        )
    )
    raise ValueError(f"unknown publication type {text!r}; use one of: {accepted}")


def infer_type(title: str) -> tuple[str, str]:
    """The type a title suggests, with the reason; ``Publication`` when nothing fits."""
    key = label_key(title)
    for pattern, cls, why in _RULES:
        if re.search(pattern, key):
            return cls, why
    return "Publication", "nothing in the title names a kind of publication"
