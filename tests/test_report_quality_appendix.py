"""The data-quality appendix of the report (reports/sections/quality.py): shares of
quarantined rows and the publication gate's warnings, on hand-made inputs."""


def test_a_share_above_zero_never_reads_zero():
    from reports.sections.quality import _share

    assert (_share(5, 1_000_000), _share(0, 10), _share(1, 4), _share(0, 0)) == ("<0.01%", "0.00%", "25.00%", "–")


def test_a_warning_names_the_tool_that_checked_it_in_full():
    import pandas as pd

    from pmr.gate import CheckResult
    from reports.sections import quality

    class Context:
        checks = [CheckResult("ids_without_conflicts", "gx", passed=False, blocking=False, detail="2 ids"),
                  CheckResult("unique_fct_alerts", "dbt", passed=False, blocking=False, detail="1 row"),
                  CheckResult("rows_accounted_for", "gx", passed=True, blocking=True)]

        def query(self, sql):
            return pd.DataFrame(columns=["source", "files", "rows_read", "accepted", "superseded", "duplicates",
                                         "quarantined", "reason", "rows", "file", "error"])

    html = quality.render(Context(), charts=None)
    warnings = html.split("Checks that warn but do not block publication", 1)[1]
    assert "<th scope=col>Checked by</th>" in warnings
    assert "<td>Great Expectations</td>" in warnings and "<td>dbt test</td>" in warnings
    assert "1 check passed, 2 warnings" in html
