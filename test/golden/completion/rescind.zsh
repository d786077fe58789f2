#compdef rescind
# rescind completion for zsh: put it in a folder of your $fpath as _rescind.
_rescind() {
  local -a commands
  commands=(
    'validate:Check plans, configs and policies (files, directories walked for *.yaml and *.yml, or - for'
    'plan:Read the live state of every revocation of the plan FILE (- for standard input), expand its'
    'show:Print a saved plan (rescind plan --out) as rescind plan printed it, or the report of the run RUN'
    'apply:Revoke every target of a plan, verify each one by reading it again, and journal every step in'
    'emulator:Run the local cloud emulator\: Huawei Cloud CCE, CCM, KMS and IAM, Alibaba Cloud ESA, ACK and STS,'
    'init:Write a starter rescind.config.yaml (two accounts on the built-in emulator) and an example plan,'
    'completion:Print a completion script for a shell\: commands, options and their allowed values.'
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "${words[2]}" in
    validate) _arguments '--format[output format]:value:(text json sarif)' '--config[config whose accounts plans must name (default\: rescind.config.yaml, if present)]:file:_files' '--stdin-filepath[the file name to locate problems of - (standard input) in; default <stdin>]:value:' '--max-diagnostics[diagnostics listed per file, the first in the file; 0 lists all (the exit status counts all)]:value:' '--help[show the help]' '*:file:_files' ;;
    plan) _arguments '--format[output format (markdown\: a pull-request comment)]:value:(text json markdown)' '--out[save the plan, for show and apply]:file:_files' '--detailed-exitcode[exit 2 when the plan has something to revoke, 0 when it has nothing]' '--config[the config with the accounts (default\: rescind.config.yaml)]:file:_files' '*--policy[a policy file to evaluate, besides the config'\''s policies]:file:_files' '--stdin-filepath[the file name to locate problems of - (standard input) in; default <stdin>]:value:' '--concurrency[reads at once]:value:' '--help[show the help]' '*:file:_files' ;;
    show) _arguments '--format[output format]:value:(text json markdown)' '--help[show the help]' '*:file:_files' ;;
    apply) _arguments '--yes[apply without asking (needed when not on a terminal)]' '--resume[continue the last run of FILE when it is unfinished, or the run RUN]' '--verify-inputs[refuse a saved plan unless its plan, config and policy files are here, unchanged]' '--concurrency[calls at once (default\: the plan'\''s spec.concurrency, else 8)]:value:' '--format[the results\: text, or json (the run report)]:value:(text json)' '--config[the config with the accounts (default\: rescind.config.yaml)]:file:_files' '*--policy[a policy file to evaluate when FILE is planned now, besides the config'\''s]:file:_files' '--help[show the help]' '*:file:_files' ;;
    emulator) _arguments '--port[port (0\: any free port)]:value:' '--state[seed file (kind EmulatorState); default\: the demo seed]:file:_files' '--persist[keep the state in FILE across runs (loaded when present)]:file:_files' '--latency-ms[latency added to every answer]:value:' '--jitter-ms[random extra latency, up to N ms]:value:' '--error-rate[fraction (0 to 1) of requests answered with a 5xx]:value:' '--throttle-rps[requests per second per API above which the cloud'\''s throttling answer comes]:value:' '--drop-rate[fraction (0 to 1) of connections dropped without an answer]:value:' '--seed[seed of the fault injection PRNG (default\: 1)]:value:' '--credential-ttl-seconds[lifetime of every temporary credential and token it issues (default\: what each request asks)]:value:' '--oidc-issuer[the iss of the OIDC tokens it mints (default\: the seed'\''s, else its own URL)]:value:' '--show-builtin[print the built-in emulator'\''s state of this folder (secrets redacted) and exit]' '--reset-builtin[forget the built-in emulator'\''s state of this folder\: the next run starts from the demo seed]' '--help[show the help]' '*:file:_files' ;;
    init) _arguments '--plan[where to write the example plan]:file:_files' '--help[show the help]' '*:file:_files' ;;
    completion) _arguments '--help[show the help]' '1:shell:(bash zsh fish)' ;;
  esac
}
_rescind "$@"
