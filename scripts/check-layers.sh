#!/usr/bin/env bash
# The layer rules of the architecture (README, "Layout"), checked on the source:
#   kernel (error, util, config, db, audit, roles) -> web kit (web/) -> register domain (register/) -> features
#   -> lib.rs. Each layer imports only those below it; the kit knows no feature; the domain has no handlers
#   (no axum extractors, templates or responses); no file over 500 lines and no function over 80 (seed and
#   reference data excepted).
# scripts/layers-baseline.txt lists known exceptions (empty since the restructuring of issue 17 was finished):
# a violation that is not in that list fails the check; one that is gone is reported so the list can shrink.
set -euo pipefail
cd "$(dirname "$0")/.."

features='admin|aiact|allowed|api|applications|assessments|auth|branding|dashboard|demo|health|home|incidents|kader|literacy|mail|notifications|organisations|policy|publication|questionnaires|reference|requests|scim|sso|suppliers|tasks|workflow'
kernel_files=(src/error.rs src/util.rs src/config.rs src/roles.rs src/db src/audit)
found=$(mktemp)
trap 'rm -f "$found"' EXIT

# Which crate modules a set of files reference (use lines and paths), as "file imports crate::x".
refs() {
  grep -rnoE "crate::[a-z_]+" "$@" 2> /dev/null | sed -E 's/^([^:]+):[0-9]+:crate::([a-z_]+)$/\1 imports crate::\2/' | sort -u
}

# 1. The kernel imports nothing above it.
existing_kernel=()
for f in "${kernel_files[@]}"; do [[ -e $f ]] && existing_kernel+=("$f"); done
refs "${existing_kernel[@]}" | grep -E "imports crate::(web|register|$features)$" | sed 's/^/kernel: /' >> "$found" || true
# 2. The web kit imports only the kernel and itself.
refs src/web | grep -E "imports crate::(register|$features)$" | sed 's/^/kit: /' >> "$found" || true
# ... and not the crate root (lib.rs wires the features, so whatever imports it sits above them).
grep -rlE "crate::(AppState|build_router)\b|use crate::\{" src/web "${existing_kernel[@]}" \
  | sed 's/^/kit: /; s/$/ imports the crate root/' >> "$found" || true
# 3. The register domain: no feature, no handler machinery.
if [[ -d src/register ]]; then
  refs src/register | grep -E "imports crate::($features)$" | sed 's/^/domain: /' >> "$found" || true
  grep -rlE "axum::extract|askama::Template|IntoResponse|axum::response" src/register \
    | sed 's/^/domain: /; s/$/ has handler machinery/' >> "$found" || true
fi
# 4. No feature imports another feature's page (handler) files; only the domain writes a status.
grep -rnoE "crate::($features)::(pages|show|edit|list|review|queues|login|mfa|account|setup)\b" src \
  | grep -v '^src/lib.rs' | sed -E 's/^([^:]+):[0-9]+:(.*)$/\1 \2/' \
  | awk '{ split($1, p, "/"); split($2, q, "::"); if (p[2] != q[2]) print "feature: " $1 " imports " $2 }' \
  | sort -u >> "$found" || true
grep -rlE "set workflow_status" src | grep -vE '^src/register/' | sed 's/^/status: /; s/$/ writes workflow_status/' \
  >> "$found" || true
# 5. Size: files over 500 lines, functions over 80 (seed and reference data are data, not code).
for f in $(find src -name '*.rs' | sort); do
  [[ $f == src/demo/seed* ]] && continue
  n=$(wc -l < "$f")
  (( n > 500 )) && echo "size: $f is over 500 lines" >> "$found"
  awk -v file="$f" '
    /^[ ]*(pub(\([a-z]+\))? )?(async )?(const )?fn [a-z_0-9]+/ && start == 0 {
      match($0, /^[ ]*/); indent = RLENGTH; start = NR; name = $0
      sub(/^[ ]*(pub(\([a-z]+\))? )?(async )?(const )?fn /, "", name); sub(/[<(].*/, "", name)
      if ($0 ~ /;[ ]*$/ || $0 ~ /\}[ ]*$/) start = 0
      next
    }
    start > 0 && match($0, /^[ ]*\}/) && RLENGTH - 1 == indent {
      if (NR - start + 1 > 80) printf "size: %s fn %s is over 80 lines\n", file, name
      start = 0
    }' "$f" >> "$found"
done

sort -u -o "$found" "$found"
baseline=scripts/layers-baseline.txt
new=$(comm -23 "$found" <(sort -u "$baseline"))
gone=$(comm -13 "$found" <(sort -u "$baseline"))
if [[ -n $gone ]]; then
  echo "Fixed since the baseline (remove these lines from $baseline):"
  echo "$gone" | sed 's/^/  /'
fi
if [[ -n $new ]]; then
  echo "New layer violations:" >&2
  echo "$new" | sed 's/^/  /' >&2
  exit 1
fi
echo "layers: $(wc -l < "$found") known violations left (scripts/layers-baseline.txt), no new ones"
