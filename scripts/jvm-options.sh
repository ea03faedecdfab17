# Sourced by ./circuitscope and by the release archive's bin/circuitscope (as lib/jvm-options.sh):
# the one reader of server/jvm.options for the shell launchers. POSIX sh, since the archive's
# launcher must not need bash.

# jvm_options FILE lsp|batch: prints the options of FILE whose condition holds for that kind of
# command, one word per line, in order (the file's header explains the format). An unknown
# condition is an error (exit 1), so a typo never drops an option silently.
# A subshell body: its variables, IFS and set -f stay inside.
jvm_options() (
  file=$1
  mode=$2
  thp=false
  thp_setting=/sys/kernel/mm/transparent_hugepage/enabled
  [ -r "$thp_setting" ] && grep -q -E '\[(always|madvise)\]' "$thp_setting" && thp=true
  set -f # an option's words are passed as written, never expanded as file names
  while read -r when option || [ -n "$when" ]; do
    case "$when" in '' | '#'*) continue ;; esac
    holds=true
    IFS=+
    for c in $when; do
      case "$c" in
        all) ;;
        lsp) [ "$mode" = lsp ] || holds=false ;;
        batch) [ "$mode" = batch ] || holds=false ;;
        thp) $thp || holds=false ;;
        *) echo "circuitscope: $file: unknown condition '$c' in '$when $option' (all, lsp, batch, thp, joined with +)" >&2; exit 1 ;;
      esac
    done
    unset IFS
    if $holds; then
      for word in $option; do printf '%s\n' "$word"; done
    fi
  done <"$file"
)
