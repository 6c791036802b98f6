"""Vega-Lite v5 chart specifications for explaining gaps (dicts; render with ``render.py``).

Every chart names the comparator in its title and legend, uses the Okabe-Ito
colour-blind-safe palette, carries text labels so colour is never the only cue, and
says SYNTHETIC in its subtitle when drawn from synthetic data.

- :func:`contributions_chart`: Segment-style bars of contributions by age band and cause;
- :func:`scarf_chart`: the "scarf", each cause's share of the gap as a 100% bar;
- :func:`gap_trend_chart`: the gap per period with CIs, trend, projection and target line;
- :func:`sii_chart`: group values with CIs and the fitted slope index of inequality line.

>>> import pandas as pd
>>> rows = pd.DataFrame({"age_start": [0, 0], "age_band": ["0", "0"],
...                      "cause": ["cancer", "other"], "contribution": [0.2, 0.1]})
>>> spec = contributions_chart(rows, base_label="Area A", comparator_label="England")
>>> spec["title"]["text"]
'Contributions to the life expectancy gap: Area A vs England'
"""

from __future__ import annotations

from healthgap.reports.chart_style import OKABE_ITO
from healthgap.reports.chart_style import SCHEMA as SCHEMA
from healthgap.reports.chart_style import SYNTHETIC_NOTE as SYNTHETIC_NOTE
from healthgap.reports.decomposition_charts import contributions_chart, scarf_chart
from healthgap.reports.trend_charts import gap_trend_chart, sii_chart

__all__ = [
    "OKABE_ITO",
    "contributions_chart",
    "gap_trend_chart",
    "scarf_chart",
    "sii_chart",
]
