#!/usr/bin/env bash
# npm run screenshots: refreshes docs/screenshots/*.png (the README shows them) from the browser
# test that takes them, against the real system, as npm test does.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
UPDATE_SCREENSHOTS=1 bash scripts/test.sh test/browser-seed-page.e2e-spec.ts -t 'screenshots'
ls -l docs/screenshots/*.png
