# rescind completion for bash: source it, or put it in your bash-completion folder.
_rescind() {
  local cur prev cmd
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD-1]}"
  cmd="${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "validate plan show apply emulator init completion --help --version" -- "$cur"))
    return
  fi
  case "$cmd" in
    validate)
      case "$prev" in
        --format) COMPREPLY=($(compgen -W "text json sarif" -- "$cur")); return ;;
        --config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --stdin-filepath) return ;;
        --max-diagnostics) return ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--format --config --stdin-filepath --max-diagnostics --help" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
      ;;
    plan)
      case "$prev" in
        --format) COMPREPLY=($(compgen -W "text json markdown" -- "$cur")); return ;;
        --out) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --policy) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --stdin-filepath) return ;;
        --concurrency) return ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--format --out --detailed-exitcode --config --policy --stdin-filepath --concurrency --help" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
      ;;
    show)
      case "$prev" in
        --format) COMPREPLY=($(compgen -W "text json markdown" -- "$cur")); return ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--format --help" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
      ;;
    apply)
      case "$prev" in
        --concurrency) return ;;
        --format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
        --config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --policy) COMPREPLY=($(compgen -f -- "$cur")); return ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--yes --resume --verify-inputs --concurrency --format --config --policy --help" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
      ;;
    emulator)
      case "$prev" in
        --port) return ;;
        --state) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --persist) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --latency-ms) return ;;
        --jitter-ms) return ;;
        --error-rate) return ;;
        --throttle-rps) return ;;
        --drop-rate) return ;;
        --seed) return ;;
        --credential-ttl-seconds) return ;;
        --oidc-issuer) return ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--port --state --persist --latency-ms --jitter-ms --error-rate --throttle-rps --drop-rate --seed --credential-ttl-seconds --oidc-issuer --show-builtin --reset-builtin --help" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
      ;;
    init)
      case "$prev" in
        --plan) COMPREPLY=($(compgen -f -- "$cur")); return ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--plan --help" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
      ;;
    completion)
      case "$prev" in
      esac
      COMPREPLY=($(compgen -W "bash zsh fish --help" -- "$cur"))
      ;;
  esac
}
complete -o filenames -F _rescind rescind
