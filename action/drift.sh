#!/usr/bin/env bash
# The scheduled half of the rescind action: plan every applied plan again with --detailed-exitcode.
# A plan with something to revoke again (a grant re-created, a certificate re-issued to a selector's
# match) is access that came back: the job fails and names the targets in the step summary.
#
# Environment: RESCIND (default: npx --yes rescind), PLANS (default: plans), CONFIG (default
# rescind.config.yaml), GITHUB_STEP_SUMMARY (optional).
# Exit status: 0 nothing came back, 2 access came back, 1 an error.
set -uo pipefail

rescind=${RESCIND:-npx --yes rescind}
plans=${PLANS:-plans}
config=${CONFIG:-rescind.config.yaml}
summary=${GITHUB_STEP_SUMMARY:-/dev/stdout}

status=0
# shellcheck disable=SC2086
mapfile -t files < <(find $plans -type f \( -name '*.yaml' -o -name '*.yml' \) | sort)
for file in "${files[@]}"; do
  grep -qE '^kind:[[:space:]]*RevocationPlan[[:space:]]*$' "$file" || continue
  report=$($rescind plan --detailed-exitcode --config "$config" "$file" 2>&1)
  code=$?
  # Something to revoke again is access that came back. A target no API can read (not observable)
  # is always planned, and says nothing about it.
  came_back=$(grep -E '^- revoke: ' <<< "$report" || true)
  if [ $code -eq 2 ] && [ -n "$came_back" ]; then
    [ $status -eq 0 ] && status=2
    printf '### Access came back: %s\n\n```text\n%s\n```\n' "$file" "$came_back" >> "$summary"
  elif [ $code -eq 2 ]; then
    :
  elif [ $code -ne 0 ] && [ $code -ne 3 ]; then
    status=1
    printf '### rescind plan %s: error\n\n```text\n%s\n```\n' "$file" "$(head -c 20000 <<< "$report")" >> "$summary"
  fi
done
exit $status
