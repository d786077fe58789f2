# rescind completion for bash: source it, or put it in your bash-completion folder.
_rescind() {
  local cur prev cmd i
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ "${COMP_WORDS[i]}" != -* ]]; then cmd="${COMP_WORDS[i]}"; break; fi
  done
  if [ -z "$cmd" ]; then
    COMPREPLY=($(compgen -W "validate plan show apply discover runs emulator init completion --help --version --debug --quiet --no-color" -- "$cur"))
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
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--format --config --stdin-filepath --max-diagnostics --debug --quiet --no-color --help" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
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
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--format --out --detailed-exitcode --config --policy --stdin-filepath --concurrency --debug --quiet --no-color --help" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
      ;;
    show)
      case "$prev" in
        --format) COMPREPLY=($(compgen -W "text json markdown" -- "$cur")); return ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--format --debug --quiet --no-color --help" -- "$cur")); return; fi
      COMPREPLY=($(compgen -f -- "$cur"))
      COMPREPLY+=($(compgen -W "$("${COMP_WORDS[0]}" runs --ids 2>/dev/null)" -- "$cur"))
      ;;
    apply)
      case "$prev" in
        --concurrency) return ;;
        --format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
        --config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --policy) COMPREPLY=($(compgen -f -- "$cur")); return ;;
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--yes --resume --verify-inputs --concurrency --format --config --policy --debug --quiet --no-color --help" -- "$cur")); return; fi
      COMPREPLY=($(compgen -f -- "$cur"))
      if [[ " ${COMP_WORDS[*]} " == *" --resume "* ]]; then COMPREPLY+=($(compgen -W "$("${COMP_WORDS[0]}" runs --ids 2>/dev/null)" -- "$cur")); fi
      ;;
    discover)
      case "$prev" in
        --principal) return ;;
        --certificate-name) return ;;
        --issuer) return ;;
        --account) return ;;
        --type) COMPREPLY=($(compgen -W "huaweicloud.cce.cluster-certificate huaweicloud.ccm.subordinate-ca alibabacloud.esa.client-certificate huaweicloud.kms.grant alibabacloud.ack.user-permissions" -- "$cur")); return ;;
        --reason) return ;;
        --ticket) return ;;
        --out) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "yaml json" -- "$cur")); return ;;
        --concurrency) return ;;
        --config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
      esac
      COMPREPLY=($(compgen -W "--principal --certificate-name --issuer --account --type --reason --ticket --out --force --format --allow-partial --concurrency --config --debug --quiet --no-color --help" -- "$cur"))
      ;;
    runs)
      case "$prev" in
        --format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
        --limit) return ;;
      esac
      COMPREPLY=($(compgen -W "--format --limit --ids --debug --quiet --no-color --help" -- "$cur"))
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
      COMPREPLY=($(compgen -W "--port --state --persist --latency-ms --jitter-ms --error-rate --throttle-rps --drop-rate --seed --credential-ttl-seconds --oidc-issuer --show-builtin --reset-builtin --debug --quiet --no-color --help" -- "$cur"))
      ;;
    init)
      case "$prev" in
        --plan) COMPREPLY=($(compgen -f -- "$cur")); return ;;
      esac
      COMPREPLY=($(compgen -W "--plan --debug --quiet --no-color --help" -- "$cur"))
      ;;
    completion)
      case "$prev" in
      esac
      COMPREPLY=($(compgen -W "bash zsh fish --debug --quiet --no-color --help" -- "$cur"))
      ;;
  esac
}
complete -o filenames -F _rescind rescind
