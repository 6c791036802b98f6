"""Corpus cases of text files: CSV encodings, dialects and structure, limits, every cell and
table rule, and files that conflict only with the tables they join."""

from __future__ import annotations

from corpus_tables import (
    AREAS_HEADER,
    DEATH_LABELS,
    DEATHS_HEADER,
    POP_HEADER,
    Builder,
    area_rows,
    csv_text,
    deaths_rows,
    population_rows,
    with_cell,
)


# -- CSV readers: encodings, dialects, structure, limits ------------------------------------
def csv_reader_cases(b: Builder) -> None:
    pop = population_rows()
    good = csv_text(POP_HEADER, pop)
    b.add("empty file", "empty_file", b.raw("empty.csv", b""))
    b.add("whitespace only", "empty_file", b.text("blank.csv", "  \n\n \t\n"))
    b.add("header only", "empty_file", b.text("header_only.csv", ",".join(POP_HEADER) + "\n"))
    b.add("latin-1", "wrong_encoding", b.text("latin1.csv", good.replace("male", "mâle", 1),
                                               encoding="latin-1"))  # fmt: skip
    b.add("utf-16 with BOM", "wrong_encoding", b.text("utf16.csv", good, encoding="utf-16"))
    b.add("utf-32", "wrong_encoding", b.text("utf32.csv", good, encoding="utf-32"))
    b.add("cp1252 pound sign", "wrong_encoding",
          b.text("cp1252.csv", csv_text(AREAS_HEADER, [["E06000001", "£ town", "la", ""]]),
                 encoding="cp1252"))  # fmt: skip
    b.add(
        "truncated UTF-8 character", "wrong_encoding", b.raw("cut.csv", good.encode() + b"\xe2\x82")
    )
    b.add(
        "NUL bytes",
        "unreadable_file",
        b.raw("nul.csv", good.encode().replace(b"1000", b"10\x000", 3)),
    )
    b.add("random binary", {"wrong_encoding", "unreadable_file"},
          b.raw("binary.csv", bytes(range(256)) * 40))  # fmt: skip
    b.add("gzip bytes named .csv", {"wrong_encoding", "unreadable_file"},
          b.raw("gz.csv", b"\x1f\x8b\x08\x00" + bytes(200)))  # fmt: skip
    first = good.splitlines()
    first[1] += ",1,2"
    b.add("extra cells in the first row", "unreadable_file",
          b.text("extra_first.csv", "\n".join(first) + "\n"))  # fmt: skip
    ragged = good.splitlines()
    ragged[5] += ",extra,cells"
    b.add("ragged row", "unreadable_file", b.text("ragged.csv", "\n".join(ragged) + "\n"))
    b.add(
        "unterminated quote",
        "unreadable_file",
        b.text(
            "quote.csv", good.replace("E06000002,2014,female,90", '"E06000002,2014,female,90', 1)
        ),
    )
    b.add(
        "semicolon dialect, bad count",
        "non_numeric",
        b.text("semicolon.csv", csv_text(POP_HEADER, with_cell(pop, 3, 4, "n/a"), sep=";")),
    )
    b.add(
        "tab dialect, negative count",
        "negative_count",
        b.text("tabs.tsv", csv_text(POP_HEADER, with_cell(pop, 7, 4, "-3"), sep="\t")),
    )
    b.add(
        "pipe dialect, unknown sex",
        "unknown_sex",
        b.text("pipes.csv", csv_text(POP_HEADER, with_cell(pop, 2, 2, "unknown"), sep="|")),
    )
    b.add(
        "BOM and CRLF, bad count",
        "non_numeric",
        b.text(
            "bom_crlf.csv",
            "\ufeff" + csv_text(POP_HEADER, with_cell(pop, 1, 4, "1O00"), end="\r\n"),
        ),
    )
    b.add(
        "CR-only line ends, bad count",
        "non_numeric",
        b.text("cr_only.csv", csv_text(POP_HEADER, with_cell(pop, 4, 4, "x"), end="\r")),
    )
    b.add(
        "quoted newline in a name, empty level",
        "missing_value",
        b.text("quoted.csv", 'area_code,area_name,level\nE06000001,"Hart\nlepool",\n'),
    )
    b.add("json file", "unsupported_format", b.text("data.json", '{"area_code": "E06000001"}'))
    b.add("no extension", "unsupported_format", b.text("population", good))
    b.add("excel 97 .xls", "unsupported_format", b.raw("old.xls", b"\xd0\xcf\x11\xe0" + bytes(100)))
    b.add("missing file", "file_not_found", b.folder / "does_not_exist.csv")
    (b.folder / "a_folder.csv").mkdir(exist_ok=True)
    b.add("a folder named .csv", "file_not_found", b.folder / "a_folder.csv")
    b.add("unrecognised headers", "unknown_layout", b.text("odd.csv", "foo,bar\n1,2\n"))
    b.add("only one column", "unknown_layout", b.text("one.csv", "area_code\nE06000001\n"))
    b.add(
        "huge cell",
        "cell_too_large",
        b.table("huge_cell.csv", POP_HEADER, with_cell(pop, 0, 2, "m" * 50_000)),
    )
    b.add(
        "huge header",
        "cell_too_large",
        b.text("huge_header.csv", "area_code," + "h" * 20_000 + "\nE06000001,1\n"),
    )
    b.add(
        "a long cell beyond the file size limit",
        "file_too_large",
        b.text("giant_cell.csv", "area_code,area_name,level\nE06000001," + "n" * 2_000 + ",la\n"),
        env={"HEALTHGAP_MAX_FILE_BYTES": "1500"},
    )
    wide = ",".join(f"c{i}" for i in range(1_500))
    b.add(
        "1,500 columns", "too_many_columns", b.text("wide.csv", wide + "\n" + "1," * 1_499 + "1\n")
    )
    b.add(
        "rows over the limit",
        "too_many_rows",
        b.table("long.csv", POP_HEADER, pop * 10),
        env={"HEALTHGAP_MAX_ROWS": "100"},
    )
    b.add(
        "file over the size limit",
        "file_too_large",
        b.table("big.csv", POP_HEADER, pop),
        env={"HEALTHGAP_MAX_FILE_BYTES": "500"},
    )
    b.add("duplicate header names", "duplicate_column",
          b.text("dup_header.csv", "area_code,period,sex,age_start,person_years,person_years\n"
                 "E06000001,2014,male,0,1,2\n"))  # fmt: skip


