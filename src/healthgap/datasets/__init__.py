"""Embedded SYNTHETIC demo data: a made-up country that behaves like England.

``generate_demo`` builds it as tidy tables (areas, population, deaths), ``load_demo``
returns cached tables, ``build_demo_workspace`` writes it as a workspace marked
``synthetic``. No figure in it is a real statistic; see ``docs/demo-data.md``.

``generate_mecc_demo`` builds the SYNTHETIC Making Every Contact Count organisations, logs,
training and staff health (:mod:`healthgap.datasets.mecc`, ``docs/mecc.md``).

>>> tables = load_demo("small")
>>> bool(tables["areas"]["area_name"].str.startswith("Synthetic").all())
True
"""

from healthgap.datasets.demo import (
    DEFAULT_FIRST_YEAR,
    DEFAULT_SEED,
    GENERATOR_VERSION,
    SYNTHETIC_LABEL,
    build_demo_workspace,
    demo_metadata,
    generate_demo,
    load_demo,
)
from healthgap.datasets.geography import COUNTRY_CODE
from healthgap.datasets.mecc import MECC_SYNTHETIC_LABEL, MeccDemo, generate_mecc_demo

__all__ = [
    "COUNTRY_CODE",
    "DEFAULT_FIRST_YEAR",
    "DEFAULT_SEED",
    "GENERATOR_VERSION",
    "MECC_SYNTHETIC_LABEL",
    "MeccDemo",
    "SYNTHETIC_LABEL",
    "build_demo_workspace",
    "demo_metadata",
    "generate_demo",
    "generate_mecc_demo",
    "load_demo",
]
