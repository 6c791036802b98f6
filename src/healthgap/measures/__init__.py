"""Measures: life expectancy, healthy life expectancy, rates, comparisons and inequality.

One module per measure; each public function takes a tidy DataFrame and returns the
keys plus ``value``, ``lowercl``, ``uppercl`` (or named levels), ``confidence``,
``statistic`` and ``method``.
"""

from healthgap.measures.comparisons import compare
from healthgap.measures.deprivation_gap import deprivation_gap, deprivation_group_life_expectancy
from healthgap.measures.dsr import directly_standardised_rate
from healthgap.measures.healthy_life_expectancy import healthy_life_expectancy
from healthgap.measures.isr import indirectly_standardised_rate, indirectly_standardised_ratio
from healthgap.measures.life_expectancy import life_expectancy
from healthgap.measures.life_table import LifeTable, chiang_life_table
from healthgap.measures.proportions import proportion
from healthgap.measures.rates import crude_rate
from healthgap.measures.sii import slope_index_of_inequality

__all__ = [
    "LifeTable",
    "chiang_life_table",
    "compare",
    "crude_rate",
    "deprivation_gap",
    "deprivation_group_life_expectancy",
    "directly_standardised_rate",
    "healthy_life_expectancy",
    "indirectly_standardised_rate",
    "indirectly_standardised_ratio",
    "life_expectancy",
    "proportion",
    "slope_index_of_inequality",
]
