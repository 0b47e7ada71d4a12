#!/bin/sh
# Smoke test (test VM): stacklab.ko loads, creates /proc/stacklab, unloads
# cleanly, and the kernel log stays free of BUG, WARNING and Oops.
. "$(dirname "$0")/../lib/tap.sh"

ko=kmod/$(uname -r)/stacklab.ko
tap_plan 5
tap_check "module built for $(uname -r)" test -r "$ko"
tap_check "insmod stacklab.ko" insmod "$ko"
tap_check "/proc/stacklab exists" test -d /proc/stacklab
tap_check "rmmod stacklab removes /proc/stacklab" \
	sh -c 'rmmod stacklab && ! test -e /proc/stacklab'
tap_check "kernel log has no BUG, WARNING or Oops" \
	sh -c '! dmesg | grep -E "BUG|WARNING|Oops|Call Trace"'
tap_exit
