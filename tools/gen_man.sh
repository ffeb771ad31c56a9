#!/bin/sh
# gen_man.sh AETUI VERSION OUT: writes the aetui(1) man page to OUT, made at build time
# from the program's own --help texts (aetui --help, then every command's --help), so that the
# page and the help never disagree: there is one text, in the C sources.
set -eu
bin=$1
version=$2
exec >"$3"
# roff: a backslash is \e, a line that starts with . or ' would be a request
esc() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
commands=$("$bin" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
[ -n "$commands" ] || { echo "gen_man.sh: no commands in '$bin --help'" >&2; exit 1; }

cat <<EOF
.TH AETUI 1 "" "aetui $version" "User Commands"
.SH NAME
aetui \\- train and compare autoencoders on the CPU, in a terminal
.SH SYNOPSIS
.B aetui
[\\fB\\-\\-db\\fR \\fIPATH\\fR] [\\fB\\-\\-data\\-dir\\fR \\fIDIR\\fR] [\\fB\\-\\-screen\\fR \\fIN\\fR]
.br
.B aetui
\\fICOMMAND\\fR [\\fIARGS\\fR]
.SH DESCRIPTION
The text below is the program's own \\fB\\-\\-help\\fR, and each command's.
.PP
.nf
EOF
"$bin" --help | esc
echo ".fi"
echo ".SH COMMANDS"
for c in $commands; do
    echo ".SS aetui $c"
    echo ".nf"
    "$bin" "$c" --help | esc
    echo ".fi"
done
cat <<'EOF'
.SH EXIT STATUS
0 success; 1 a failure at run time (a write error, a run that failed); 2 bad usage or bad
input (one line on standard error names the option or the file and the problem).
.SH ENVIRONMENT
.TP
.B AETUI_DB
the run store when \fB\-\-db\fR is not given (default: $XDG_DATA_HOME/aetui/aetui.db, else
~/.local/share/aetui/aetui.db)
.TP
.B AETUI_DATA
searched for the datasets when \fB\-\-data\-dir\fR is not given
.TP
.B NO_COLOR
the interface draws without colour
.SH FILES
.TP
.I STORE.runs/
each run's checkpoints, beside the store STORE.db
.TP
.I ~/.local/share/aetui/datasets
where \fBaetui get\fR puts the datasets
EOF
