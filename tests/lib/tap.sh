# TAP helpers for stacklab's test runners and shell tests.
# POSIX sh: the same file runs on the host and under busybox in the test VM.

# --- for test scripts that produce TAP ------------------------------------
tap_n=0
tap_failed=0

tap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

# tap_check DESCRIPTION COMMAND [ARG]...: one test point, passing when
# COMMAND exits 0.
tap_check() {
	_desc=$1
	shift
	tap_n=$((tap_n + 1))
	if "$@"; then
		echo "ok $tap_n - $_desc"
	else
		echo "not ok $tap_n - $_desc"
		tap_failed=$((tap_failed + 1))
	fi
}

tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

tap_diag() {
	echo "# $*"
}

tap_exit() {
	[ "$tap_failed" -eq 0 ]
	exit $?
}

# --- for runners ----------------------------------------------------------
# tap_run NAME COMMAND [ARG]...: run one TAP producer with its output shown
# as it comes, hold it to its plan and exit status, and print
# "#@result NAME PASSED FAILED SKIPPED" for tap_total.  A producer that
# crashes before reporting every planned test, or exits non-zero without a
# failing test point, counts as failed.
tap_run() {
	_name=$1
	shift
	_log=$(mktemp)
	_rcf=$(mktemp)
	echo "# ==== $_name: $*"
	{ "$@" 2>&1; echo $? >"$_rcf"; } | tee "$_log"
	awk -v name="$_name" -v rc="$(cat "$_rcf")" '
	/^1\.\.[0-9]+/ {
		planned = 1; plan = substr($1, 4) + 0
		if (plan == 0 && $0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) whole_skip = 1
	}
	/^ok([ \t]|$)/ {
		if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) skip++; else pass++
	}
	/^not ok([ \t]|$)/ {
		if ($0 ~ /#[ \t]*TODO/) skip++; else fail++
	}
	END {
		ran = pass + fail + skip
		if (whole_skip) {
			skip++
		} else if (!planned) {
			printf "not ok - %s: no TAP plan (crashed or not a TAP producer?)\n", name
			fail++
		} else if (ran < plan) {
			printf "not ok - %s: %d of %d planned tests never reported\n", name, plan - ran, plan
			fail += plan - ran
		}
		# kselftest exits 4 (KSFT_SKIP) when it skipped tests.
		if (rc != 0 && !(rc == 4 && skip > 0) && fail == 0) {
			printf "not ok - %s: exited with status %d\n", name, rc
			fail++
		}
		printf "#@result %s %d %d %d\n", name, pass, fail, skip
	}' "$_log"
	rm -f "$_log" "$_rcf"
}

# tap_total < LOG: the summary line over every "#@result" in LOG.
tap_total() {
	awk '/^#@result / { p += $3; f += $4; s += $5 }
	     END { printf "%d passed, %d failed", p, f
		   if (s) printf ", %d skipped", s
		   printf "\n" }'
}
