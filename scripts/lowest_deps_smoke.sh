#!/usr/bin/env bash
# Install detente with the LOWEST versions its pyproject.toml allows, then run a smoke test.
# Checks that the declared dependency floors really work (issue 17). Usage:
#   bash scripts/lowest_deps_smoke.sh [VENV_DIR]      (default: a temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${1:-$(mktemp -d)/lowest}"
PY="${PYTHON:-python3}"
$PY -m venv "$VENV"
# every runtime floor "name>=X" becomes the pin "name==X"
"$VENV/bin/python" - > "$VENV/constraints.txt" <<'PYEOF'
import re, tomllib
deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]
for dep in deps:
    m = re.fullmatch(r"\s*([A-Za-z0-9_.\-\[\]]+)\s*>=\s*([0-9][^,;\s]*)\s*", dep)
    if m:
        name = re.sub(r"\[.*\]", "", m.group(1))
        print(f"{name}=={m.group(2)}")
PYEOF
cat "$VENV/constraints.txt"
"$VENV/bin/python" -m pip install --quiet -c "$VENV/constraints.txt" .
"$VENV/bin/python" -m pip list --format=freeze | grep -iE "^(numpy|scipy|pydantic|pyyaml|lark|typer|click|rich|jinja2|matplotlib)=="
cd "$VENV"   # import the installed package, not the source tree
"$VENV/bin/detente" scenarios
"$VENV/bin/detente" stability elmira --json > /dev/null
"$VENV/bin/detente" stability korea-2017 --concept seq --json > /dev/null
"$VENV/bin/detente" paths elmira --coalitions > /dev/null
"$VENV/bin/detente" inverse elmira --target NYNNY --concept gmr > /dev/null
"$VENV/bin/detente" verify breakout --machines 5060 --swu-per-machine 1.0 --stock 202.8:0.0367 > /dev/null
"$VENV/bin/detente" schema > /dev/null
"$VENV/bin/detente" analyze elmira > /dev/null
"$VENV/bin/detente" explain elmira NYNNY --json > /dev/null
"$VENV/bin/detente" hindcast cuban-missile-crisis > /dev/null
"$VENV/bin/detente" --help > /dev/null
# Latin-hypercube sampling passes rng= to scipy (needs scipy >= 1.15)
"$VENV/bin/python" -c "from detente.strategy.explore.sampling import design; print(design(4, 3, 1).shape)"
echo "lowest-version smoke test passed"
