#!/usr/bin/env bash
# test_install.sh: what `cmake --install` ships, installed into a DESTDIR: the program, the
# aetui(1) man page and the bash completion. The page renders without a groff warning and holds
# every command's --help (it is made from them at build time); the completion, sourced in a
# bash, completes commands, a command's options, model names and run ids (from `aetui runs`).
set -u
. "$(dirname "$0")/cli_harness.sh"
cli_setup install
BUILD=$(dirname "$BIN")
command -v groff >/dev/null || { echo "SKIP: groff is not installed (bootstrap --test-deps)"; exit 77; }
R=$T/root
run 0 "cmake --install" env DESTDIR="$R" cmake --install "$BUILD" --prefix /usr/local
P=$R/usr/local
[ -x "$P/bin/aetui" ] && ok || bad "no bin/aetui: $(find "$R" -type f)"
run 0 "installed aetui --version" "$P/bin/aetui" --version
has out "^aetui [0-9]"
MAN=$P/share/man/man1/aetui.1
COMP=$P/share/bash-completion/completions/aetui
[ -f "$MAN" ] && ok || bad "no man page: $(find "$R" -type f)"
[ -f "$COMP" ] && ok || bad "no bash completion: $(find "$R" -type f)"

# the page: no warning from groff, every command's help in it
run 0 "groff" groff -man -Tutf8 -ww -z "$MAN"
[ -s "$T/err" ] && bad "groff warns: $(head -c 300 "$T/err")" || ok
if command -v man >/dev/null; then
    MANWIDTH=100 run 0 "man -l" env MANWIDTH=100 man -l "$MAN"
else
    run 0 "groff render" groff -man -Tutf8 "$MAN"
fi
sed 's/.\x08//g' "$T/out" >"$T/page" # no overstrike
cmds=$("$BIN" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
[ "$(echo "$cmds" | wc -w)" -ge 10 ] && ok || bad "commands from --help: $cmds"
for c in $cmds; do
    grep -q "^ *aetui $c$" "$T/page" && ok || bad "man page has no section for $c"
    line=$("$BIN" $c --help | head -1 | sed 's/^ *//')
    grep -qF -- "$line" "$T/page" && ok || bad "man page lacks $c's usage line: $line"
done
grep -q "EXIT STATUS" "$T/page" && ok || bad "no EXIT STATUS section"

# the completion, in a bash of its own
"$(dirname "$BIN")/tests/test_store" --fill "$T/s.db" >/dev/null || bad "fill"
complete_words() { # WORD...: the completions of the last word
    PATH="$BUILD:$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _aetui; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$COMP" "$@" 2>&1
}
[ "$(complete_words aetui tra | sort | tr '\n' ' ')" = "train traverse " ] && ok || bad "aetui tra<TAB>: $(complete_words aetui tra)"
[ "$(complete_words aetui re | sort | tr '\n' ' ')" = "reconstruct " ] && ok || bad "aetui re<TAB>: $(complete_words aetui re)"
complete_words aetui train --la | grep -qx -- --latent && ok || bad "train --la<TAB>: $(complete_words aetui train --la)"
complete_words aetui runs --so | grep -qx -- --sort && ok || bad "runs --so<TAB>"
models=$("$BIN" train --help | sed -n 's/^  --model M *\([a-z|-]*\).*/\1/p' | tr '|' '\n' | sort | tr '\n' ' ')
case $models in *lstm*) ok ;; *) bad "no models in train --help: $models" ;; esac
[ "$(complete_words aetui train --model "" | sort | tr '\n' ' ')" = "$models" ] && ok ||
    bad "--model <TAB> ($models): $(complete_words aetui train --model "")"
ids=$("$BIN" runs --db "$T/s.db" | awk 'NR > 1 {print $1}' | sort | tr '\n' ' ')
[ -n "$ids" ] && [ "$(complete_words aetui show --db "$T/s.db" "" | sort | tr '\n' ' ')" = "$ids" ] && ok ||
    bad "show <TAB> (run ids $ids): $(complete_words aetui show --db "$T/s.db" "")"
[ "$(complete_words aetui train --db "$T/s.db" --resume "" | sort | tr '\n' ' ')" = "$ids" ] && ok ||
    bad "--resume <TAB>: $(complete_words aetui train --db "$T/s.db" --resume "")"
finish
