"""References from journeys and insight notes to the insight domain's stored segments.

A segmentation stored by the Segments pages (an open run or an imported lookup) has named
segments, and each segment has a persona card. A journey about one of them keeps the run's id
and the segment's code, with the names as they were when it was chosen (the segment's name as
``label``, the run's as ``run_name``), so that:

- a renamed segment shows its new name, with a note giving the old one;
- a removed segmentation (or one whose id now belongs to another run: ids can be reused after a
  removal) still shows the name it had, with a note that it has since been removed;
- a reference to a segmentation or segment that is not stored is refused when it is made
  (:func:`segment_ref_problems`), in a form or in an imported file.

A team without a segmentation describes a persona in its own words instead (a reference
without ``run_id``). This module is pure: the use cases read the stored runs and pass them in
as :class:`StoredSegment` values.

>>> from datetime import date
>>> stored = [StoredSegment(3, "Autumn run", date(2026, 3, 12), 4, "2", "Young families")]
>>> choice_label(stored[0], "segment")
'Segment 2 — Young families (segmentation “Autumn run” of 12 March 2026, 4 segments)'
>>> ref = reference_to(stored[0], "persona")
>>> ref.id, resolve_segment_ref(ref, stored).status
('segmentation-3-segment-2', 'current')
>>> renamed = [StoredSegment(3, "Autumn run", date(2026, 3, 12), 4, "2", "Renters")]
>>> resolve_segment_ref(ref, renamed).name, resolve_segment_ref(ref, []).status
('Renters', 'removed')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from healthgap.errors import Problem
from healthgap.journeys.model import SegmentRef

__all__ = [
    "DESCRIBED",
    "ResolvedSegment",
    "StoredSegment",
    "choice_label",
    "choice_value",
    "parse_choice",
    "reference_to",
    "resolve_segment_ref",
    "segment_ref_problems",
    "stored_segment_key",
]

#: The picker's value for "a persona you describe" (no stored segmentation).
DESCRIBED = "described"
KIND_WORDS = {"segment": "Segment", "persona": "Persona card of segment"}


@dataclass(frozen=True)
class StoredSegment:
    """One named segment of a stored segmentation, as a picker lists it."""

    run_id: int
    run_name: str
    created: date
    n_segments: int
    code: str
    name: str


@dataclass(frozen=True)
class ResolvedSegment:
    """A journey's reference read against the stored segmentations.

    ``status`` is "current", "renamed", "removed" or "described" (a persona the team
    describes); ``name`` is what to show now, ``note`` says in words what changed since it
    was chosen ("" when nothing did), and ``run_id`` names the stored run to link to (None
    when there is none).
    """

    ref: SegmentRef
    status: str
    name: str
    note: str
    run_id: int | None

    @property
    def short_name(self) -> str:
        """The name without the "2: " a generated name starts with (for "Segment 2: ...")."""
        prefix = f"{self.ref.code}: "
        return (
            self.name[len(prefix) :]
            if self.ref.code and self.name.startswith(prefix)
            else self.name
        )


def stored_segment_key(run_id: int, code: str) -> str:
    """The id a stored segment goes by in journeys and insight notes.

    >>> stored_segment_key(12, "2"), stored_segment_key(4, "Group A/01")
    ('segmentation-12-segment-2', 'segmentation-4-segment-Group-A-01')
    """
    slug = re.sub(r"[^A-Za-z0-9]+", "-", str(code)).strip("-") or "x"
    return f"segmentation-{run_id}-segment-{slug}"[:64]


def _short_name(segment: StoredSegment) -> str:
    """The name without a leading "2: " that generated names carry (the label says it)."""
    prefix = f"{segment.code}: "
    return segment.name[len(prefix) :] if segment.name.startswith(prefix) else segment.name


def choice_label(segment: StoredSegment, kind: str) -> str:
    """The words a picker shows for a stored segment (``kind`` "segment") or its persona card
    (``kind`` "persona")."""
    when = f"{segment.created.day} {segment.created:%B %Y}"
    count = f"{segment.n_segments} segment{'s' if segment.n_segments != 1 else ''}"
    return (
        f"{KIND_WORDS[kind]} {segment.code} — {_short_name(segment)} "
        f"(segmentation “{segment.run_name}” of {when}, {count})"
    )


def choice_value(kind: str, run_id: int, code: str) -> str:
    """The picker's value for a stored segment or persona card: ``kind:run:code``.

    >>> parse_choice(choice_value("persona", 3, "A:1"))
    ('persona', 3, 'A:1')
    """
    return f"{kind}:{run_id}:{code}"


def parse_choice(value: str) -> tuple[str, int, str] | None:
    """``(kind, run_id, code)`` of a picker value; None when it is not one (e.g. tampered).

    >>> parse_choice("segment:x:2") is None, parse_choice(DESCRIBED) is None
    (True, True)
    """
    kind, _, rest = value.partition(":")
    run, _, code = rest.partition(":")
    if kind not in KIND_WORDS or not run.isdigit() or not code:
        return None
    return kind, int(run), code


def reference_to(segment: StoredSegment, kind: str) -> SegmentRef:
    """The reference a journey keeps to a stored segment or its persona card."""
    return SegmentRef(
        kind=kind,
        id=stored_segment_key(segment.run_id, segment.code),
        label=segment.name,
        run_id=segment.run_id,
        code=segment.code,
        run_name=segment.run_name,
    )


def _find(ref: SegmentRef, stored: Sequence[StoredSegment]) -> tuple[bool, StoredSegment | None]:
    """Whether the reference's run is stored (under the name it had), and its segment."""
    runs = [s for s in stored if s.run_id == ref.run_id]
    if not runs or (ref.run_name and runs[0].run_name != ref.run_name):
        return False, None
    return True, next((s for s in runs if s.code == ref.code), None)


