#!/usr/bin/env bash
# Posts each OUT/plans/*.md (or OUT/runs/*.md) to the pull request as one sticky comment per plan: the
# comment is found again, and updated, never duplicated, on each push.
#
# Which comment is ours: one written by the bot (BOT_LOGIN) whose first line is, whole, the marker
# `<!-- rescind:KIND:NAME -->`. NAME holds no space (helper.mjs encodeName), so one plan's marker is
# never the start of another's; and a comment by anyone else is never updated, whatever it carries,
# so nobody can take the place of the plan's comment.
#
# Environment: GH (default: gh), GITHUB_REPOSITORY, PR (the pull request's number), OUT (default
# .rescind-pr), KIND (plans or runs; default plans), BOT_LOGIN (the login the comments are written as;
# default github-actions[bot], the login of GITHUB_TOKEN; empty: asked of `gh api user`, for a
# personal or app token). GH must be authenticated (GH_TOKEN).
set -euo pipefail
# shellcheck source=action/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

gh=${GH:-gh}
out=${OUT:-.rescind-pr}
kind=${KIND:-plans}
repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}
pr=${PR:?PR (the pull request number) is not set}
bot=${BOT_LOGIN-github-actions[bot]}
if ! [[ $repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]]; then
  echo "rescind: GITHUB_REPOSITORY is not OWNER/NAME: $(printf '%q' "$repo")" >&2
  exit 1
fi
if ! [[ $pr =~ ^[1-9][0-9]{0,9}$ ]]; then
  echo "rescind: PR is not a pull request number: $(printf '%q' "$pr")" >&2
  exit 1
fi
case $kind in plans | runs) ;; *)
  echo "rescind: KIND must be plans or runs" >&2
  exit 1
  ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$bot" ]; then
  "$gh" api user > "$tmp/user.json"
  bot=$("${helper[@]}" field "$tmp/user.json" login)
  if [ -z "$bot" ]; then
    echo "rescind: cannot tell which login the token writes as; set BOT_LOGIN" >&2
    exit 1
  fi
fi

status=0
shopt -s nullglob
mds=("$out/$kind"/*.md)
if [ "${#mds[@]}" -eq 0 ]; then exit 0; fi
"$gh" api --paginate --slurp "repos/$repo/issues/$pr/comments" > "$tmp/comments.json"
for md in "${mds[@]}"; do
  name=$(basename "$md" .md)
  if ! is_name "$name"; then
    echo "rescind: $(printf '%q' "$md") is not named by the plan step; not posted" >&2
    status=1
    continue
  fi
  marker="<!-- rescind:$kind:$name -->"
  body="$(printf '%s\n' "$marker"; cat "$md")"
  id=$("${helper[@]}" comment-id "$tmp/comments.json" "$bot" "$marker")
  if [ -n "$id" ]; then
    "$gh" api --method PATCH "repos/$repo/issues/comments/$id" -f body="$body" > /dev/null
  else
    "$gh" api --method POST "repos/$repo/issues/$pr/comments" -f body="$body" > /dev/null
  fi
done
exit "$status"
