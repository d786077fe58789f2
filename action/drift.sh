#!/usr/bin/env bash
# The scheduled half of the rescind action: plan every applied plan again with --detailed-exitcode.
# A plan with something to revoke again (a grant re-created, a certificate re-issued to a selector's
# match: exit 2) is access that came back: the job fails and names the targets in the step summary.
# A target no API reads is no change once a recorded run revoked it, so .rescind/runs must be kept
# between the apply and this check (the action keeps it in the default branch's cache).
#
# Environment: RESCIND (how to run rescind, as words; default: the bin/rescind.js these scripts ship
# with), PLANS (default: plans), CONFIG (default rescind.config.yaml), GITHUB_STEP_SUMMARY (optional).
# Plans are found as plan.sh finds them: `rescind validate --format json` says which files are plans.
# Exit status: 0 nothing came back, 2 access came back, 1 an error (a plan in error, or blocked by a
# policy: a plan that can no longer be planned is not one that is known to stay revoked).
set -euo pipefail
# shellcheck source=action/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

plans=()
words plans "${PLANS:-plans}"
config=${CONFIG:-rescind.config.yaml}
summary=${GITHUB_STEP_SUMMARY:-/dev/stdout}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

status=0
# report TITLE FILE TEXT: a section of the summary, the text in a fence nothing in it can close.
report() {
  {
    printf '### %s: %s\n\n' "$1" "$("${helper[@]}" code "$2")"
    head -c 20000 <<< "$3" | "${helper[@]}" fence text
  } >> "$summary"
}

find "${plans[@]}" \( -path '*/.*' -o -name node_modules \) -prune \
  -o -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 > "$tmp/found" || status=1
LC_ALL=C sort -z "$tmp/found" > "$tmp/candidates"
mapfile -d '' -t candidates < "$tmp/candidates"
if [ "${#candidates[@]}" -eq 0 ]; then exit "$status"; fi
"${rescind[@]}" validate --format json --config="$config" -- "${candidates[@]}" > "$tmp/validate.json" || true
"${helper[@]}" plans "$tmp/validate.json" < "$tmp/candidates" > "$tmp/plans" || exit 1
mapfile -d '' -t found < "$tmp/plans"

for ((i = 0; i + 1 < ${#found[@]}; i += 2)); do
  file=${found[i]}
  code=0
  text=$("${rescind[@]}" plan --detailed-exitcode --config="$config" -- "$file" 2>&1) || code=$?
  case $code in
    0) ;;
    2)
      # Something to revoke again is access that came back (a target no API reads counts only
      # until a recorded run revoked it: keep .rescind/runs between apply and this check). The
      # exit code says it; the lines of the targets are shown.
      if [ "$status" -eq 0 ]; then status=2; fi
      came_back=$(grep -E '^(- revoke|\? not observable): ' <<< "$text" || true)
      report 'Access came back' "$file" "${came_back:-$text}"
      ;;
    3)
      status=1
      report 'rescind plan blocked by a policy' "$file" "$text"
      ;;
    *)
      status=1
      report 'rescind plan error' "$file" "$text"
      ;;
  esac
done
exit "$status"
