#!/usr/bin/env bash
# Create .venv and install campforge with every dependency pinned by requirements.lock.
# Idempotent: a second run only re-checks the pins. Needs only python3 (>= 3.11) with venv and pip.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
