"""Data-quality appendix: every row read accounted for, quarantine reasons,
skipped files, and the checks of the publication gate (warnings included)."""

from __future__ import annotations

from reports.format import number, table
from reports.sections import Section


def _share(part, whole) -> str:
    """A percentage that is not 0 never reads 0.00%: a handful of quarantined rows among
    millions shows as <0.01%."""
    if not whole:
        return number(None, "pct")
    share = 100.0 * part / whole
    return "<0.01%" if 0 < share < 0.005 else number(share, "pct")


def render(ctx, charts) -> str:
    sources = ctx.query(
        """select source, count(*) as files, sum(rows_read) as rows_read, sum(accepted) as accepted,
                  sum(superseded) as superseded, sum(duplicates) as duplicates, sum(quarantined) as quarantined
           from staging.landing_accounting group by source order by source"""
    )
    files = int(sources["files"].sum()) if not sources.empty else 0
    parts = [f"<p>The accounting covers every landing file the warehouse has read ({files:,} files), not only "
             "the month's: the days before and after it are read too, by the install forecast and by the figures "
             "that wait for later responses, corrections and alerts. A duplicate is a row delivered again exactly "
             "(a file re-sent, for one), counted once.</p>", table(
        ["Source", "Files", "Rows read", "Accepted", "of which superseded", "Duplicates", "Quarantined",
         "Quarantined share"],
        [[r["source"], number(r["files"], "count"), number(r["rows_read"], "count"), number(r["accepted"], "count"),
          number(r["superseded"], "count"), number(r["duplicates"], "count"), number(r["quarantined"], "count"),
          _share(r["quarantined"], r["rows_read"])]
         for _, r in sources.iterrows()],
        caption="Rows read = accepted + duplicates + quarantined, per source (per file in quality.csv). "
                "Superseded: earlier deliveries of an incident, an outage or an alert, replaced by a later one "
                "of the same id (an incident's latest row, an outage with its end, an alert once sent)",
    )]
    reasons = ctx.query(
        """select source, reason, count(*) as rows from staging.quarantined_rows
           group by source, reason order by source, rows desc, reason"""
    )
    if not reasons.empty:
        parts.append(table(["Source", "Quarantine reason", "Rows"],
                           [[r["source"], r["reason"], number(r["rows"], "count")] for _, r in reasons.iterrows()],
                           caption="Quarantined rows by reason"))
        parts.append("<p class=\"note\">Each quarantined row, with its file, its row number and the values as "
                     "read, is in the warehouse table <code>staging.quarantined_rows</code>; quality.csv gives "
                     "the counts per file.</p>")
    skipped = ctx.query(
        "select source, file, error from staging.landing_accounting where status = 'skipped' order by file"
    )
    if not skipped.empty:
        parts.append(table(["Source", "File", "Why it was skipped"],
                           [[r["source"], r["file"], r["error"]] for _, r in skipped.iterrows()],
                           caption="Files skipped"))
    failing = [c for c in ctx.checks if not c.passed]
    warnings = [c for c in failing if not c.blocking]
    passed = sum(1 for c in ctx.checks if c.passed)
    parts.append(f"<p>Publication gate: {passed:,} check{'' if passed == 1 else 's'} passed, {len(warnings)} "
                 f"warning{'' if len(warnings) == 1 else 's'}.</p>")
    if warnings:
        parts.append(table(["Check that warned (what should hold)", "Checked by", "What it found"],
                           [[c.name, CHECKED_BY.get(c.source, c.source), c.detail] for c in warnings],
                           caption="Checks that warn but do not block publication"))
    return "".join(parts)


# the report's other "Source" columns name a landing source; a check names its tool in full
CHECKED_BY = {"gx": "Great Expectations", "dbt": "dbt test", "dagster": "Dagster"}

SECTION = Section("quality", "Appendix: data quality", lambda metric_id: False, render)
