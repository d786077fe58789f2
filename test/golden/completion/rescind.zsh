#compdef rescind
# rescind completion for zsh: put it in a folder of your $fpath as _rescind.
_rescind_runs() {
  local -a ids
  ids=(${(f)"$(${words[1]} runs --ids 2>/dev/null)"})
  _describe 'run' ids
}
_rescind() {
  local -a commands
  commands=(
    'validate:check plans, configs and policies against their schemas'
    'plan:show what a plan would revoke, from live state (nothing is revoked)'
    'show:print a saved plan, or the report of a run'
    'apply:revoke what a plan says, verify every target, journal every step'
    'runs:list the runs of apply, newest first, and how each ended'
    'emulator:run the local cloud emulator'
    'init:write a starter config and an example plan (never overwrites)'
    'completion:print a completion script for bash, zsh or fish'
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "${words[2]}" in
    validate) _arguments '--format[output format]:value:(text json sarif)' '--config[config whose accounts plans must name (default\: rescind.config.yaml, if present)]:file:_files' '--stdin-filepath[the file name to locate problems of - (standard input) in; default <stdin>]:value:' '--max-diagnostics[diagnostics listed per file, the first in the file; 0 lists all (the exit status counts all)]:value:' '--debug[log each HTTP attempt and its outcome on stderr, secrets redacted (also RESCIND_LOG=debug)]' '--quiet[no progress and no notes on stderr; errors and results still print]' '--no-color[no colours, whatever FORCE_COLOR says (also NO_COLOR)]' '--help[show the help]' '*:file:_files' ;;
    plan) _arguments '--format[output format (markdown\: a pull-request comment)]:value:(text json markdown)' '--out[save the plan, for show and apply (one plan only)]:file:_files' '--detailed-exitcode[exit 2 when the plan has something to revoke, 0 when it has nothing]' '--config[the config with the accounts (default\: rescind.config.yaml in the plan'\''s folder or above)]:file:_files' '*--policy[a policy file to evaluate, besides the config'\''s policies]:file:_files' '--stdin-filepath[the file name to locate problems of - (standard input) in; default <stdin>]:value:' '--concurrency[reads at once (default\: the plan'\''s spec.concurrency, else 8)]:value:' '--debug[log each HTTP attempt and its outcome on stderr, secrets redacted (also RESCIND_LOG=debug)]' '--quiet[no progress and no notes on stderr; errors and results still print]' '--no-color[no colours, whatever FORCE_COLOR says (also NO_COLOR)]' '--help[show the help]' '*:file:_files' ;;
    show) _arguments '--format[output format]:value:(text json markdown)' '--debug[log each HTTP attempt and its outcome on stderr, secrets redacted (also RESCIND_LOG=debug)]' '--quiet[no progress and no notes on stderr; errors and results still print]' '--no-color[no colours, whatever FORCE_COLOR says (also NO_COLOR)]' '--help[show the help]' '*:saved plan or run:{_rescind_runs; _files}' ;;
    apply) _arguments '--yes[apply without asking (needed when not on a terminal)]' '--resume[continue the last run of FILE when it is unfinished, or the run RUN]' '--verify-inputs[always on\: a saved plan runs only with its plan, config and policy files, unchanged]' '--concurrency[calls at once (default\: the plan'\''s spec.concurrency, else 8)]:value:' '--format[the results\: text, or json (the run report)]:value:(text json)' '--config[the config with the accounts (default\: rescind.config.yaml in the plan'\''s folder or above)]:file:_files' '*--policy[a policy file to evaluate when FILE is planned now, besides the config'\''s]:file:_files' '--debug[log each HTTP attempt and its outcome on stderr, secrets redacted (also RESCIND_LOG=debug)]' '--quiet[no progress and no notes on stderr; errors and results still print]' '--no-color[no colours, whatever FORCE_COLOR says (also NO_COLOR)]' '--help[show the help]' '*:plan or run:{(( ${words[(I)--resume]} )) && _rescind_runs; _files}' ;;
    runs) _arguments '--format[output format]:value:(text json)' '--limit[list the newest N runs (default 20; with --ids, all), or all with 0]:value:' '--ids[print only the run ids, one a line, newest first (for scripts and shell completion)]' '--debug[log each HTTP attempt and its outcome on stderr, secrets redacted (also RESCIND_LOG=debug)]' '--quiet[no progress and no notes on stderr; errors and results still print]' '--no-color[no colours, whatever FORCE_COLOR says (also NO_COLOR)]' '--help[show the help]' ;;
    emulator) _arguments '--port[port (0\: any free port)]:value:' '--state[seed file (kind EmulatorState); default\: the demo seed]:file:_files' '--persist[keep the state in FILE across runs (loaded when present)]:file:_files' '--latency-ms[latency added to every answer]:value:' '--jitter-ms[random extra latency, up to N ms]:value:' '--error-rate[fraction (0 to 1) of requests answered with a 5xx]:value:' '--throttle-rps[requests per second per API above which the cloud'\''s throttling answer comes]:value:' '--drop-rate[fraction (0 to 1) of connections dropped without an answer]:value:' '--seed[seed of the fault injection PRNG (default\: 1)]:value:' '--credential-ttl-seconds[lifetime of every temporary credential and token it issues (default\: what each request asks)]:value:' '--oidc-issuer[the iss of the OIDC tokens it mints (default\: the seed'\''s, else its own URL)]:value:' '--show-builtin[print the built-in emulator'\''s state of this folder (secrets redacted) and exit]' '--reset-builtin[forget the built-in emulator'\''s state of this folder\: the next run starts from the demo seed]' '--debug[log each HTTP attempt and its outcome on stderr, secrets redacted (also RESCIND_LOG=debug)]' '--quiet[no progress and no notes on stderr; errors and results still print]' '--no-color[no colours, whatever FORCE_COLOR says (also NO_COLOR)]' '--help[show the help]' ;;
    init) _arguments '--plan[where to write the example plan]:file:_files' '--debug[log each HTTP attempt and its outcome on stderr, secrets redacted (also RESCIND_LOG=debug)]' '--quiet[no progress and no notes on stderr; errors and results still print]' '--no-color[no colours, whatever FORCE_COLOR says (also NO_COLOR)]' '--help[show the help]' ;;
    completion) _arguments '--debug[log each HTTP attempt and its outcome on stderr, secrets redacted (also RESCIND_LOG=debug)]' '--quiet[no progress and no notes on stderr; errors and results still print]' '--no-color[no colours, whatever FORCE_COLOR says (also NO_COLOR)]' '--help[show the help]' '1:shell:(bash zsh fish)' ;;
  esac
}
_rescind "$@"