# -- cell and table rules -------------------------------------------------------------------
BAD_NUMBERS = ["many", "1.2.3", "inf", "-inf", "NaN", "1e400", "0x1F", "1/2", "١٢٣", "∞",
               "=1+1", "12%", "£5", "1e", "--1", "TRUE"]  # fmt: skip


def cell_rule_cases(b: Builder) -> None:
    pop = population_rows()
    deaths = deaths_rows()
    for i, value in enumerate(BAD_NUMBERS):
        b.add(f"person_years {value!r}", {"non_numeric", "implausible_value"},
              b.table(f"num_{i:02d}.csv", POP_HEADER, with_cell(pop, i, 4, value)))  # fmt: skip
    b.add(
        "empty count",
        "missing_value",
        b.table("empty_count.csv", POP_HEADER, with_cell(pop, 3, 4, "")),
    )
    b.add(
        "negative deaths",
        "negative_count",
        b.table("neg_deaths.csv", DEATHS_HEADER, with_cell(deaths, 9, 5, "-1")),
    )
    b.add(
        "1e300 person-years",
        "implausible_value",
        b.table("absurd.csv", POP_HEADER, with_cell(pop, 2, 4, "1e300")),
    )
    b.add(
        "two billion deaths",
        "implausible_value",
        b.table("absurd_deaths.csv", DEATHS_HEADER, with_cell(deaths, 2, 5, "2000000000")),
    )
    for i, sex in enumerate(["X", "[bold]M", "0", "unknown", "mal e", "男"]):
        b.add(
            f"sex {sex!r}",
            "unknown_sex",
            b.table(f"sex_{i}.csv", POP_HEADER, with_cell(pop, 4, 2, sex)),
        )
    for i, age in enumerate(["abc", "-5", "1.5", "ninety"]):
        b.add(f"age {age!r}", {"bad_age_band", "missing_age_band"},
              b.table(f"age_{i}.csv", POP_HEADER, with_cell(pop, 6, 3, age)))  # fmt: skip
    for i, period in enumerate(["twenty-twenty-four", "14", "2014x", "1700", "Q1 2014", "2014-"]):
        b.add(
            f"period {period!r}",
            {"bad_period", "missing_value"},
            b.table(f"period_{i}.csv", POP_HEADER, [[*r[:1], period, *r[2:]] for r in pop]),
        )
    b.add(
        "empty period",
        "missing_value",
        b.table("period_empty.csv", POP_HEADER, with_cell(pop, 0, 1, "")),
    )
    b.add(
        "empty area code",
        "missing_value",
        b.table("area_empty.csv", POP_HEADER, with_cell(pop, 0, 0, "")),
    )
    for i, cause in enumerate(["alien_abduction", "ALL", "cancer!", "Circulatory", "other,x"]):
        rows = with_cell(deaths, 5, 4, cause)
        b.add(f"cause {cause!r}", {"unknown_cause", "unreadable_file"},
              b.table(f"cause_{i}.csv", DEATHS_HEADER, rows))  # fmt: skip
    b.add("missing band", "missing_age_band", b.table("gap.csv", POP_HEADER, pop[:5] + pop[6:]))
    b.add("no band from 0", "missing_age_band", b.table("from1.csv", POP_HEADER, pop[1:]))
    b.add("duplicate key", "duplicate_key", b.table("dup.csv", POP_HEADER, [*pop, pop[10]]))
    b.add(
        "same key, other value",
        "duplicate_key",
        b.table("dup2.csv", POP_HEADER, [*pop, with_cell(pop, 3, 4, "7")[3]]),
    )
    b.add(
        "prevalence above 1",
        "out_of_range",
        b.table(
            "gh.csv",
            ["area_code", "period", "sex", "age_start", "prevalence"],
            [[a, p, s, age, "1.5" if age == "5" else "0.8"] for a, p, s, age, _ in pop],
        ),
    )
    b.add(
        "missing column with a given layout",
        "missing_column",
        b.table("no_count.csv", POP_HEADER[:4], [r[:4] for r in pop]),
        layout="population",
    )
    b.add(
        "unknown layout name",
        "unknown_layout",
        b.table("pop_layout.csv", POP_HEADER, pop),
        layout="no_such_layout",
    )
    spec = b.text("bad_spec.yaml", "table: population\ncolums: {}\n")
    b.add(
        "layout spec with a typo",
        "bad_layout",
        b.table("pop_spec.csv", POP_HEADER, pop),
        layout=str(spec),
    )
    spec2 = b.text("bad_yaml.yaml", "table: [population\n")
    b.add(
        "layout spec that is not YAML",
        "bad_layout",
        b.table("pop_yaml.csv", POP_HEADER, pop),
        layout=str(spec2),
    )
    overlap = [["area_code", "sex", "age_band", "deaths"]] + [
        ["E06000001", "M", label, "1"] for label in (*DEATH_LABELS, "3-7")
    ]
    b.add(
        "overlapping bands",
        "overlapping_age_bands",
        b.text("deaths_2014_overlap.csv", "\n".join(",".join(r) for r in overlap) + "\n"),
    )
    b.add(
        "age label unreadable",
        "bad_age_band",
        b.text("deaths_2014_label.csv", "area_code,sex,age_band,deaths\nE06000001,M,old,1\n"),
    )
    b.add("non-GSS code where GSS is declared", "bad_area_code",
          b.text("deaths_2014_gss.csv", "\n".join(
              ["area_code,sex,age_band,deaths",
               *[f"Hartlepool,M,{label},1" for label in DEATH_LABELS]]) + "\n"))  # fmt: skip
    ages = [str(a) for a in range(90)] + ["90+"]
    header = ["Code", "Name", "Geography", "All ages", *ages]
    mye = [["E06000001", "Hartlepool", "Unitary", "9999", *["1"] * 91]]
    b.add(
        "ages do not add up to all ages",
        "total_mismatch",
        b.table("mye_2014_males.csv", header, mye),
    )
    b.add("wide file with a bad age cell", "non_numeric",
          b.table("mye_2014_females.csv", header,
                  [["E06000001", "Hartlepool", "Unitary", "91", "x", *["1"] * 90]]))  # fmt: skip
    b.add("fingertips rows all breakdowns", "empty_file",
          b.text("fingertips.csv", "Indicator ID,Area Code,Sex,Time period,Value,Category Type\n"
                 "90366,E06000001,Male,2014,79.1,Deprivation deciles\n"))  # fmt: skip
    b.add("indicator value infinite", "implausible_value",
          b.table("ind.csv", ["area_code", "period", "sex", "indicator", "value"],
                  [["E06000001", "2014", "male", "le", "1e20"]]))  # fmt: skip
    b.add("areas: parent not an area", "unknown_parent",
          b.table("areas_parent.csv", ["area_code", "area_name", "level", "parent_ward"],
                  [["E01000001", "A 001A", "lsoa", "E05999999"],
                   ["E05000001", "A real ward", "ward", ""]]))  # fmt: skip
    b.add(
        "areas: duplicate code",
        "duplicate_key",
        b.table("areas_dup.csv", AREAS_HEADER, [*area_rows(), area_rows()[0]]),
    )
    b.add(
        "areas: empty name file",
        "missing_value",
        b.table("areas_empty_level.csv", AREAS_HEADER[:3], [["E06000001", "Hartlepool", ""]]),
    )


