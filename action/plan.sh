#!/usr/bin/env bash
# The pull-request half of the rescind action: validate every plan (SARIF, for inline annotations), then
# plan each plan the pull request adds or changes, as a Markdown comment and a saved plan.
#
# Environment (set by action.yml; every one has a default so that it runs by hand too):
#   RESCIND       how to run rescind, as words     (default: the bin/rescind.js these scripts ship with)
#   PLANS         plan files or folders, space-separated  (default: plans)
#   BASE_REF      the commit the pull request is compared with; empty = plan every plan under PLANS
#   CONFIG        the config file                         (default: rescind.config.yaml)
#   POLICIES      more policy files, space-separated      (default: none)
#   OUT           where the results go                    (default: .rescind-pr)
#   GITHUB_OUTPUT the step's outputs file (optional): status, plans (the names, space-separated)
# Which files are plans is read from `rescind validate --format json`, never guessed from their text;
# paths are read NUL-separated, so any file name works. Each plan file P gets a name N (helper.mjs
# encodeName: `plans/a.yaml` is `plans__a.yaml`; two files never share one). Writes OUT/rescind.sarif,
# OUT/plans/N.md (the comment), OUT/plans/N.json (the saved plan) and OUT/plans/index.txt (the names,
# so that the artifact exists even when nothing is planned). Exit status: 0, or 1 when a file is not
# valid or a plan fails, 3 when a policy denies a plan (the check fails; the comment says why).
set -euo pipefail
# shellcheck source=action/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

plans=() policies=()
words plans "${PLANS:-plans}"
words policies "${POLICIES:-}"
config=${CONFIG:-rescind.config.yaml}
out=${OUT:-.rescind-pr}
mkdir -p "$out/plans"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

status=0
planned=()
finish() {
  printf '# The saved plans of this pull request, by name (docs/pull-requests.md).\n' > "$out/plans/index.txt"
  if [ "${#planned[@]}" -gt 0 ]; then printf '%s\n' "${planned[@]}" >> "$out/plans/index.txt"; fi
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf 'status=%s\nplans=%s\n' "$status" "${planned[*]}" >> "$GITHUB_OUTPUT"
  fi
  exit "$status"
}

policy_args=()
for p in "${policies[@]}"; do policy_args+=("--policy=$p"); done

"${rescind[@]}" validate --format sarif --config="$config" -- "${plans[@]}" > "$out/rescind.sarif" || status=1

# The files to plan: those the pull request adds, changes or renames, or every YAML file.
if [ -n "${BASE_REF:-}" ]; then
  if ! base=$(git rev-parse --verify --quiet --end-of-options "$BASE_REF^{commit}"); then
    echo "rescind: the base commit is not in the checkout (fetch-depth: 0?)" >&2
    status=1
    finish
  fi
  if ! git --literal-pathspecs diff -z --name-only --diff-filter=AMR "$base...HEAD" -- "${plans[@]}" \
    > "$tmp/candidates"; then
    echo "rescind: git diff failed; nothing was planned" >&2
    status=1
    finish
  fi
else
  find "${plans[@]}" \( -path '*/.*' -o -name node_modules \) -prune \
    -o -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 > "$tmp/found" || status=1
  LC_ALL=C sort -z "$tmp/found" > "$tmp/candidates"
fi

# Which of them are plans: the kind validate read from each, however it is written.
mapfile -d '' -t candidates < "$tmp/candidates"
if [ "${#candidates[@]}" -eq 0 ]; then finish; fi
"${rescind[@]}" validate --format json --config="$config" -- "${candidates[@]}" > "$tmp/validate.json" || true
if ! "${helper[@]}" plans "$tmp/validate.json" < "$tmp/candidates" > "$tmp/plans"; then
  status=1
  finish
fi
mapfile -d '' -t found < "$tmp/plans"

for ((i = 0; i + 1 < ${#found[@]}; i += 2)); do
  file=${found[i]}
  name=${found[i + 1]}
  code=0
  "${rescind[@]}" plan --format markdown --config="$config" "${policy_args[@]}" --out="$out/plans/$name.json" \
    -- "$file" > "$out/plans/$name.md" 2> "$out/plans/$name.err" || code=$?
  if [ "$code" -eq 3 ]; then
    if [ "$status" -eq 0 ]; then status=3; fi
  elif [ "$code" -ne 0 ]; then
    status=1
    rm -f "$out/plans/$name.json"
    # No plan to show: the comment says what went wrong instead, in a fence nothing in it can close.
    {
      printf '### rescind plan %s: error\n\n' "$("${helper[@]}" code "$file")"
      head -c 60000 "$out/plans/$name.err" | "${helper[@]}" fence text
    } > "$out/plans/$name.md"
  fi
  planned+=("$name")
done
finish
