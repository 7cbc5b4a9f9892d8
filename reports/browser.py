"""Open a published pmr.html in headless Chromium (Debian's package, never a
downloaded build): collect console errors, check every chart rendered and kept its
description for screen readers, that the page printed on A4 is no wider than the
paper, and that without JavaScript each chart says why it is missing; take a
screenshot for humans (`make screenshot`)."""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

# An A4 page less the 12 mm side margins of the page's @page rule, in CSS pixels
A4_PRINT_WIDTH_PX = round((210 - 2 * 12) / 25.4 * 96)
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageCheck:
    console_errors: list[str] = field(default_factory=list)
    charts: int = 0
    charts_rendered: int = 0
    charts_with_svg: int = 0
    # drawn charts still named by their own description (role img), not by Vega's
    charts_described: int = 0
    # how wide the page lays out when printed on A4 (no wider than A4_PRINT_WIDTH_PX:
    # anything wider makes the browser shrink the whole report to fit)
    print_width_px: int = 0
    # charts that say why they are missing when the page runs no JavaScript
    charts_explained_without_javascript: int = 0
    screenshot: Path | None = None


def check_page(page_path: Path, screenshot: Path | None = None, timeout_ms: int = 60000) -> PageCheck:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if not executable:
        raise FileNotFoundError("chromium is not installed (Debian package `chromium`)")
    result = PageCheck()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: result.console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: result.console_errors.append(f"page error: {e}"))
            page.goto(Path(page_path).resolve().as_uri(), wait_until="load")
            result.charts = page.locator("figure.chart").count()
            if result.charts:
                page.wait_for_function(
                    "() => [...document.querySelectorAll('figure.chart')].every(f => f.dataset.rendered === 'true')",
                    timeout=timeout_ms,
                )
            result.charts_rendered = page.locator("figure.chart[data-rendered='true']").count()
            result.charts_with_svg = page.locator("figure.chart svg").count()
            result.charts_described = page.evaluate(
                "() => [...document.querySelectorAll('figure.chart')].filter(f => f.getAttribute('role') === 'img'"
                " && f.getAttribute('aria-label') && !f.getAttribute('aria-label').startsWith('Vega')).length")
            if screenshot:
                page.screenshot(path=str(screenshot), full_page=True)
                result.screenshot = screenshot
            page.set_viewport_size({"width": A4_PRINT_WIDTH_PX, "height": 900})
            page.emulate_media(media="print")
            result.print_width_px = page.evaluate("() => document.documentElement.scrollWidth")
            without_javascript = browser.new_context(java_script_enabled=False).new_page()
            without_javascript.goto(Path(page_path).resolve().as_uri(), wait_until="load")
            result.charts_explained_without_javascript = without_javascript.locator(
                "figure.chart p.chart-fallback:visible").count()
        finally:
            browser.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a published pmr.html in headless Chromium and screenshot it.")
    parser.add_argument("page", type=Path, help="path to pmr.html")
    parser.add_argument("--screenshot", type=Path, default=Path("pmr-screenshot.png"), help="PNG to write")
    args = parser.parse_args(argv)
    check = check_page(args.page, args.screenshot)
    print(f"charts: {check.charts}, rendered: {check.charts_rendered}, described: {check.charts_described}, "
          f"explained without JavaScript: {check.charts_explained_without_javascript}; "
          f"printed width {check.print_width_px} px of {A4_PRINT_WIDTH_PX}; console errors: {len(check.console_errors)}")
    for error in check.console_errors:
        print(f"  {error}")
    print(f"screenshot: {check.screenshot}")
    whole = check.charts == check.charts_rendered == check.charts_described == check.charts_explained_without_javascript
    return 0 if not check.console_errors and whole and check.print_width_px <= A4_PRINT_WIDTH_PX else 1


if __name__ == "__main__":
    sys.exit(main())
