#!/bin/bash
# scripts/deps by job: the host job (make deps, make paired) brings no
# kernel image, no qemu and no service; every job lists packages apt
# knows; bad usage is one line and exit 2.  Run from build/; host only.
. tests/lib/tap.sh
src=$(cd .. && pwd)
[ -x "$src/scripts/deps" ] || { echo "1..0 # SKIP no source tree above $(pwd)"; exit 0; }
cd "$src" || exit 1
tap_plan 7

jobs="host vm bench check"
all_listed() {
	local j
	for j in $jobs; do
		[ -n "$(scripts/deps --list "$j")" ] || { tap_diag "job $j lists nothing"; return 1; }
	done
}
tap_check "every job lists packages" all_listed

known_to_apt() {
	local j p bad=0
	for j in $jobs; do
		for p in $(scripts/deps --list "$j"); do
			apt-cache show "$p" >/dev/null 2>&1 || { tap_diag "$j: apt knows no $p"; bad=1; }
		done
	done
	return $bad
}
tap_check "apt knows every listed package" known_to_apt

host_is_light() {
	local bad
	bad=$(scripts/deps --list host | grep -E '^(qemu|linux-image|nginx|h2o|mariadb|busybox)')
	[ -z "$bad" ] || { tap_diag "host job installs: $bad"; return 1; }
}
tap_check "the host job installs no kernel image, qemu or server" host_is_light

# The installed host packages ship no service that starts at boot.
host_no_service() {
	local p files bad=0
	for p in $(scripts/deps --list host); do
		files=$(dpkg-query -L "$p" 2>/dev/null) || continue
		if grep -Eq '^(/usr)?/lib/systemd/system/[^/]+\.service$|^/etc/init\.d/' <<<"$files"; then
			tap_diag "$p ships a service"; bad=1
		fi
	done
	return $bad
}
tap_check "no host package ships a service" host_no_service

listed_once() {
	local dup
	dup=$(for j in $jobs; do scripts/deps --list "$j"; done | sort | uniq -d)
	[ -z "$dup" ] || { tap_diag "in two jobs: $dup"; return 1; }
}
tap_check "each package belongs to one job" listed_once

# One line naming the mistake and the way to help, exit 2.
bad_usage() {
	local out rc
	out=$(scripts/deps "$@" 2>&1 >/dev/null); rc=$?
	[ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
		grep -q "try 'scripts/deps --help'" <<<"$out" ||
		{ tap_diag "scripts/deps $*: exit $rc, '$out'"; return 1; }
}
tap_check "an unknown job: one line, exit 2" bad_usage nope
tap_check "--list without a job: one line, exit 2" bad_usage --list
tap_exit
