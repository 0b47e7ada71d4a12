#!/bin/sh
# Run a test of the Go peer, or skip it with the reason when Go is absent.
# usage: tests/peers/with-go.sh COMMAND [ARG]...   (from the build tree)
if [ ! -x peers/go-server ] || [ ! -x peers/go-grow ] || [ ! -x peers/race/go-server ]; then
	if ! command -v go >/dev/null 2>&1; then
		echo "1..0 # SKIP go is not installed (make deps installs golang-go)"
		exit 0
	fi
	echo "Bail out! go is installed but peers/go-server, peers/go-grow or peers/race/go-server is not built: run make"
	exit 1
fi
exec "$@"
