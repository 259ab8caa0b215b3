# Sourced by the validate-*.sh scripts: python_tool VENV PACKAGE VERSION makes
# sure VENV (a virtual environment under build/) holds PACKAGE==VERSION from
# PyPI, or exits 77 (ctest: skipped) when PyPI cannot be reached to install it.
python_tool() {
  local venv=$1 package=$2 version=$3
  if "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('$package') != '$version')" 2>/dev/null; then
    return 0
  fi
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "$package==$version" >"$venv.log" 2>&1 \
    || { tail -n 5 "$venv.log" >&2; echo "$(basename "$0"): SKIPPED: could not install $package from PyPI" >&2; exit 77; }
}