# -- against the stored workspace -----------------------------------------------------------
def cross_table_cases(b: Builder) -> None:
    """Files valid alone but not with the tables they join. The workspace's own areas and
    population files are given alongside, so ``validate`` sees the conflict too (and
    ``import`` finds them identical to what it stores)."""
    areas = b.table("ctx_areas.csv", AREAS_HEADER, area_rows())
    pop = b.table("ctx_population.csv", POP_HEADER, population_rows())
    b.add(
        "deaths for an area not in the areas",
        {"unknown_area", "deaths_without_population"},
        areas,
        pop,
        b.table("d_stranger.csv", DEATHS_HEADER, deaths_rows(areas=("E06000009",))),
    )
    b.add(
        "deaths above the stored population",
        "deaths_exceed_population",
        pop,
        b.table("d_over.csv", DEATHS_HEADER, deaths_rows(value="5000")),
    )
    b.add(
        "deaths for a year without population",
        "period_without_population",
        pop,
        b.table("d_2030.csv", DEATHS_HEADER, deaths_rows(period="2030")),
    )
    b.add(
        "population for an unknown area",
        "unknown_area",
        areas,
        b.table("p_stranger.csv", POP_HEADER, population_rows(areas=("E06000077",))),
    )
    b.add("deaths for a cell without population", "deaths_without_population",
          pop, b.table("d_cell.csv", DEATHS_HEADER,
                       [["E06000001", "2014", "persons", "0", "all", "2"]]))  # fmt: skip
    pop15 = b.table("p_both.csv", POP_HEADER, population_rows(period="2015"))
    deaths = b.table("d_both.csv", DEATHS_HEADER, deaths_rows(period="2015", value="2000"))
    b.add("two files, deaths above their population", "deaths_exceed_population", pop15, deaths)
    bad = b.table("p_mixed.csv", POP_HEADER, with_cell(population_rows(period="2016"), 0, 4, "?"))
    good = b.table("d_mixed.csv", DEATHS_HEADER, deaths_rows(period="2016"))
    b.add("one bad file among good ones", "non_numeric", bad, good)
