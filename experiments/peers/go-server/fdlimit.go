package main

import (
	"fmt"
	"os"
	"syscall"
)

// Descriptors kept beyond the connections (listener, stdio, runtime).
const spareFDs = 64

// fitMaxConns raises RLIMIT_NOFILE for maxConns connections (root may
// raise the hard limit; Go already lifts the soft one to it) and lowers
// maxConns, with a warning when it was given, if that is not possible.
func fitMaxConns(maxConns *uint64, given bool) {
	var lim syscall.Rlimit
	want := *maxConns + spareFDs

	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil {
		return
	}
	if lim.Max < want {
		raised := syscall.Rlimit{Cur: want, Max: want}
		// Needs CAP_SYS_RESOURCE, and want <= fs.nr_open.
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised) == nil {
			return
		}
	}
	if lim.Cur < want && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	if lim.Cur >= want {
		return
	}
	fit := uint64(spareFDs)
	if lim.Cur > 2*spareFDs {
		fit = lim.Cur - spareFDs
	}
	if given {
		fmt.Fprintf(os.Stderr, "%s: warning: RLIMIT_NOFILE allows %d descriptors: --max-conns lowered to %d (run as root, or raise the hard limit: ulimit -Hn)\n",
			prog, lim.Cur, fit)
	}
	*maxConns = fit
}

// warnSomaxconn: the accept queue is bounded by net.core.somaxconn.
func warnSomaxconn() {
	var v int
	f, err := os.Open("/proc/sys/net/core/somaxconn")
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := fmt.Fscan(f, &v); err == nil && v < 4096 {
		fmt.Fprintf(os.Stderr, "%s: warning: net.core.somaxconn is %d: the accept queue holds at most that many connections; raise it with 'sysctl -w net.core.somaxconn=4096'\n",
			prog, v)
	}
}
