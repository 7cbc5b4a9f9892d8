"""The reference tables' files (seeds/*.csv) as pmr reads them before anything is built
(pmr.seed_checks, through check_seed_files): each fault named by file and line instead
of a traceback or a shifted column. What dbt's seed tests hold: test_seeds.py."""

import pytest

from pmr.metric_declarations import MetricDefinitionError


def test_a_seed_line_with_a_comma_too_many_is_named_by_its_line(tmp_path):
    from pmr.metric_declarations import check_seed_files

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "service_levels.csv").write_text("service_level,target,minimum,unit,description,source\n"
                                              "a,99,96,pct,A,x\n"
                                              "b,99,5,97,pct,B,x\n")  # 99,5: a comma as the decimal point
    (seeds / "srv_catalogue.csv").write_text('srv,name,source\n2.2,"Top Up Device, prepayment",x\n')  # quoted: fine
    with pytest.raises(MetricDefinitionError) as refused:
        check_seed_files(tmp_path)
    assert str(refused.value).startswith("seeds/service_levels.csv line 3: 7 values, the header has 6 (a comma")


def test_a_seed_saved_with_a_byte_order_mark_or_not_in_utf8_is_named(tmp_path):
    """As a spreadsheet saves "CSV UTF-8" (a byte-order mark, which became part of the
    first column's name: pmr check ended in a KeyError) or a legacy code page (a pound
    sign as one byte); CRLF line ends are fine."""
    from pmr.metric_declarations import check_seed_files

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "parameters.csv").write_bytes(b"\xef\xbb\xbfparameter,value,unit\r\nalert_trt_s,60,s\r\n")
    (seeds / "service_levels.csv").write_bytes(b"service_level,description\r\na,fine\r\nb,costs \xa35\r\n")
    (seeds / "srv_catalogue.csv").write_bytes(b"srv,name\r\n2.2,Top Up Device\r\n")  # CRLF: fine
    with pytest.raises(MetricDefinitionError) as refused:
        check_seed_files(tmp_path)
    assert str(refused.value) == (
        "seeds/parameters.csv starts with a byte-order mark (a spreadsheet's \"CSV UTF-8\" writes one), which would "
        "become part of its first column's name: save it as UTF-8 without one; seeds/service_levels.csv line 3: not "
        "UTF-8 (byte 0xa3): save it as UTF-8")


def test_a_seed_whose_header_lacks_a_column_is_named_with_its_separator(tmp_path):
    """Saved with semicolons, parameters.csv is one column, and its rows were read as
    lacking `value` (a KeyError traceback); a column renamed is named the same way."""
    from pmr.metric_declarations import check_seed_files

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "_seeds.yml").write_text("version: 2\nseeds:\n  - name: parameters\n    columns:\n"
                                      "      - name: parameter\n      - name: value\n      - name: unit\n"
                                      "  - name: service_levels\n    columns:\n      - name: service_level\n"
                                      "      - name: target\n")
    (seeds / "parameters.csv").write_text("parameter;value;unit\nalert_trt_s;60;s\n")
    (seeds / "service_levels.csv").write_text("service_level,goal,note\na,99,x\n")
    (seeds / "srv_catalogue.csv").write_text("srv,name\n2.2,Top Up Device\n")  # not in the YAML: not held
    with pytest.raises(MetricDefinitionError) as refused:
        check_seed_files(tmp_path)
    assert str(refused.value) == (
        "seeds/parameters.csv line 1: the header lacks parameter, value, unit (separated by semicolons? a seed is "
        "comma-separated); seeds/service_levels.csv line 1: the header lacks target")


