#!/usr/bin/env bash
# npm run screenshots: refreshes docs/screenshots/*.png (the README shows them) from the browser
# tests that take them (the seed page and the moderator console), against the real system, as
# npm test does.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
UPDATE_SCREENSHOTS=1 bash scripts/test.sh test/browser-seed-page.e2e-spec.ts test/browser-console.e2e-spec.ts -t 'screenshots'
ls -l docs/screenshots/*.png
