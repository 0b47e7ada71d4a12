#!/bin/sh
# Run a test of the Rust peer, or skip it with the reason when Debian's
# cargo is absent.  usage: tests/peers/with-rust.sh COMMAND [ARG]...
# (from the build tree)
if [ ! -x peers/rust-server ]; then
	if [ ! -x /usr/bin/cargo ]; then
		echo "1..0 # SKIP /usr/bin/cargo is not installed (make deps installs rustc, cargo and librust-tokio-dev)"
		exit 0
	fi
	echo "Bail out! /usr/bin/cargo is installed but peers/rust-server is not built: run make"
	exit 1
fi
exec "$@"
