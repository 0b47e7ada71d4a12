# attach_tool OUT ERR COMMAND [ARG]...: start a BPF tool (stacklab-probe,
# stack-advise) in the background, its stdout to OUT and its stderr to ERR,
# and return once it has said on ERR that it attached ("attached" or
# "watching"): 0, or 1 if it exited first.  Its pid is in $attached_pid.
# ERR is emptied first: the redirection of a background job runs in the
# child, so an ERR left by an earlier run could say "watching" before this
# tool has attached, and the load that follows would run unwatched.
# POSIX sh.
attach_tool() {
	_at_out=$1 _at_err=$2
	shift 2
	: >"$_at_err"
	"$@" >"$_at_out" 2>"$_at_err" &
	attached_pid=$!
	while ! grep -Eq 'attached|watching' "$_at_err"; do
		kill -0 "$attached_pid" 2>/dev/null || return 1
		sleep 0.05
	done
}
