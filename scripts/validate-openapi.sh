#!/usr/bin/env bash
# Validates herald's OpenAPI descriptions (docs/openapi.json: the query API;
# docs/ingest-openapi.json: the article API) against the OpenAPI 3.0 schema with
# openapi-spec-validator from PyPI (pinned), in a virtual environment under
# build/. Exits 77 (ctest: skipped) when PyPI cannot be reached to install it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/python-tool.sh
venv=${HERALD_OPENAPI_VENV:-build/openapi-tools}
python_tool "$venv" openapi-spec-validator 0.9.0
for document in docs/openapi.json docs/ingest-openapi.json; do
  "$venv/bin/python" -c "import json, sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1])))" "$document"
  echo "valid: $document"
done
