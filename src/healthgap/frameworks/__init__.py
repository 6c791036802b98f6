"""Frameworks: flag areas by declarative rules and track gaps against targets."""

from healthgap.frameworks.area_indicators import spearhead_indicators
from healthgap.frameworks.classification import (
    ClassificationRule,
    Criterion,
    apply_rule,
    load_rule,
    wide_to_indicators,
)
from healthgap.frameworks.targets import TargetAssessment, assess_gap_target

__all__ = [
    "ClassificationRule",
    "Criterion",
    "TargetAssessment",
    "apply_rule",
    "assess_gap_target",
    "load_rule",
    "spearhead_indicators",
    "wide_to_indicators",
]
