#!/usr/bin/env bash
# Validates deploy/kubernetes/ against the Kubernetes API schemas (kubernetes-validate from
# PyPI, pinned) and KEDA's documented ScaledObject fields: tests/deploy/validate_kubernetes.py.
# The tool goes into a virtual environment under build/. Exits 77 (ctest: skipped) when
# PyPI cannot be reached to install it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
kubernetes_validate_version=1.37.0
venv=${HERALD_TOOLS_VENV:-build/python-tools}
if ! "$venv/bin/python" -c "import kubernetes_validate, sys; sys.exit(kubernetes_validate.__version__ != '$kubernetes_validate_version')" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "kubernetes-validate==$kubernetes_validate_version" >"$venv.log" 2>&1 \
    || { tail -n 5 "$venv.log" >&2; echo "validate-kubernetes: SKIPPED: could not install kubernetes-validate from PyPI" >&2; exit 77; }
fi
exec "$venv/bin/python" tests/deploy/validate_kubernetes.py deploy/kubernetes/*.yaml
