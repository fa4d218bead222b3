"""Shared headless-Chromium launcher so every browser test starts Chromium the same way."""

import os

from playwright.sync_api import Browser, Playwright

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_browser(playwright: Playwright) -> Browser:
    """Launch the system Chromium (Debian package) headless with CI-safe flags."""
    return playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
