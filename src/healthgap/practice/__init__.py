"""Share what works: a reviewed bank of local practice and a research library (core domain).

This package holds the model and the rules; it imports only :mod:`healthgap.errors` (and never
the store, reports, web or cli). Storage and search live in :mod:`healthgap.store.practice`.

- :mod:`~healthgap.practice.case_study` - case studies (``frameworks.md`` §9) and review dates
- :mod:`~healthgap.practice.research` - research entries, identifiers, duplicate detection
- :mod:`~healthgap.practice.references` - RIS / BibTeX / CSV import and export, all or nothing
- :mod:`~healthgap.practice.workflow` - the review state machine, roles, comments, audit records
- :mod:`~healthgap.practice.attachments` - accepted attachment types and sizes
- :mod:`~healthgap.practice.glossary` - the standard terminology and linking terms in text
- :mod:`~healthgap.practice.search_text` - tokens, stems, queries and highlights for search
- :mod:`~healthgap.practice.content_files` - the seeded bank and user YAML content
- :mod:`~healthgap.practice.vocabulary` - evidence strength, triangle parts, status, roles, ids
"""

from healthgap.practice.attachments import MAX_BYTES, AttachmentCheck, check_attachment
from healthgap.practice.case_study import (
    CaseStudy,
    Contact,
    Link,
    ResultFigure,
    case_study_from_mapping,
    due_for_review,
)
from healthgap.practice.content_files import case_study_template, load_case_studies, load_research
from healthgap.practice.csv_io import write_case_studies_csv
from healthgap.practice.glossary import Glossary, Segment, Term, link_terms, load_glossary
from healthgap.practice.references import FORMATS, format_for, read_references, write_references
from healthgap.practice.research import (
    Appraisal,
    Duplicate,
    Effect,
    Finding,
    ResearchEntry,
    find_duplicates,
    normalise_doi,
    normalise_title,
    research_entry_from_mapping,
)
from healthgap.practice.search_text import Query, TextPiece, highlight, parse_query
from healthgap.practice.vocabulary import (
    FRAMEWORK_ITEM_PATTERN,
    PARAMETER_ID_PATTERN,
    EvidenceStrength,
    PracticeRole,
    ResearchType,
    Status,
    TrianglePart,
    load_topics,
)
from healthgap.practice.workflow import (
    Actor,
    AuditEvent,
    Comment,
    allowed_transitions,
    apply_review,
    check_transition,
    field_changes,
    make_comment,
)

__all__ = [
    "FORMATS",
    "FRAMEWORK_ITEM_PATTERN",
    "MAX_BYTES",
    "PARAMETER_ID_PATTERN",
    "Actor",
    "Appraisal",
    "AttachmentCheck",
    "AuditEvent",
    "CaseStudy",
    "Comment",
    "Contact",
    "Duplicate",
    "Effect",
    "EvidenceStrength",
    "Finding",
    "Glossary",
    "Link",
    "PracticeRole",
    "Query",
    "ResearchEntry",
    "ResearchType",
    "ResultFigure",
    "Segment",
    "Status",
    "Term",
    "TextPiece",
    "TrianglePart",
    "allowed_transitions",
    "apply_review",
    "case_study_from_mapping",
    "case_study_template",
    "check_attachment",
    "check_transition",
    "due_for_review",
    "field_changes",
    "find_duplicates",
    "format_for",
    "highlight",
    "link_terms",
    "load_case_studies",
    "load_glossary",
    "load_research",
    "load_topics",
    "make_comment",
    "normalise_doi",
    "normalise_title",
    "parse_query",
    "read_references",
    "research_entry_from_mapping",
    "write_case_studies_csv",
    "write_references",
]
