#!/usr/bin/env bash
# The first step of apply: find the saved plans that were reviewed, and nothing else. The apply job runs
# on the push of a merge commit to the default branch; this script finds the pull request that commit
# merged, then the latest run of this repository's own plan workflow on that pull request's head
# commit, and downloads that run's artifact rescind-plans-NUMBER into OUT/plans. It refuses, with a
# reason and a non-zero status, a commit no pull request merged, a pull request from a fork, and a head
# commit without a successful plan run of this workflow; runs of other commits, other workflows, other
# events and forks are never taken, whatever the API lists (docs/pull-requests.md).
#
# Environment: GH (default: gh; authenticated by GH_TOKEN, with actions: read and pull-requests: read),
# GITHUB_REPOSITORY, SHA (the merge commit; default GITHUB_SHA), BRANCH (the branch it was pushed to;
# default GITHUB_REF_NAME), WORKFLOW (the plan workflow's file; default: the running workflow's, from
# GITHUB_WORKFLOW_REF), OUT (default .rescind-pr), GITHUB_OUTPUT (optional): status, pr, head-sha, run-id.
# On a refusal once the pull request is known, OUT/runs/_refused.md says why, for its comment.
set -euo pipefail
# shellcheck source=action/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

gh=${GH:-gh}
out=${OUT:-.rescind-pr}
repo=${GITHUB_REPOSITORY:-}
sha=${SHA:-${GITHUB_SHA:-}}
branch=${BRANCH:-${GITHUB_REF_NAME:-}}
workflow=${WORKFLOW:-${GITHUB_WORKFLOW_REF:-}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pr=''
# refuse REASON: says why on stderr (and in the pull request's comment once it is known), then stops.
refuse() {
  echo "rescind: refused: $1" >&2
  if [ -n "$pr" ]; then
    mkdir -p "$out/runs"
    {
      printf '### rescind apply: refused\n\nNothing was applied for this pull request:\n\n'
      printf '%s\n' "$1" | "${helper[@]}" fence text
    } > "$out/runs/_refused.md"
  fi
  if [ -n "${GITHUB_OUTPUT:-}" ]; then printf 'status=1\npr=%s\n' "$pr" >> "$GITHUB_OUTPUT"; fi
  exit 1
}

[[ $repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || refuse "GITHUB_REPOSITORY is not OWNER/NAME"
[[ $sha =~ ^[0-9a-f]{40}$ ]] || refuse "SHA is not a full commit SHA"
[ -n "$branch" ] || refuse "BRANCH (the branch the merge was pushed to) is not set"
[ -n "$workflow" ] || refuse "WORKFLOW (the plan workflow's file) is not set"

# The pull request the commit merged, and its head commit.
"$gh" api "repos/$repo/commits/$sha/pulls?per_page=100" > "$tmp/pulls.json" \
  || refuse "cannot list the pull requests of commit $sha"
merged=$("${helper[@]}" merged-pr "$tmp/pulls.json" "$repo" "$sha" "$branch" 2> "$tmp/why") \
  || refuse "$(sed 's/^rescind: //' "$tmp/why")"
IFS=$'\t' read -r pr head <<< "$merged"
[[ $pr =~ ^[1-9][0-9]*$ && $head =~ ^[0-9a-f]{40}$ ]] || refuse "the merged pull request has no number or head commit"

# The latest run of this workflow that planned that head commit for a pull request, from this repository.
"$gh" api "repos/$repo/actions/runs?head_sha=$head&event=pull_request&per_page=100" > "$tmp/runs.json" \
  || refuse "cannot list the workflow runs of commit $head"
run=$("${helper[@]}" plan-run "$tmp/runs.json" "$repo" "$head" "$workflow" 2> "$tmp/why") \
  || refuse "pull request #$pr: $(sed 's/^rescind: //' "$tmp/why")"

# Its artifact of saved plans, exactly one, downloaded into an empty folder.
artifact="rescind-plans-$pr"
"$gh" api "repos/$repo/actions/runs/$run/artifacts?per_page=100" > "$tmp/artifacts.json" \
  || refuse "cannot list the artifacts of run $run"
"${helper[@]}" plan-artifact "$tmp/artifacts.json" "$artifact" "$run" > /dev/null 2> "$tmp/why" \
  || refuse "pull request #$pr: $(sed 's/^rescind: //' "$tmp/why")"
if [ -e "$out/plans" ] && [ -n "$(ls -A "$out/plans")" ]; then refuse "$out/plans is not empty"; fi
mkdir -p "$out/plans"
"$gh" run download "$run" --repo "$repo" --name "$artifact" --dir "$out/plans" \
  || refuse "cannot download the artifact $artifact of run $run"
[ -f "$out/plans/index.txt" ] || refuse "the artifact $artifact of run $run has no index.txt: not made by the plan step"

echo "rescind: applying the plans of pull request #$pr (head $head), reviewed in run $run"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  printf 'status=0\npr=%s\nhead-sha=%s\nrun-id=%s\n' "$pr" "$head" "$run" >> "$GITHUB_OUTPUT"
fi
