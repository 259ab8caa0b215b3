#!/usr/bin/env bash
# Validates deploy/kubernetes/ against the Kubernetes API schemas (kubernetes-validate from
# PyPI, pinned) and KEDA's documented ScaledObject fields: tests/deploy/validate_kubernetes.py.
# The tool goes into a virtual environment under build/. Exits 77 (ctest: skipped) when
# PyPI cannot be reached to install it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/python-tool.sh
venv=${HERALD_TOOLS_VENV:-build/python-tools}
python_tool "$venv" kubernetes-validate 1.37.0
exec "$venv/bin/python" tests/deploy/validate_kubernetes.py deploy/kubernetes/*.yaml
