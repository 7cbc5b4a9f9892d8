"""Reading a published page as a reader does: per section, its tables (caption and
the text of each cell) and the labels of its charts."""

from __future__ import annotations

from html.parser import HTMLParser


class PageTables(HTMLParser):
    """Per top-level <section id>: its tables (caption, rows of cell text) and the
    aria-labels of its charts."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.section: str | None = None
        self.tables: dict[str, list[dict]] = {}
        self.charts: dict[str, list[str]] = {}
        self.cell: list[str] | None = None
        self.in_caption = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.depth += 1
            if self.depth == 1:
                self.section = attrs.get("id")
        elif self.section is None:
            return
        elif tag == "table":
            self.tables.setdefault(self.section, []).append({"caption": "", "rows": []})
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr":
            self.tables[self.section][-1]["rows"].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "figure" and "chart" in (attrs.get("class") or ""):
            self.charts.setdefault(self.section, []).append(attrs.get("aria-label", ""))

    def handle_endtag(self, tag):
        if tag == "section":
            self.depth -= 1
            if self.depth == 0:
                self.section = None
        elif tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th") and self.cell is not None:
            self.tables[self.section][-1]["rows"][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.section is None:
            return
        if self.in_caption:
            self.tables[self.section][-1]["caption"] += data
        elif self.cell is not None:
            self.cell.append(data)


def rows_of(page: PageTables, section: str) -> list[list[str]]:
    return [row for t in page.tables.get(section, []) for row in t["rows"]]


def table_with(page: PageTables, section: str, caption_part: str) -> list[list[str]]:
    found = [t["rows"] for t in page.tables.get(section, []) if caption_part in t["caption"]]
    assert found, f"no table with {caption_part!r} in section {section}"
    return found


def section_html(published, key: str) -> str:
    """The HTML of top-level section `key` of the published page."""
    page = (published["link"] / "pmr.html").read_text()
    return page.split(f'<section id="{key}">', 1)[1].split("\n</section>", 1)[0]


def process_html(published, process: str) -> str:
    """The HTML of business process `process` in the page's RSVP section."""
    rsvp = section_html(published, "rsvp")
    return rsvp.split(f'<section class="process" id="rsvp-{process}">', 1)[1].split("</section>", 1)[0]
