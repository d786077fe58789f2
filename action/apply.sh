#!/usr/bin/env bash
# The merge half of the rescind action: apply each saved plan of the merged pull request, exactly, and
# only with the plan, config and policy files it was reviewed with (--verify-inputs); write each run's
# report as a Markdown comment. find-plans.sh has put the reviewed saved plans in OUT/plans.
#
# Environment: RESCIND (how to run rescind, as words; default: the bin/rescind.js these scripts ship
# with), CONFIG (default rescind.config.yaml), POLICIES (more policy files, space-separated, as plan.sh
# got them: evaluated again, so that a saved plan from which one was dropped is still held to it), OUT
# (default .rescind-pr: the saved plans are OUT/plans/N.json, each N a name the plan step gave),
# GITHUB_OUTPUT (optional): status.
# Exit status: 0 every plan applied and verified, 1 a plan refused or a target failed (or, exit 4 of
# apply, a target absent since the plan), 3 a policy denies.
set -euo pipefail
# shellcheck source=action/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

config=${CONFIG:-rescind.config.yaml}
out=${OUT:-.rescind-pr}
policies=()
words policies "${POLICIES:-}"
policy_args=()
for p in "${policies[@]}"; do policy_args+=("--policy=$p"); done
mkdir -p "$out/runs"

status=0
shopt -s nullglob
for saved in "$out/plans"/*.json; do
  name=$(basename "$saved" .json)
  if ! is_name "$name"; then
    # Not a name the plan step gives: no such file reaches a path or a comment marker.
    echo "rescind: $(printf '%q' "$saved") is not a saved plan of the plan step; not applied" >&2
    status=1
    continue
  fi
  code=0
  "${rescind[@]}" apply --yes --verify-inputs --config="$config" "${policy_args[@]}" --format json -- "$saved" \
    > "$out/runs/$name.json" 2> "$out/runs/$name.err" || code=$?
  run=$("${helper[@]}" field "$out/runs/$name.json" runId)
  shown=$("${helper[@]}" code "$name")
  if [ -n "$run" ]; then
    if ! "${rescind[@]}" show --format markdown -- "$run" > "$out/runs/$name.md" 2>> "$out/runs/$name.err"; then
      code=1
      {
        printf '### rescind apply %s: run %s, no report\n\n' "$shown" "$("${helper[@]}" code "$run")"
        head -c 60000 "$out/runs/$name.err" | "${helper[@]}" fence text
      } > "$out/runs/$name.md"
    fi
  elif [ "$code" -eq 0 ] && [ "$("${helper[@]}" field "$out/runs/$name.json" status)" = no-changes ]; then
    # Every target already revoked when the plan was made: no run, nothing to report but that.
    printf '### rescind apply %s: no changes\n\nEvery target was already revoked when the plan was made; nothing was sent.\n' \
      "$shown" > "$out/runs/$name.md"
  else
    # Why: the error report apply printed as JSON, and anything it said on stderr.
    "${helper[@]}" diagnostics "$out/runs/$name.json" >> "$out/runs/$name.err" || true
    {
      printf '### rescind apply %s: refused\n\n' "$shown"
      head -c 60000 "$out/runs/$name.err" | "${helper[@]}" fence text
    } > "$out/runs/$name.md"
  fi
  if [ "$code" -eq 3 ]; then
    if [ "$status" -eq 0 ]; then status=3; fi
  elif [ "$code" -ne 0 ]; then
    status=1
  fi
done

if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "status=$status" >> "$GITHUB_OUTPUT"; fi
exit "$status"