def resolve_segment_ref(ref: SegmentRef, stored: Sequence[StoredSegment]) -> ResolvedSegment:
    """What a journey's reference means now, against the stored segments."""
    if not ref.stored:
        return ResolvedSegment(ref, DESCRIBED, ref.label, "", None)
    run_found, segment = _find(ref, stored)
    if segment is None:
        what = "segmentation" if not run_found else "segment"
        note = (
            f"This {what} has since been removed; the name shown is the one it had when it "
            "was chosen."
        )
        return ResolvedSegment(ref, "removed", ref.label, note, None)
    if segment.name != ref.label:
        note = f"This segment has since been renamed: it was “{ref.label}” when it was chosen."
        return ResolvedSegment(ref, "renamed", segment.name, note, segment.run_id)
    return ResolvedSegment(ref, "current", segment.name, "", segment.run_id)


def segment_ref_problems(
    ref: SegmentRef,
    stored: Sequence[StoredSegment],
    locate: Callable[[str], tuple[str, int | None, str]],
) -> list[Problem]:
    """Problems of a reference that is being made (chosen in a form or read from a file):
    ``unknown_segmentation`` (no stored run with that id, or it now has another name) or
    ``unknown_segment`` (the run has no such segment). ``locate(field)`` gives the file, row
    and column of ``run_id`` or ``code``.

    >>> from datetime import date
    >>> stored = [StoredSegment(3, "Autumn run", date(2026, 3, 12), 4, "2", "Renters")]
    >>> where = lambda field: ("j.json", None, f"segment.{field}")
    >>> ref = SegmentRef("segment", "s", "S", run_id=3, code="9")
    >>> [(p.column, p.rule) for p in segment_ref_problems(ref, stored, where)]
    [('segment.code', 'unknown_segment')]
    """
    if not ref.stored:
        return []
    runs = {s.run_id: s.run_name for s in stored}
    if ref.run_id not in runs:
        return [
            Problem(*locate("run_id"), "unknown_segmentation",
                    f"there is no stored segmentation {ref.run_id}: choose one listed on the "
                    "Segments page, or describe the persona in your own words")
        ]  # fmt: skip
    if ref.run_name and runs[ref.run_id] != ref.run_name:
        return [
            Problem(*locate("run_id"), "unknown_segmentation",
                    f"segmentation {ref.run_id} is “{runs[ref.run_id]}” here, not "
                    f"“{ref.run_name}”: the file was made where other segmentations are stored")
        ]  # fmt: skip
    if not any(s.run_id == ref.run_id and s.code == ref.code for s in stored):
        codes = ", ".join(s.code for s in stored if s.run_id == ref.run_id)
        return [
            Problem(*locate("code"), "unknown_segment",
                    f"segmentation “{runs[ref.run_id]}” has no segment {ref.code!r} "
                    f"(its segments: {codes})")
        ]  # fmt: skip
    return []
