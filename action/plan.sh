#!/usr/bin/env bash
# The pull-request half of the rescind action: validate every plan (SARIF, for inline annotations), then
# plan each plan the pull request adds or changes, as a Markdown comment and a saved plan.
#
# Environment (set by action.yml; every one has a default so that it runs by hand too):
#   RESCIND       how to run rescind                      (default: npx --yes rescind)
#   PLANS         plan files or folders, space-separated  (default: plans)
#   BASE_REF      the commit the pull request is compared with; empty = plan every plan under PLANS
#   CONFIG        the config file                         (default: rescind.config.yaml)
#   POLICIES      more policy files, space-separated      (default: none)
#   OUT           where the results go                    (default: .rescind-pr)
#   GITHUB_OUTPUT the step's outputs file (optional): status, plans
# Writes OUT/rescind.sarif, and for each plan P: OUT/plans/P.md (the comment) and OUT/plans/P.json
# (the saved plan). Exit status: 0, or 1 when a file is not valid or a plan fails, 3 when a policy
# denies a plan (the check fails; the comment says why).
set -uo pipefail

rescind=${RESCIND:-npx --yes rescind}
plans=${PLANS:-plans}
config=${CONFIG:-rescind.config.yaml}
out=${OUT:-.rescind-pr}
mkdir -p "$out/plans"

policy_args=()
for p in ${POLICIES:-}; do policy_args+=(--policy "$p"); done

status=0
# shellcheck disable=SC2086 # RESCIND and PLANS are word lists on purpose
$rescind validate --format sarif --config "$config" $plans > "$out/rescind.sarif" || status=1

# The plans to plan: those the pull request adds or changes, or every plan.
if [ -n "${BASE_REF:-}" ]; then
  # shellcheck disable=SC2086
  mapfile -t changed < <(git diff --name-only --diff-filter=AMR "$BASE_REF"...HEAD -- $plans | grep -E '\.ya?ml$' || true)
else
  # shellcheck disable=SC2086
  mapfile -t changed < <(find $plans -type f \( -name '*.yaml' -o -name '*.yml' \) | sort)
fi

planned=()
for file in "${changed[@]}"; do
  [ -f "$file" ] || continue
  # Only plans: a config or a policy in the folder is validated above, not planned.
  grep -qE '^kind:[[:space:]]*RevocationPlan[[:space:]]*$' "$file" || continue
  name=${file//\//__}
  $rescind plan --format markdown --config "$config" "${policy_args[@]}" --out "$out/plans/$name.json" "$file" \
    > "$out/plans/$name.md" 2> "$out/plans/$name.err"
  code=$?
  if [ $code -eq 3 ]; then
    [ $status -eq 0 ] && status=3
  elif [ $code -ne 0 ]; then
    status=1
    # No plan to show: the comment says what went wrong instead.
    {
      echo "### rescind plan ${file}: error"
      echo
      echo '```text'
      head -c 60000 "$out/plans/$name.err"
      echo '```'
    } > "$out/plans/$name.md"
  fi
  planned+=("$file")
done

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "status=$status" >> "$GITHUB_OUTPUT"
  echo "plans=${planned[*]}" >> "$GITHUB_OUTPUT"
fi
exit $status
