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
