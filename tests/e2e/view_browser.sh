#!/bin/sh
# view_browser.sh - the pages of `storymovie view` in headless Chromium:
# DOM, interaction, screenshots and the script-injection page
# (tests/view_browser.py).  Skips (77) where no Chromium can be started:
# 'sh scripts/setup.sh test' installs it.
set -eu
: "${SM:?}" "${SM_SOURCE_DIR:?}" "${SM_BUILD_DIR:?}"
command -v python3 >/dev/null 2>&1 || { echo "skip: the browser tests need python3"; exit 77; }
exec python3 "$SM_SOURCE_DIR/tests/view_browser.py" "$SM" "$SM_SOURCE_DIR" "$SM_BUILD_DIR/view-shots"
