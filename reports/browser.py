"""Open a published pmr.html in headless Chromium (Debian's package, never a
downloaded build): collect console errors, check every chart rendered, and take a
screenshot for humans (`make screenshot`)."""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

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
            if screenshot:
                page.screenshot(path=str(screenshot), full_page=True)
                result.screenshot = screenshot
        finally:
            browser.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a published pmr.html in headless Chromium and screenshot it.")
    parser.add_argument("page", type=Path, help="path to pmr.html")
    parser.add_argument("--screenshot", type=Path, default=Path("pmr-screenshot.png"), help="PNG to write")
    args = parser.parse_args(argv)
    check = check_page(args.page, args.screenshot)
    print(f"charts: {check.charts}, rendered: {check.charts_rendered}, console errors: {len(check.console_errors)}")
    for error in check.console_errors:
        print(f"  {error}")
    print(f"screenshot: {check.screenshot}")
    return 0 if not check.console_errors and check.charts == check.charts_rendered else 1


if __name__ == "__main__":
    sys.exit(main())
