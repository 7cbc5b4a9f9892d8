"""The open PMR warehouse: DCC operational extracts to the MP122 Performance Measurement Report."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

SOURCES = (
    "service_requests",
    "service_responses",
    "alerts",
    "csp_test_messages",
    "outages",
    "incidents",
    "ch_firmware_events",
)