def test_a_seed_value_not_of_its_column_type_is_named_by_line(tmp_path):
    """Types from dbt_project.yml's column_types. A date as a spreadsheet writes it
    stopped dbt's seed load with 20 lines of DuckDB reader settings, and `pmr run` and
    `pmr deadline` with a bare "Invalid isoformat string"; 1.5 as a Target Response
    Time in whole seconds would have loaded as 2. TRUE (a spreadsheet's) and an empty
    value (NULL) are fine."""
    from pmr.metric_declarations import SeedFileError, check_seed_files
    from tests.helpers import copy_project

    project = copy_project(tmp_path / "project")
    seeds = project / "seeds"
    holidays = seeds / "uk_bank_holidays.csv"
    lines = holidays.read_text().splitlines(keepends=True)
    lines[1] = "25/12/2026,Christmas Day,x\n"
    lines[2] = "2026-02-30,Not a day,x\n"
    holidays.write_text("".join(lines))
    catalogue = seeds / "srv_catalogue.csv"
    lines = catalogue.read_text().splitlines(keepends=True)
    assert lines[1].startswith("1.1.1,Update Import Tariff (Primary Element),true,true,true,false,false,true,30,,")
    lines[1] = lines[1].replace(",true,true,true,false,false,true,30,,", ",TRUE,yes,true,false,false,true,1.5,,")
    catalogue.write_text("".join(lines))
    parameters = seeds / "parameters.csv"
    parameters.write_text(parameters.read_text().replace("alert_trt_s,60,", "alert_trt_s,60s,"))
    with pytest.raises(SeedFileError) as refused:
        check_seed_files(project)
    assert str(refused.value) == (
        "seeds/parameters.csv line 3: value '60s' is not a number with a point for decimals (99.5); "
        "seeds/srv_catalogue.csv line 2: is_on_demand 'yes' is not true or false; "
        "seeds/srv_catalogue.csv line 2: trt_s '1.5' is not a whole number; "
        "seeds/uk_bank_holidays.csv line 2: holiday_date '25/12/2026' is not a date written YYYY-MM-DD; "
        "seeds/uk_bank_holidays.csv line 3: holiday_date '2026-02-30' is not a date written YYYY-MM-DD")


def test_the_calendar_names_a_holiday_not_written_as_a_date(tmp_path):
    """`pmr deadline` and `pmr run` read the holidays before any seed check runs."""
    from pmr.calendar import bank_holidays

    seed = tmp_path / "uk_bank_holidays.csv"
    seed.write_text("holiday_date,holiday_name,source\n2026-12-25,Christmas Day,x\n28/12/2026,Boxing Day,x\n")
    with pytest.raises(ValueError, match=r"^seeds/uk_bank_holidays.csv line 3: holiday_date '28/12/2026' is not a "
                                         r"date written YYYY-MM-DD$"):
        bank_holidays(seed)


def test_a_seed_dbt_cannot_load_is_named_without_the_readers_settings(tmp_path):
    """What the checks above miss still stops dbt: its message keeps DuckDB's line, value
    and column, not the reader settings after them (about 20 lines)."""
    import duckdb

    from pmr.project_check import _without_reader_settings

    table = tmp_path / "table.csv"
    table.write_text("day,name\n2026-01-01,x\nsoon,y\n")
    with pytest.raises(duckdb.ConversionException) as failed:
        duckdb.connect().execute("select * from read_csv(?, columns={'day': 'DATE', 'name': 'VARCHAR'}, header=true)",
                                 [str(table)]).fetchall()
    assert "sample_size" in str(failed.value)
    assert _without_reader_settings(str(failed.value)) == (
        "Conversion Error: CSV Error on Line: 3\nOriginal Line: soon,y\n"
        "Error when converting column \"day\". Could not convert string \"soon\" to 'DATE'")
    assert _without_reader_settings("Binder Error: a\n\nb") == "Binder Error: a\n\nb"


def test_a_parameter_whose_unit_is_not_its_names_is_refused(tmp_path):
    """The SQL reads a parameter's number as its name's unit: the alert target changed to
    "1, min" was applied as 1 second while the report's title said 60 s."""
    from pmr.metric_declarations import check_declarations
    from tests.helpers import copy_project

    project = copy_project(tmp_path / "project")
    seed = project / "seeds" / "parameters.csv"
    text = seed.read_text()
    assert "\nalert_trt_s,60,s," in text
    seed.write_text(text.replace("\nalert_trt_s,60,s,", "\nalert_trt_s,1,min,") + "night_window,3600,s,Night,x\n")
    with pytest.raises(MetricDefinitionError) as refused:
        check_declarations(project)
    assert str(refused.value).startswith(
        "seeds/parameters.csv: alert_trt_s is in min, its name says s; night_window is in s, which its name does not "
        "end in (_s). The SQL reads a value as its name's unit")
