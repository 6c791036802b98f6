"""The SYNTHETIC MECC demo: labelled, deterministic for a seed, and valid under every check
that real data goes through."""

from __future__ import annotations

import pandas as pd
import pytest

from healthgap.datasets import MECC_SYNTHETIC_LABEL, generate_mecc_demo
from healthgap.engage.mecc import entries_from_frame
from healthgap.engage.mecc_directory import MeccDirectory
from healthgap.engage.training import check_training
from healthgap.errors import InputError


@pytest.fixture(scope="module")
def demo():
    return generate_mecc_demo()


def test_same_seed_same_tables_other_seed_other_tables(demo) -> None:
    again = generate_mecc_demo()
    for name in ("logs", "training", "scores", "staff_health", "referrals_received"):
        pd.testing.assert_frame_equal(getattr(demo, name), getattr(again, name))
    other = generate_mecc_demo(seed=7)
    assert not other.logs["client_id"].isin(demo.logs["client_id"]).any()
    assert len(other.logs) != len(demo.logs)


def test_it_says_synthetic_and_covers_the_five_organisations(demo) -> None:
    assert demo.synthetic and demo.label == MECC_SYNTHETIC_LABEL == "SYNTHETIC MECC demo"
    orgs = demo.directory.organisations
    assert orgs["name"].str.startswith("Synthetic").all()
    assert set(orgs["org_type"]) == {
        "acute_trust",
        "community_provider",
        "primary_care",
        "local_authority",
        "fire_rescue",
    }
    assert orgs["area_code"].str.startswith("E06999").all()  # not a real area code range
    assert (demo.logs["contact_date"].min().date(), demo.logs["contact_date"].max().date()) >= (
        demo.start,
        demo.start,
    )
    assert demo.logs["contact_date"].max().date() <= demo.end
    assert (demo.end - demo.start).days == 363


def test_every_table_passes_the_checks_real_data_meets(demo) -> None:
    MeccDirectory(
        demo.directory.organisations, demo.directory.teams, demo.directory.staff
    ).checked()
    entries = entries_from_frame(demo.logs, today=demo.end, directory=demo.directory)
    assert len(entries) == len(demo.logs) == demo.logs["client_id"].nunique()
    check_training(demo.training, demo.scores, directory=demo.directory, today=demo.end)
    with pytest.raises(InputError) as caught:
        entries_from_frame(demo.logs.head(3).assign(topics="gossip"), today=demo.end)
    assert [(p.row, p.rule) for p in caught.value.problems] == [
        (2, "unknown_topic"),
        (3, "unknown_topic"),
        (4, "unknown_topic"),
    ]


def test_scale_changes_the_number_of_staff() -> None:
    small = generate_mecc_demo(scale=0.1, weeks=4)
    assert len(small.directory.staff) < 100
    assert small.logs["contact_date"].max().date() <= small.end
