#!/usr/bin/env bash
# Posts each OUT/plans/*.md (or OUT/runs/*.md) to the pull request as one sticky comment per plan:
# found again by a hidden marker and updated, never duplicated, on each push.
#
# Environment: GH (default: gh), GITHUB_REPOSITORY, PR (the pull request's number), OUT (default
# .rescind-pr), KIND (plans or runs; default plans). GH must be authenticated (GH_TOKEN).
set -euo pipefail

gh=${GH:-gh}
out=${OUT:-.rescind-pr}
kind=${KIND:-plans}
repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}
pr=${PR:?PR (the pull request number) is not set}

shopt -s nullglob
for md in "$out/$kind"/*.md; do
  name=$(basename "$md" .md)
  marker="<!-- rescind:$kind:$name -->"
  body="$(printf '%s\n' "$marker"; cat "$md")"
  # The comment that carries the marker, if there is one.
  id=$($gh api --paginate "repos/$repo/issues/$pr/comments" \
    --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -1)
  if [ -n "$id" ]; then
    $gh api --method PATCH "repos/$repo/issues/comments/$id" -f body="$body" > /dev/null
  else
    $gh api --method POST "repos/$repo/issues/$pr/comments" -f body="$body" > /dev/null
  fi
done
