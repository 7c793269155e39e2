"""Drive the extension inside a real VS Code host (code-server) with Chromium, and check what a
user sees: a diagnostic, the code lenses, the status bar item, a slice highlight, the install
offer for a Python without neurodebug, and (unless --no-prediction) predicted values drawn after
Predict Trace.

Started by e2e.sh, which installs code-server and the .vsix and serves the workspace; run
directly: python e2e.py --url http://127.0.0.1:8765/?folder=/ws --workspace /ws --out shots/
Exit 0 when every check passed, 1 otherwise; screenshots are written to --out.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

# The CSS `::after` content of every decoration in the editor: ghost text lives there.
AFTER_TEXT = """() => {
  const texts = [];
  for (const el of document.querySelectorAll('.monaco-editor .view-lines span')) {
    const content = getComputedStyle(el, '::after').content;
    if (content && content !== 'none' && content !== 'normal') texts.push(content);
  }
  return texts;
}"""


def wait_for(check: Any, timeout: float, what: str) -> Any:
    """Poll `check()` until it returns something truthy; raise after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def run_command(page: Page, title: str) -> None:
    page.keyboard.press("F1")
    page.wait_for_selector(".quick-input-box input.input", state="visible", timeout=10_000)
    page.keyboard.type(title)
    time.sleep(0.8)
    page.keyboard.press("Enter")


def go_to_line(page: Page, line: int) -> None:
    page.keyboard.press("Control+G")
    time.sleep(0.5)
    page.keyboard.type(str(line))
    page.keyboard.press("Enter")
    time.sleep(0.3)


def open_file(page: Page, name: str, out: Path) -> None:
    """Quick Open the file; retried, as the file index may not be ready at first."""
    for _ in range(10):
        page.keyboard.press("Escape")
        page.keyboard.press("Control+P")
        time.sleep(1)
        page.keyboard.type(name)
        time.sleep(1.5)
        if page.locator(".quick-input-list .monaco-list-row").count() > 0:
            page.keyboard.press("Enter")
            try:
                page.wait_for_selector(".monaco-editor .view-lines", timeout=10_000)
                return
            except Exception:
                pass
    page.screenshot(path=str(out / "open-failed.png"))
    raise AssertionError(f"could not open {name}")


def predicted_values(page: Page, source: set[str]) -> list[str]:
    """Predicted values on screen: the extension's ghost text, or the server's inlay hints
    (rendered inside the line, so a line reads differently from the source)."""
    ghosts = [text for text in page.evaluate(AFTER_TEXT) if " = " in text]
    rendered = [
        text.replace("\u00a0", " ").strip()
        for text in page.locator(".monaco-editor .view-line").all_inner_texts()
    ]
    hints = [text for text in rendered if text not in source and " = " in text]
    return ghosts + hints


def notifications(page: Page) -> list[str]:
    return page.locator(".notifications-toasts .notification-list-item-message").all_inner_texts()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--no-prediction", action="store_true", help="skip the predicted values check"
    )
    parser.add_argument(
        "--predict-wait", type=float, default=120, help="seconds to wait for predicted values"
    )
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, str] = {}

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 760})
        page.goto(args.url)
        page.wait_for_selector(".monaco-workbench", timeout=90_000)
        open_file(page, "prog.py", args.out)

        def checked(name: str, action: Any) -> None:
            try:
                results[name] = f"ok: {action()}"
            except Exception as error:  # report every check, not just the first failure
                results[name] = f"FAILED: {error}"

        checked(
            "diagnostic",
            lambda: wait_for(
                lambda: page.locator(".squiggly-warning, .squiggly-error").count(),
                90,
                "a diagnostic squiggle",
            ),
        )
        checked(
            "code lens",
            lambda: wait_for(
                lambda: [
                    text
                    for text in page.locator(".codelens-decoration").all_inner_texts()
                    if "Predict" in text and "1 performance hint" in text
                ],
                30,
                "the Predict / Verify / hints lenses",
            ),
        )
        checked(
            "status bar",
            lambda: wait_for(
                lambda: [
                    text
                    for text in page.locator(".statusbar-item").all_inner_texts()
                    if "neurodebug" in text
                ],
                30,
                "the neurodebug status bar item",
            ),
        )
        page.keyboard.press("Control+Shift+M")  # Problems panel, to show the diagnostic's text
        checked(
            "problems panel",
            lambda: wait_for(
                lambda: "ND101" in page.locator(".markers-panel").inner_text(), 30, "ND101 listed"
            ),
        )
        page.screenshot(path=str(args.out / "diagnostics.png"))

        # Show Slice on `acc` in `return acc`: whole-line highlights appear on its slice.
        page.locator(".monaco-editor .view-lines").first.click()
        before = page.locator(".view-overlays [class*='ced-']").count()
        go_to_line(page, 10)
        page.keyboard.press("End")
        run_command(page, "neurodebug: Show Slice")
        checked(
            "slice",
            lambda: wait_for(
                lambda: page.locator(".view-overlays [class*='ced-']").count() - before >= 4,
                30,
                "slice highlights on at least 4 lines",
            ),
        )
        page.screenshot(path=str(args.out / "slice.png"))
        run_command(page, "neurodebug: Clear Predictions")

        if not args.no_prediction:
            source = {
                line.strip() for line in (args.workspace / "prog.py").read_text().splitlines()
            }
            page.locator(".monaco-editor .view-lines").first.click()
            go_to_line(page, 4)
            run_command(page, "neurodebug: Predict Trace")
            checked(
                "predicted values",
                lambda: wait_for(
                    lambda: predicted_values(page, source),
                    args.predict_wait,
                    "ghost-text values after Predict Trace " + json.dumps(notifications(page)),
                ),
            )
            page.screenshot(path=str(args.out / "predicted-path.png"))
            page.keyboard.press("Alt+F10")  # neural step over
            time.sleep(2)
            page.screenshot(path=str(args.out / "neural-step.png"))

        # A Python without neurodebug: the settings change restarts the server, which offers pip.
        settings = args.workspace / ".vscode" / "settings.json"
        config = json.loads(settings.read_text())
        config["neurodebug.interpreter"] = [str(Path(sys.executable))]
        settings.write_text(json.dumps(config, indent=2))
        checked(
            "install offer",
            lambda: wait_for(
                lambda: [text for text in notifications(page) if "not installed" in text],
                60,
                "the pip install notification",
            ),
        )
        page.screenshot(path=str(args.out / "install-offer.png"))
        browser.close()

    for name, outcome in results.items():
        print(f"{name}: {outcome}")
    return 0 if all(outcome.startswith("ok") for outcome in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
