#!/usr/bin/env bash
# The merge half of the rescind action: apply each saved plan of the merged pull request, exactly, and
# only with the plan, config and policy files it was reviewed with (--verify-inputs); write each run's
# report as a Markdown comment.
#
# Environment: RESCIND (default: npx --yes rescind), CONFIG (default rescind.config.yaml), OUT (default
# .rescind-pr: the saved plans are OUT/plans/*.json), GITHUB_OUTPUT (optional): status.
# Exit status: 0 every plan applied and verified, 1 a plan refused or a target failed, 3 a policy denies.
set -uo pipefail

rescind=${RESCIND:-npx --yes rescind}
config=${CONFIG:-rescind.config.yaml}
out=${OUT:-.rescind-pr}
mkdir -p "$out/runs"

status=0
shopt -s nullglob
for saved in "$out/plans"/*.json; do
  name=$(basename "$saved" .json)
  $rescind apply --yes --verify-inputs --config "$config" --format json "$saved" \
    > "$out/runs/$name.json" 2> "$out/runs/$name.err"
  code=$?
  run=$(sed -n 's/^  "runId": "\([^"]*\)",$/\1/p' "$out/runs/$name.json" | head -1)
  if [ -n "$run" ]; then
    $rescind show --format markdown "$run" > "$out/runs/$name.md"
  elif [ $code -eq 0 ] && grep -q '^  "status": "no-changes"' "$out/runs/$name.json"; then
    # Every target already revoked when the plan was made: no run, nothing to report but that.
    printf '### rescind apply %s: no changes\n\nEvery target was already revoked when the plan was made; nothing was sent.\n' \
      "$name" > "$out/runs/$name.md"
  else
    {
      echo "### rescind apply ${name}: refused"
      echo
      echo '```text'
      head -c 60000 "$out/runs/$name.err"
      echo '```'
    } > "$out/runs/$name.md"
  fi
  if [ $code -eq 3 ]; then
    [ $status -eq 0 ] && status=3
  elif [ $code -ne 0 ]; then
    status=1
  fi
done

[ -n "${GITHUB_OUTPUT:-}" ] && echo "status=$status" >> "$GITHUB_OUTPUT"
exit $status
