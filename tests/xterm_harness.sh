# xterm_harness.sh: what the xterm-under-Xvfb tests share (sourced, not a test): a private X
# display, one xterm showing sixel (-ti vt340, 256 colour registers), keys typed into it
# through XTEST (xdotool), and screenshots of its window.
# The caller sets T (its temporary directory) and calls xh_cleanup from its EXIT trap.
# Missing tools or a display that does not start make the test skip (exit 77).
XH_XPID= XH_TPID= XH_WIN=

xh_need() {
    local c
    for c in Xvfb xterm import convert compare xdotool "$@"; do
        command -v "$c" >/dev/null || { echo "SKIP: $c is not installed"; exit 77; }
    done
}

# xh_start_x: a private Xvfb; exports DISPLAY
xh_start_x() {
    local n d=
    for n in $(seq 90 250); do
        [ -e /tmp/.X$n-lock ] || [ -e /tmp/.X11-unix/X$n ] || { d=$n; break; }
    done
    [ -n "$d" ] || { echo "SKIP: no free X display"; exit 77; }
    Xvfb :$d -screen 0 1600x1200x24 -nolisten tcp >"$T/xvfb.log" 2>&1 &
    XH_XPID=$!
    for n in $(seq 50); do [ -e /tmp/.X11-unix/X$d ] && break; sleep 0.1; done
    [ -e /tmp/.X11-unix/X$d ] || { cat "$T/xvfb.log"; echo "SKIP: Xvfb did not start"; exit 77; }
    export DISPLAY=:$d
}

# xh_start_term COLSxROWS light|dark CMD: xterm running CMD (a shell command line) with
# TERM=xterm-256color; CMD's exit status goes to $T/exit. Waits for the window and focuses it.
xh_start_term() {
    local geo=$1 theme=$2 cmd=$3 fg=black bg=white i
    [ "$theme" = dark ] && fg=white bg=black
    xterm -ti vt340 -xrm 'XTerm*decTerminalID: vt340' -xrm 'XTerm*numColorRegisters: 256' \
        -xrm 'XTerm*sixelScrolling: true' -fg $fg -bg $bg -geometry "$geo+0+0" -fa Mono -fs 10 \
        -e sh -c "TERM=xterm-256color $cmd; echo \$? >'$T/exit'" &
    XH_TPID=$!
    for i in $(seq 50); do
        XH_WIN=$(xdotool search --pid $XH_TPID 2>/dev/null | head -1)
        [ -n "$XH_WIN" ] && break
        sleep 0.1
    done
    [ -n "$XH_WIN" ] || { echo "SKIP: the xterm window did not appear"; exit 77; }
    xdotool mousemove 5 5 windowfocus --sync "$XH_WIN" 2>/dev/null
}

# xh_keys KEY...: xdotool key names (2, s, Return, Down, ctrl+l), typed into the focused xterm
xh_keys() { xdotool key --delay 80 "$@" 2>/dev/null; }

# xh_shot FILE: a PNG of the xterm window
xh_shot() {
    local geo
    geo=$(xdotool getwindowgeometry "$XH_WIN" 2>/dev/null | awk '/Geometry/{print $2}')
    import -display "$DISPLAY" -window root ${geo:+-crop ${geo}+0+0} +repage "$1" 2>/dev/null
}

# xh_diff A B: the number of pixels that differ between two screenshots, leaving out the
# bottom 30 pixels (the status bar, where transient messages come and go)
xh_diff() {
    local h
    h=$(identify -format %h "$1" 2>/dev/null || echo 60)
    convert "$1" -crop "x$((h - 30))+0+0" +repage "$T/xh_a.png" &&
        convert "$2" -crop "x$((h - 30))+0+0" +repage "$T/xh_b.png" &&
        compare -metric AE "$T/xh_a.png" "$T/xh_b.png" null: 2>&1 | awk 'NR == 1 {print int($1)}'
}

xh_cleanup() {
    [ -n "$XH_TPID" ] && kill "$XH_TPID" 2>/dev/null
    [ -n "$XH_XPID" ] && kill "$XH_XPID" 2>/dev/null
    XH_TPID= XH_XPID=
}
