# listening_port FILE [SECONDS]: the port a stacklab server announced as
# its first line in FILE ("NAME: listening on ADDR:PORT ..."), printed once
# it is there; waits up to SECONDS (default 5), else prints nothing and
# returns 1.  POSIX sh: sourced on the host and in the test VM.
# A caller that starts servers again into the same FILE empties it first
# (: >FILE): the redirection of a background job runs in the child, so
# this could otherwise read the previous server's port and connect to
# nothing.
listening_port() {
	_tries=$((${2:-5} * 20))
	while [ "$_tries" -gt 0 ]; do
		_port=$(sed -n 's/.*listening on [0-9.]*:\([0-9]*\).*/\1/p' "$1")
		if [ -n "$_port" ]; then
			echo "$_port"
			return 0
		fi
		sleep 0.05
		_tries=$((_tries - 1))
	done
	return 1
}
