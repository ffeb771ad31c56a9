#!/bin/sh
# gen_completion.sh AETUI OUT: writes aetui's bash completion to OUT, made at build time
# from the program's --help texts: the commands from the command table (aetui --help), each
# command's options from its --help, the model names from train's --help. Run ids come from
# `aetui runs` (with the --db on the line) when a run id is expected.
set -eu
bin=$1
exec >"$2"
commands=$("$bin" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}' | tr '\n' ' ')
[ -n "$commands" ] || { echo "gen_completion.sh: no commands in '$bin --help'" >&2; exit 1; }
models=$("$bin" train --help | sed -n 's/^  --model M *\([a-z|-]*\).*/\1/p' | tr '|' ' ')
[ -n "$models" ] || { echo "gen_completion.sh: no models in '$bin train --help'" >&2; exit 1; }
datasets=$("$bin" train --help | sed -n 's/^  --dataset D *\([a-z0-9|-]*\).*/\1/p' | tr '|' ' ')
[ -n "$datasets" ] || { echo "gen_completion.sh: no datasets in '$bin train --help'" >&2; exit 1; }
opts() { "$bin" "$1" --help | grep -o -- '--[a-z][a-z-]*' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

cat <<EOF
# bash completion for aetui (generated from its --help by tools/gen_completion.sh)
_aetui_runs() {
    local i db=()
    for ((i = 1; i < \${#COMP_WORDS[@]} - 1; i++)); do
        [ "\${COMP_WORDS[i]}" = --db ] && db=(--db "\${COMP_WORDS[i + 1]}")
    done
    aetui runs "\${db[@]}" 2>/dev/null | awk 'NR > 1 {print \$1}'
}
_aetui() {
    local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD - 1]} cmd=\${COMP_WORDS[1]:-} words=""
    COMPREPLY=()
    if [ "\$COMP_CWORD" = 1 ]; then
        COMPREPLY=(\$(compgen -W "$commands --help --version --db --data-dir --screen" -- "\$cur"))
        return
    fi
    case \$prev in
    --model) words="$models" ;;
    --resume | --from) words=\$(_aetui_runs) ;;
    --db | --data-dir | --dir | --input | --labels | --out | --csv | --recon | --latent-plot | --loss-plot)
        COMPREPLY=(\$(compgen -f -- "\$cur"))
        return ;;
    --method) words="pca tsne" ;;
    --weights) words="last best" ;;
    --status) words="running finished stopped diverged failed interrupted" ;;
    --data) words="train test" ;;
    --dataset) words="$datasets" ;;
    --augment) words="none flip shift flip+shift" ;;
    --schedule) words="constant cosine" ;;
    esac
    if [ -z "\$words" ]; then
        case \$cur in
        -*)
            case \$cmd in
EOF
for c in $commands; do
    echo "            $c) words=\"$(opts "$c")\" ;;"
done
cat <<EOF
            esac ;;
        *)
            case \$cmd in
            show | export | rm | tag | untag | note | encode | reconstruct | embed) words=\$(_aetui_runs) ;;
            get) words="cifar10 mnist fashion-mnist" ;;
            esac ;;
        esac
    fi
    COMPREPLY=(\$(compgen -W "\$words" -- "\$cur"))
}
complete -F _aetui aetui
EOF
