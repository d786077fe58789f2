# shellcheck shell=bash
# Sourced by the action's scripts: where they are, how they run rescind and their helper, and the
# checks every script makes of its environment before it uses it.
#
# RESCIND, when set, is how to run rescind, as words (`node path/to/bin/rescind.js`). By default the
# scripts run the rescind they ship with: bin/rescind.js beside this folder, the code of the action's
# own ref (or of the npm package they came in), never a name looked up in a registry at run time.

# shellcheck disable=SC2034 # the variables are used by the scripts that source this file
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
helper=(node "$here/helper.mjs")
if [ -n "${RESCIND:-}" ]; then
  read -r -a rescind <<< "$RESCIND"
else
  rescind=(node "$here/../bin/rescind.js")
fi

# words splits a space-separated list (PLANS, POLICIES) into the array named $1, without globbing; an
# item that starts with `-` gets `./` in front, so that no command takes it for an option.
words() {
  local -n into=$1
  local item
  read -r -a into <<< "$2"
  for item in "${!into[@]}"; do
    case ${into[item]} in -*) into[item]="./${into[item]}" ;; esac
  done
}

# is_name is true for a name the plan step gives (helper.mjs encodeName): letters, digits, `.`, `_`,
# `~` and `-`, not starting with `.`. Only such names become file names and comment markers.
is_name() {
  [[ ${#1} -le 200 && $1 =~ ^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$ ]]
}
