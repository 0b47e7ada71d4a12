#!/bin/sh
# rust-server's build uses Debian's /usr/bin/cargo and /usr/bin/rustc by
# path and nothing from $HOME: make's rule for it runs (forced with -W, so
# cargo itself runs and finds the build up to date) with an empty HOME and
# a PATH whose first cargo and rustc are fakes that fail, as a rustup
# toolchain in ~/.cargo/bin would come first; the binary's DWARF names the
# compiler that built it.  Run from build/ (host suite), through
# tests/peers/with-rust.sh; the source tree is build/'s parent.
. "$(dirname "$0")/../lib/tap.sh"

root=$(cd .. && pwd)
tmp=$(mktemp -d /tmp/rust-build-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/fake"
for tool in cargo rustc; do
	printf '#!/bin/sh\necho "fake %s called" >&2\ntouch %s/%s-called\nexit 1\n' \
		"$tool" "$tmp" "$tool" >"$tmp/fake/$tool"
	chmod +x "$tmp/fake/$tool"
done

tap_plan 4
env -i PATH="$tmp/fake:/usr/bin:/bin" HOME="$tmp/home" \
	make -s -C "$root" -W experiments/peers/rust-server/src/main.rs \
	build/peers/rust-server >"$tmp/make.out" 2>&1
rc=$?
tap_check "make build/peers/rust-server with an empty HOME and fake cargo and rustc first in PATH exits 0" \
	test "$rc" -eq 0
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/make.out" | tail -n 5
tap_check "neither fake was called (cargo and rustc by path)" \
	test ! -e "$tmp/cargo-called" -a ! -e "$tmp/rustc-called"
tap_check "nothing written to HOME ($(ls -A "$tmp/home" | tr '\n' ' '))" \
	test -z "$(ls -A "$tmp/home")"
want=$(/usr/bin/rustc --version | cut -d' ' -f2)
got=$(readelf --debug-dump=info peers/rust-server 2>/dev/null |
	sed -n 's/.*DW_AT_producer.*(rustc version \([^ )]*\).*/\1/p' | head -n 1)
tap_check "the binary was compiled by /usr/bin/rustc $want (DWARF producer: rustc ${got:-none})" \
	test -n "$got" -a "$got" = "$want"
tap_exit
