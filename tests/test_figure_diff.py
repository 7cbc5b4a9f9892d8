"""`pmr diff`: the figures that differ between two versions of metrics.csv, worked out
by hand on three figures a side."""

import csv

from pmr.cli import main
from pmr.metrics import CSV_COLUMNS


def write_metrics(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: "" for c in CSV_COLUMNS} | {"requirement": "R1", "kind": "measure",
                                                             "period": "2026-10"} | row)


def figure(metric_id, value, **breakdown):
    return {"metric_id": metric_id, "value": value, "unit": "pct", **breakdown}


def test_changed_figures_and_figures_of_one_version_only(tmp_path, capsys):
    old, new = tmp_path / "old" / "metrics.csv", tmp_path / "new" / "metrics.csv"
    write_metrics(old, [figure("rsvp.pct_within_trt", "97.5", segment="North"),
                        figure("rsvp.pct_within_trt", "90", segment="South", target="99"),
                        figure("cos.pct_success", "80", segment="All")])
    write_metrics(new, [figure("rsvp.pct_within_trt", "97.5", segment="North"),
                        figure("rsvp.pct_within_trt", "91.25", segment="South", target="98"),
                        figure("cos.pct_success", "80", segment="All", day="2026-10-05")])

    assert main(["diff", str(old.parent), str(new)]) == 1  # a folder holding metrics.csv, or the file
    printed = capsys.readouterr().out
    assert "1 changed, 1 only in old, 1 only in new, 1 unchanged\n" in printed
    assert main(["diff", "--csv", str(old), str(new)]) == 1
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [(r["change"], r["metric_id"], r["segment"], r["day"], r["column"], r["old"], r["new"], r["difference"])
            for r in rows] == [
        ("only in old", "cos.pct_success", "All", "", "value", "80", "", ""),
        ("only in new", "cos.pct_success", "All", "2026-10-05", "value", "", "80", ""),
        ("changed", "rsvp.pct_within_trt", "South", "", "value", "90", "91.25", "+1.25"),
        ("changed", "rsvp.pct_within_trt", "South", "", "target", "99", "98", "-1")]


def test_the_same_figures_exit_0_and_a_file_that_is_no_metrics_csv_exits_2(tmp_path, capsys):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for path in (first, second):
        write_metrics(path, [figure("rsvp.volume", "12", segment="All")])
    assert main(["diff", str(first), str(second)]) == 0
    assert "0 changed, 0 only in old, 0 only in new, 1 unchanged" in capsys.readouterr().out

    (tmp_path / "quality.csv").write_text("source,file,rows_read\n")
    assert main(["diff", str(first), str(tmp_path / "quality.csv")]) == 2
    assert "not a metrics.csv (no column metric_id" in capsys.readouterr().err
    assert main(["diff", str(first), str(tmp_path)]) == 2
    assert f"{tmp_path}: no metrics.csv in it" in capsys.readouterr().err
    write_metrics(second, [figure("rsvp.volume", "12", segment="All"), figure("rsvp.volume", "13", segment="All")])
    assert main(["diff", str(first), str(second)]) == 2
    assert "the figure metric_id=rsvp.volume, period=2026-10, segment=All appears twice" in capsys.readouterr().err


def test_two_months_are_compared_month_on_month(tmp_path, capsys):
    """Last month's report against this month's: each monthly figure against the same
    metric and breakdown's, the daily figures (of other days) left out."""
    september, october = tmp_path / "2026-09" / "metrics.csv", tmp_path / "2026-10" / "metrics.csv"
    write_metrics(september, [{**figure("rsvp.pct_within_trt", "97.5", segment="North"), "period": "2026-09"},
                              {**figure("rsvp.pct_within_trt", "90", segment="South", target="99"),
                               "period": "2026-09"},
                              {**figure("cos.pct_success", "80", segment="All"), "period": "2026-09"},
                              {**figure("rsvp.volume", "10", segment="North", day="2026-09-05"),
                               "period": "2026-09"}])
    write_metrics(october, [figure("rsvp.pct_within_trt", "97.5", segment="North"),
                            figure("rsvp.pct_within_trt", "91.25", segment="South", target="99"),
                            figure("pp.devices_read", "5", segment="All"),
                            figure("rsvp.volume", "12", segment="North", day="2026-10-05")])

    assert main(["diff", str(september.parent), str(october.parent)]) == 1
    printed = capsys.readouterr().out
    assert ("month on month, 2026-09 against 2026-10: each monthly figure against the same metric and breakdown's; "
            "2 daily figures left out (their days differ)\n") in printed
    assert "1 changed, 1 only in old, 1 only in new, 1 unchanged\n" in printed
    assert main(["diff", "--csv", str(september), str(october)]) == 1
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [(r["change"], r["metric_id"], r["period"], r["segment"], r["column"], r["old"], r["new"], r["difference"])
            for r in rows] == [
        ("only in old", "cos.pct_success", "2026-09", "All", "value", "80", "", ""),
        ("only in new", "pp.devices_read", "2026-10", "All", "value", "", "5", ""),
        ("changed", "rsvp.pct_within_trt", "2026-10", "South", "value", "90", "91.25", "+1.25")]


def test_a_version_cut_short_is_refused_not_read_as_figures_that_moved(tmp_path, capsys):
    """Cut in its last figure's value, 97.5 read as 97 and the figure after as removed."""
    import json

    old, new = tmp_path / "old" / "metrics.csv", tmp_path / "new" / "metrics.csv"
    rows = [figure("rsvp.pct_within_trt", "97.5", segment="North"), figure("cos.pct_success", "80", segment="All")]
    write_metrics(old, rows)
    write_metrics(new, rows)
    text = new.read_text()
    new.write_text(text[:text.index("97.5") + 2])  # "97"
    assert main(["diff", str(old), str(new)]) == 2
    assert capsys.readouterr().err == f"error: {new}: damaged: its last line is cut short\n"
    # cut at a line ending: the run log beside it says how many figures its run collected
    new.write_text(text[:text.index("\n", text.index("97.5")) + 1])
    assert main(["diff", str(old), str(new)]) == 1  # no run log: one figure only in old
    (new.parent / "run-log.json").write_text(json.dumps({"steps": [{"step": "collect metrics", "rows": 2}]}))
    assert main(["diff", str(old), str(new)]) == 2
    assert capsys.readouterr().err == f"error: {new}: damaged: it holds 1 figure where its run log says 2\n"
