"""Bad journeys and files get problems naming file, row, column and rule; good ones round-trip."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from journey_examples import small_journey

from healthgap.errors import InputError
from healthgap.journeys import (
    Journey,
    Touchpoint,
    check_journey,
    journey_from_dict,
    journey_problems,
    journey_to_dict,
    list_templates,
    load_template,
    read_journey,
    write_journey_csv,
    write_journey_json,
)

ALL = list_templates(include_worked_examples=True)


def _rules(journey: Journey) -> set[tuple[str | None, str]]:
    return {(p.column, p.rule) for p in journey_problems(journey)}


def test_a_valid_journey_has_no_problems(small: Journey) -> None:
    assert journey_problems(small) == []
    assert check_journey(small) is small


def test_emotion_out_of_range_unknown_stage_and_duplicate_order(small: Journey) -> None:
    touchpoints = list(small.touchpoints)
    touchpoints[0] = replace(touchpoints[0], emotion=2.5)
    touchpoints[1] = replace(touchpoints[1], stage="nowhere")
    touchpoints[2] = replace(touchpoints[2], emotion=-2.0)  # the edge is allowed
    stages = (small.stages[0], replace(small.stages[1], order=1))
    bad = replace(small, touchpoints=tuple(touchpoints), stages=stages)
    assert _rules(bad) == {
        ("touchpoints[1].emotion", "emotion_out_of_range"),
        ("touchpoints[2].stage", "unknown_stage"),
        ("stages[1].order", "duplicate_order"),
        ("stages[2].order", "duplicate_order"),
    }
    with pytest.raises(InputError, match="outside -2 to \\+2"):
        check_journey(bad)


def test_duplicate_touchpoint_order_ids_lanes_and_links(small: Journey) -> None:
    extra = Touchpoint("letter", "invited", 2, "Second letter", lane="garden")
    bad = replace(small, touchpoints=(*small.touchpoints, extra),
                  improvements=(replace(small.improvements[0], touchpoint="gone",
                                        status="someday"),))  # fmt: skip
    assert _rules(bad) == {
        ("touchpoints[1].id", "duplicate_id"),
        ("touchpoints[4].id", "duplicate_id"),
        ("touchpoints[2].order", "duplicate_order"),
        ("touchpoints[4].order", "duplicate_order"),
        ("touchpoints[4].lane", "unknown_lane"),
        ("improvements[1].touchpoint", "unknown_touchpoint"),
        ("improvements[1].status", "unknown_status"),
    }


def test_journey_level_rules(small: Journey) -> None:
    bad = replace(small, id="has space", kind="maybe", version=0, stages=(), touchpoints=(),
                  improvements=())  # fmt: skip
    assert {rule for _, rule in _rules(bad)} == {"bad_id", "unknown_kind", "bad_version",
                                                 "no_stages"}  # fmt: skip


@pytest.mark.parametrize("name", ALL)
def test_every_template_round_trips_through_json_yaml_and_csv(name: str, tmp_path: Path) -> None:
    journey = load_template(name)
    assert read_journey(write_journey_json(journey, tmp_path / "j.json")) == journey
    assert read_journey(write_journey_json(journey, tmp_path / "j.yaml")) == journey
    assert read_journey(write_journey_csv(journey, tmp_path / "csv")) == journey
    assert journey_from_dict(json.loads(json.dumps(journey_to_dict(journey)))) == journey


def test_small_journey_round_trips_with_every_field(small: Journey, tmp_path: Path) -> None:
    back = read_journey(write_journey_csv(small, tmp_path / "csv"))
    assert back == small
    assert back.improvements[0].assessment_action_id == "act-3"
    assert back.touchpoints[0].evidence[0].count == 4


def test_wrong_shapes_of_json(tmp_path: Path) -> None:
    path = tmp_path / "j.json"
    path.write_text("[1, 2]")
    with pytest.raises(InputError, match="wrong_shape"):
        read_journey(path)
    path.write_text('{"id": "x",\n "title": }')
    with pytest.raises(InputError) as caught:
        read_journey(path)
    assert caught.value.problems[0].rule == "bad_json" and caught.value.problems[0].row == 2
    data = journey_to_dict(small_journey())
    data["stages"] = {"not": "a list"}
    data["colour"] = "blue"
    data["touchpoints"][0]["emotion"] = "very sad"
    data["touchpoints"][0]["evidence"] = [{"quote": "x", "count": -3}]
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as caught:
        read_journey(path)
    found = {(p.file, p.column, p.rule) for p in caught.value.problems}
    assert found == {
        (str(path), "stages", "wrong_shape"),
        (str(path), "colour", "unknown_field"),
        (str(path), "touchpoints[1].emotion", "bad_number"),
        (str(path), "touchpoints[1].evidence[1].count", "bad_count"),
    }


def test_unsupported_or_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file_not_found"):
        read_journey(tmp_path / "nothing.json")
    (tmp_path / "j.txt").write_text("hello")
    with pytest.raises(InputError, match="unsupported_format"):
        read_journey(tmp_path / "j.txt")


def _edit_csv(path: Path, change) -> None:  # noqa: ANN001 - a small row editor
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_csv_problems_name_file_row_and_column(small: Journey, tmp_path: Path) -> None:
    folder = write_journey_csv(small, tmp_path / "csv")
    header = (folder / "touchpoints.csv").read_text().splitlines()[0].split(",")
    emotion, stage = header.index("emotion"), header.index("stage")

    def break_touchpoints(rows: list[list[str]]) -> None:
        rows[1][emotion] = "3"  # spreadsheet row 2: out of range
        rows[2][stage] = "nowhere"  # row 3: unknown stage
        rows[3][emotion] = "happy"  # row 4: not a number

    _edit_csv(folder / "touchpoints.csv", break_touchpoints)
    with pytest.raises(InputError) as caught:
        read_journey(folder)
    # Cell problems are reported first (the import stops before checking rules).
    assert [(Path(p.file).name, p.row, p.column, p.rule) for p in caught.value.problems] == [
        ("touchpoints.csv", 4, "emotion", "bad_number")
    ]
    _edit_csv(folder / "touchpoints.csv", lambda rows: rows[3].__setitem__(emotion, "1"))
    with pytest.raises(InputError) as caught:
        read_journey(folder)
    assert {(Path(p.file).name, p.row, p.column, p.rule) for p in caught.value.problems} == {
        ("touchpoints.csv", 2, "emotion", "emotion_out_of_range"),
        ("touchpoints.csv", 3, "stage", "unknown_stage"),
    }


def test_csv_folder_of_the_wrong_shape(small: Journey, tmp_path: Path) -> None:
    folder = write_journey_csv(small, tmp_path / "csv")
    _edit_csv(folder / "stages.csv", lambda rows: rows[0].__setitem__(0, "identifier"))
    (folder / "evidence.csv").write_text("touchpoint,quote,count,source\nghost,hi,1,x\n")
    _edit_csv(folder / "journey.csv", lambda rows: rows.append(rows[1]))
    with pytest.raises(InputError) as caught:
        read_journey(folder)
    assert {(Path(p.file).name, p.column, p.rule) for p in caught.value.problems} == {
        ("stages.csv", "id", "missing_column"),
        ("stages.csv", "identifier", "unknown_column"),
    }
    _edit_csv(folder / "stages.csv", lambda rows: rows[0].__setitem__(0, "id"))
    with pytest.raises(InputError, match="exactly one data row"):
        read_journey(folder)
    _edit_csv(folder / "journey.csv", lambda rows: rows.pop())
    with pytest.raises(InputError) as caught:
        read_journey(folder)
    assert [(Path(p.file).name, p.row, p.rule) for p in caught.value.problems] == [
        ("evidence.csv", 2, "unknown_touchpoint")
    ]
    (folder / "touchpoints.csv").unlink()
    with pytest.raises(InputError, match="missing_file"):
        read_journey(folder)


def test_evidence_problem_points_at_its_evidence_row(small: Journey, tmp_path: Path) -> None:
    folder = write_journey_csv(small, tmp_path / "csv")
    (folder / "evidence.csv").write_text(
        "touchpoint,quote,count,source\nvisit,ok,2,a\nletter,fine,-1,b\n"
    )
    with pytest.raises(InputError) as caught:
        read_journey(folder)
    assert [(Path(p.file).name, p.row, p.column, p.rule) for p in caught.value.problems] == [
        ("evidence.csv", 3, "count", "bad_count")
    ]


def test_templates_are_marked_and_the_example_is_synthetic() -> None:
    for name in list_templates():
        journey = load_template(name)
        assert journey.reconstructed and "Reconstructed" in journey.provenance
        assert not journey.synthetic
        assert journey.kind == "as_is" and len(journey.touchpoints) >= 8
        assert any(t.moment_of_truth for t in journey.touchpoints)
        assert sum(s.funnel_step is not None for s in journey.stages) >= 3
    demo, redesign = load_template("demo_health_check"), load_template("demo_health_check_to_be")
    assert demo.synthetic and redesign.synthetic and redesign.based_on == demo.id
    assert all(s.count is None for s in demo.stages)  # counts come from service data
    assert [s.funnel_step for s in demo.ordered_stages()][:4] == [
        "invited", "booked", "attended", "completed"]  # fmt: skip
    text = yaml.safe_load((Path(__file__).parents[2] / "src/healthgap/journeys/templates/"
                           "demo_health_check.yaml").read_text())  # fmt: skip
    assert text["service"] == demo.service == "nhs_health_check"


def test_unknown_template_is_refused() -> None:
    with pytest.raises(InputError, match="unknown_template"):
        load_template("astrology")
