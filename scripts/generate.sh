#!/usr/bin/env bash
# Generate the low-level client from openapi.yaml into DEST (default: generated/agentplatform_api).
# Generation always happens in a fresh temporary directory, so that the result never depends
# on where it lands, and fails on any generator warning. scripts/templates/ holds the
# templates that replace the generator's own (models/__init__.py: models load on first use).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$root/generated/agentplatform_api}
export PATH="$root/.venv/bin:$PATH"
export RUFF_NO_CACHE=true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/generator.log"
if ! openapi-python-client generate \
    --path "$root/openapi.yaml" \
    --config "$root/generator-config.yml" \
    --custom-template-path "$root/scripts/templates" \
    --meta none \
    --output-path "$work/agentplatform_api" >"$log" 2>&1; then
  cat "$log" >&2
  echo "generate: the generator failed" >&2
  exit 1
fi
if grep -qiE "warning|error|skipping|not in path" "$log"; then
  cat "$log" >&2
  echo "generate: the generator reported warnings; fix openapi.yaml or generator-config.yml" >&2
  exit 1
fi
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -R "$work/agentplatform_api" "$dest"
