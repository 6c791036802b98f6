"""Individual and consensus rounds: ratings checked against the scale, evidence flagged, the
spread counted (never averaged), the weakest link and strengths named."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthgap.assessment import (
    Assessment,
    Consensus,
    Rating,
    Scope,
    check_consensus,
    check_rating,
    check_scope,
    evidence_flags,
    rating_counts,
    shipped_catalogue,
    spread_table,
    strengths,
    weakest_link,
)
from healthgap.errors import InputError

HINST = shipped_catalogue().get("hinst_cbo")
NSMC = shipped_catalogue().get("nsmc_benchmarks")
SCOPE = Scope("E06000001", "CVD", "2025")
AREAS = [item.id for item in HINST.top_items()]


def _assessment(ratings=(), consensus=(), mode="quick") -> Assessment:
    return Assessment("hinst_cbo", "1.0", SCOPE, mode, ratings=tuple(ratings),
                      consensus=tuple(consensus))  # fmt: skip


def test_rating_outside_the_scale_is_refused_with_the_allowed_levels() -> None:
    with pytest.raises(InputError) as caught:
        check_rating(HINST, Rating("ann", "known_needs", "5"))
    problem = caught.value.problems[0]
    assert problem.rule == "level_not_on_scale"
    assert "0 (Not in place)" in problem.message and "dont_know" in problem.message


def test_unknown_item_mode_and_confidence() -> None:
    with pytest.raises(InputError) as caught:
        check_rating(HINST, Rating("ann", "nothing", "2"))
    assert caught.value.problems[0].rule == "unknown_item"
    with pytest.raises(InputError) as caught:
        check_rating(HINST, Rating("ann", "known_needs_groups", "2", confidence="sure"),
                     mode="quick")  # fmt: skip
    assert {p.rule for p in caught.value.problems} == {"unknown_item", "unknown_confidence"}
    ok = check_rating(HINST, Rating("ann", "known_needs_groups", "2", confidence="High"),
                      mode="full")  # fmt: skip
    assert ok.confidence == "high"


def test_dont_know_is_not_the_lowest_level() -> None:
    rated = check_rating(HINST, Rating("ann", "known_needs", " dont_know "))
    assert rated.level == "dont_know" and HINST.scale.value_of(rated.level) is None
    table = spread_table(HINST, _assessment([rated, Rating("bob", "known_needs", "0")]))
    row = table.set_index("item_id").loc["known_needs"]
    assert (row["ratings"], row["dont_know"], row["lowest_label"]) == (1, 1, "Not in place")


def test_nsmc_requires_evidence_but_not_for_dont_know() -> None:
    with pytest.raises(InputError) as caught:
        check_rating(NSMC, Rating("ann", "exchange", "partly_met", evidence=(" ",)))
    assert caught.value.problems[0].rule == "evidence_required"
    assert check_rating(NSMC, Rating("ann", "exchange", "dont_know")).level == "dont_know"


def test_consensus_needs_a_reason_and_a_real_target() -> None:
    with pytest.raises(InputError) as caught:
        check_consensus(HINST, Consensus("known_needs", "9", " ", target="dont_know"))
    assert {p.rule for p in caught.value.problems} == {"level_not_on_scale", "missing_reason"}


def test_scope_needs_a_gss_code() -> None:
    assert check_scope(Scope(" E54000008 ", "tobacco", "2024/25")).place_code == "E54000008"
    with pytest.raises(InputError) as caught:
        check_scope(Scope("Hartlepool", "", "2025"))
    assert {p.rule for p in caught.value.problems} == {"bad_area_code", "missing_field"}


def test_spread_counts_extremes_and_disagreement_by_hand() -> None:
    ratings = [
        Rating("a", "known_needs", "1", evidence=("JSNA",)), Rating("b", "known_needs", "3"),
        Rating("c", "known_needs", "1"),  # 1 vs 3: two apart, red vs green
        Rating("a", "expressed_demand", "3"), Rating("b", "expressed_demand", "4"),
        Rating("a", "accessibility", "2"), Rating("b", "accessibility", "3"),  # amber vs green
    ]  # fmt: skip
    table = spread_table(HINST, _assessment(ratings)).set_index("item_id")
    need = table.loc["known_needs"]
    assert need["counts"] == ("Not in place: 0; Early: 2; Developing: 0; Established: 1; "
                              "Exemplary: 0")  # fmt: skip
    assert (need["lowest_label"], need["highest_label"], need["levels_apart"]) == (
        "Early", "Established", 2)  # fmt: skip
    assert bool(need["disagreement"]) and need["without_evidence"] == 2
    assert not table.loc["expressed_demand", "disagreement"]  # both green, one level apart
    assert table.loc["accessibility", "disagreement"]  # adjacent but in two RAG bands
    assert table.loc["balanced_portfolio", "ratings"] == 0
    assert list(table.index) == AREAS  # framework order, never sorted by rating


def test_a_later_rating_replaces_the_earlier_one() -> None:
    ratings = [Rating("a", "known_needs", "0"), Rating("a", "known_needs", "4")]
    counts = rating_counts(HINST, _assessment(ratings))
    need = counts[counts["item_id"] == "known_needs"].set_index("level")["count"]
    assert need["4"] == 1 and need["0"] == 0 and need.sum() == 1


def test_weakest_link_names_every_tie_and_strengths_are_green() -> None:
    agreed = [Consensus(a, lv, "agreed") for a, lv in
              zip(AREAS, ["3", "1", "4", "1", "2", "3", "3", "dont_know", "2", "3", "4", "2"],
                  strict=True)]  # fmt: skip
    done = _assessment(consensus=agreed)
    weakest = weakest_link(HINST, done)
    assert list(weakest["item_name"]) == ["Expressed demand", "Responsive services"]
    assert set(weakest["level_label"]) == {"Early"}
    strong = strengths(HINST, done)
    assert list(strong["item_id"]) == [
        a for a, lv in zip(AREAS, [c.level for c in agreed], strict=True) if lv in ("3", "4")
    ]
    assert weakest_link(HINST, _assessment()).empty


def test_sub_questions_never_become_the_weakest_link() -> None:
    agreed = [Consensus("known_needs", "2", "x"), Consensus("known_needs_groups", "0", "x")]
    assert list(weakest_link(HINST, _assessment(consensus=agreed, mode="full"))["item_id"]) == [
        "known_needs"
    ]


def test_evidence_flags_for_people_and_for_the_group() -> None:
    ratings = [Rating("a", "known_needs", "2", evidence=("JSNA",)), Rating("b", "known_needs",
               "3"), Rating("b", "cost_effectiveness", "dont_know")]  # fmt: skip
    agreed = [Consensus("known_needs", "2", "x"), Consensus("expressed_demand", "1", "x")]
    flags = evidence_flags(HINST, _assessment(ratings, agreed))
    assert list(zip(flags["item_id"], flags["round"], flags["who"], strict=True)) == [
        ("known_needs", "individual", "b"), ("expressed_demand", "consensus", "group"),
    ]  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdefg"), st.sampled_from(AREAS[:4]),
                          st.sampled_from([*HINST.scale.keys])), max_size=40))  # fmt: skip
def test_spread_invariants(draws: list[tuple[str, str, str]]) -> None:
    ratings = [Rating(p, item, level) for p, item, level in draws]
    done = _assessment(ratings)
    table = spread_table(HINST, done).set_index("item_id")
    counts = rating_counts(HINST, done)
    latest = {(p, item): level for p, item, level in draws}
    per_item = counts.groupby("item_id")["count"].sum()
    for item in AREAS:
        given_here = [lv for (_, it), lv in latest.items() if it == item]
        assert per_item[item] == len(given_here)
        row = table.loc[item]
        assert row["ratings"] + row["dont_know"] + row["not_applicable"] == len(given_here)
        on_scale = sorted(int(lv) for lv in given_here if lv.isdigit())
        if on_scale:
            assert (
                HINST.scale.value_of(row["lowest_level"]),
                HINST.scale.value_of(row["highest_level"]),
            ) == (on_scale[0], on_scale[-1])
        assert row["disagreement"] == (bool(on_scale) and (
            on_scale[-1] - on_scale[0] >= 2 or len({HINST.scale.level(str(v)).rag
                                                    for v in on_scale}) > 1))  # fmt: skip
    # reordering people's ratings (keeping each person's latest) changes nothing
    shuffled = _assessment([Rating(p, item, lv) for (p, item), lv in sorted(latest.items())])
    pd.testing.assert_frame_equal(spread_table(HINST, shuffled).set_index("item_id"), table)
