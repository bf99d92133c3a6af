"""`policykit extract`: propose draft rule entries, with verbatim quotes, from a document.

    >>> from pathlib import Path
    >>> from policykit.extract import extract, load_catalogue
    >>> cat = load_catalogue(Path("policies/catalogue.yaml"))
    >>> [p.parameter for p in extract("城乡居民住院报销比例为:一级医院90%", cat) if p.is_rule]
    ['resident.inpatient.ratio']

Layout: `text` reads and cleans (with an offset map back to the original),
`figures` finds figures, `classify` maps them to parameters by keyword tables,
`pipeline` builds proposals, `render` prints YAML/JSON/tables, `write` appends
drafts to a region file.
"""

from __future__ import annotations

from policykit.extract.errors import ExtractError
from policykit.extract.pipeline import Extraction, Proposal, extract_document, load_catalogue
from policykit.extract.text import DocKind, Document, load_document, parse_document
from policykit.model.entities import Catalogue

__all__ = [
    "Document", "ExtractError", "Extraction", "Proposal", "extract", "extract_document",
    "load_catalogue", "load_document", "parse_document",
]


def extract(text: str, catalogue: Catalogue, *, source_id: str = "draft",
            kind: DocKind = "text") -> list[Proposal]:
    """Every figure of `text` read as a proposal (rules, statistics, targets, the rest)."""
    doc = parse_document(text, kind=kind)
    return list(extract_document(doc, catalogue, source_id=source_id).proposals)
