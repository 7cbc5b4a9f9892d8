"""Terms used in the report: the seed's own definitions of measure and indicator, and
what the report's other words mean as the metric definitions v1 use them, so a reader
outside the DCC can read every table without the definitions document; then the
reference values (windows, caps, thresholds) the figures were computed with."""

from __future__ import annotations

from pmr.metric_parameters import WINDOW_UNITS, duration
from reports.format import esc, table
from reports.sections import Section

# (term, meaning), in reading order: how figures are classed, what they count, then the
# parties, devices and calendar they are about
TERMS = (
    ("Measure", "Something that the DCC is responsible for providing a level of service for, and against which "
                "targets for DCC performance can be set (MP122, Table 1). Marked M in the M/I column of the "
                "Requirement 3 and 5 tables; elsewhere a column or the text above the table says which figures "
                "are measures, and \"Measures at a glance\" lists each for all segments."),
    ("Indicator", "Something the DCC is not accountable for but that provides a KPI that may be of value or use "
                  "to the industry but cannot have a target attributed to it (MP122, Table 1). Marked I, likewise."),
    ("Target, minimum", "The service levels a measure is judged against: \"target met\", \"target missed "
                        "(minimum met)\" or \"minimum missed\" (\"target missed\" when no minimum is set). A "
                        "measure for which the metric definitions set no level says so (\"no service level set\")."),
    ("Segment", "SMETS2 traffic by Communication Service Provider region (North, Central, South), all SMETS1 "
                "traffic as one segment (SMETS1), and All, the total of the four. For availability and "
                "reliability (Requirement 3), All is the national view, shown as National: it counts the outages "
                "recorded nationally, not those of a single region."),
    ("SMETS1, SMETS2", "The generations of the Smart Metering Equipment Technical Specifications: SMETS1 meters "
                       "(the first generation) were migrated onto the DCC network and are one segment; SMETS2 "
                       "meters enrol natively and are reported by the CSP region they communicate through."),
    ("UK day", "A day from midnight to midnight UK local time, by which daily figures are counted: 25 hours on "
               "the day the clocks go back (the last Sunday of October), 23 hours on the day they go forward."),
    ("Service Request, SRV", "A User's command to a device or to the DCC, named by its Service Reference Variant "
                             "(SRV), e.g. 2.2 Top Up Device or 11.1 Update Firmware."),
    ("Deliverable request", "A request the DCC did not reject at its boundary: its final response is not of "
                            "the rejected class (failed authorisation or validation, local command services "
                            "unavailable, device does not exist, and other error codes the response code "
                            "reference does not list)."),
    ("Final response", "A request's earliest response other than the acknowledgement I99; for a Non-Device "
                       "request answered only by I99, that I99."),
    ("Round-trip time (RTT)", "From the clock start (a request's execution time when it has one, as "
                              "Future-Dated and DCC-Scheduled requests do, otherwise its receipt) to its final "
                              "response, never below 0; for an alert, from its receipt to its delivery to the "
                              "User."),
    ("Target Response Time (TRT)", "The time within which each SRV's final response is due (the SRV catalogue, "
                                   "which may give a SMETS1 device a target of its own); "
                                   "{alert_trt_s} for an alert (the parameters seed)."),
    ("Interim RTT excluding the HAN", "MP122's interim stand-in for a speed without the time spent in the Home "
                                      "Area Network (HAN), which the systems cannot measure: the DSP's mean "
                                      "processing time plus the region's mean CSP test-message round trip. For the "
                                      "three CSP regions only."),
    ("Failed request", "A deliverable request whose final response is a communications failure or a time-out, "
                       "that a DCC failure alert (N12 or N13) names, or that has no final response."),
    ("Transform", "The first leg of a Critical request (command variant 4): the DCC transforms the request, "
                  "and the User signs the result and sends it as the signed request; only the signed request is "
                  "counted."),
    ("DCC, DSP, CSP", "The Data Communications Company; its Data Service Provider (the core systems); its "
                      "Communication Service Providers, one for the North region and one for Central and South."),
    ("Devices", "ESME: electricity meter. GSME: gas meter (battery powered, so slower to answer). CHF: "
                "Communications Hub Function. GPF: Gas Proxy Function. PPMID: prepayment interface. HCALCS: "
                "load control switch. IHD: in-home display."),
    ("Working Day", "Not a Saturday, Sunday or England and Wales bank holiday (Christmas Day and Good Friday "
                    "included). The report is due by the end of the 10th Working Day after the month."),
    ("Provisional figure", "A figure that looks for data after the month (a late response, a correcting "
                           "request, a verification alert) before all of it has landed, or any figure of a month "
                           "published with days without data: it can still change, and Requirement 4 is judged "
                           "on a later publication with final figures."),
    ("Incident category", "1 (most severe) to 5. CPM5 reports categories 3 to 5, for the incidents with the "
                          "DCC as Responsible Party."),
    ("CPM5", "Code Performance Measure 5 of the Smart Energy Code: incidents of categories 3 to 5 resolved within "
             "their target times; Requirement 5 reports it by category."),
    ("SMKI", "Smart Metering Key Infrastructure: the public key infrastructure of the smart metering system; its "
             "Repository Interface and Services Interfaces are among the services whose availability is reported."),
)


def render(ctx, charts) -> str:
    # the alert target as the figures were computed with it, not as it was when this was written
    alert_target = duration(ctx.parameter("alert_trt_s"), "the alert target") if ctx is not None else "the alert target"
    items = "".join(f"<dt>{esc(term)}</dt><dd>{esc(meaning.replace('{alert_trt_s}', alert_target))}</dd>"
                    for term, meaning in TERMS)
    return f'<dl class="terms">{items}</dl>' + ("" if ctx is None else _reference_values(ctx))


def _reference_values(ctx) -> str:
    """Every row of the parameters reference table, its value in words (5 days, not
    432000): a window entered in the wrong unit reads against its own description."""
    rows = ctx.query("select parameter, value, unit, description, source from reference.parameters "
                     "order by parameter")
    if rows.empty:
        return ""
    return table(["Parameter", "Value", "What it sets", "Source"],
                 [[r["parameter"], _value_in_words(float(r["value"]), str(r["unit"])), r["description"], r["source"]]
                  for _, r in rows.iterrows()],
                 caption="Parameters the figures were computed with: windows, caps and thresholds "
                         "(seeds/parameters.csv). Service levels, Target Response Times and incident targets are "
                         "given in the tables that use them")


def _value_in_words(value: float, unit: str) -> str:
    if unit in WINDOW_UNITS:
        return duration(value * WINDOW_UNITS[unit])
    if unit == "pct":
        return f"{value:,.10g}%"
    return f"{value:,.10g}" + ("" if unit in ("ratio", "count") else f" {unit}")


SECTION = Section("terms", "Terms used in this report", lambda metric_id: False, render)
