// go-server: the copying-stack peer of tpc-server and fut-server.  One
// goroutine per connection on raw TCP (no net/http), the same HTTP/1.1
// subset, limits and bytes as the C servers; GET /heavy holds
// --heavy-bytes on the goroutine's stack, which the runtime grows by
// copying and the garbage collector shrinks again.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"stacklab/go-server/cliflag"
	"stacklab/go-server/heavy"
	"stacklab/go-server/http1"
	"stacklab/go-server/workload"
)

const prog = "go-server"

// config is set once by main before the first connection; read-only after.
type config struct {
	heavyBytes      int
	maxConns        uint64
	idleTimeout     time.Duration
	shutdownTimeout time.Duration
	limits          http1.Limits
}

func usage(out io.Writer) {
	fmt.Fprint(out, `usage: `+prog+` --port P [OPTION]...

HTTP/1.1 server, one goroutine per connection (Go's copying stacks).
GET / answers a short body; GET /heavy digests --heavy-bytes held on the
goroutine's stack, so the runtime grows that stack by copying.

      --port P                TCP port (0: any free one; the address is printed)
  -a, --addr A                IPv4 address to listen on (default 127.0.0.1)
  -H, --heavy-bytes N         GET /heavy scratch size (default 256K, at most 256M);
                              K, M, G suffixes
  -m, --max-conns N           connections served at once; more get 503
                              (default 100000, or what RLIMIT_NOFILE allows)
      --max-header-bytes N    request head limit; more gets 431 (default 8K)
      --idle-timeout T        idle or unfinished-head limit; then 408 (default 10s)
      --shutdown-timeout T    on SIGTERM, exit within T (default 2s)
  -t, --threads N             GOMAXPROCS (default 1)
      --stats FILE            write the runtime's stack and GC figures to FILE
                              as one JSON object at exit and on each SIGUSR1
  -h, --help                  this text
  -V, --version               print "go-server (stacklab) VERSION"

Durations T: a number with an optional unit ns, us, ms, s, m or h
(500ms, 1.5s, 1m); a bare number is seconds.  Old spelling, for one
release: -p P (--port).

SIGINT or SIGTERM: stop accepting, finish the request in flight on each
connection, serve nothing pipelined behind it, close, exit 0.

Examples:
  go-server --port 0
  go-server --port 8080 --heavy-bytes 1M --threads 2 --stats /tmp/go.json
  kill -USR1 PID; cat /tmp/go.json
`)
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	var port, heavyBytes, maxConns, headBytes, threads uint64
	heavyBytes = workload.DefaultHeavyBytes
	maxConns, headBytes, threads = 100000, 8192, 1
	idle, shutdown := 10*time.Second, 2*time.Second
	addr, statsPath, version := "127.0.0.1", "", false

	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	portFlag := &cliflag.Uint{V: &port, Max: 65535}
	maxConnsFlag := &cliflag.Uint{V: &maxConns, Min: 1, Max: 1 << 32}
	heavyFlag := &cliflag.Uint{V: &heavyBytes, Min: 1, Max: heavy.MaxBytes, Sizes: true}
	fs.Var(portFlag, "port", "")
	// -p is a PID in the other tools.
	fs.Var(&cliflag.Deprecated{Value: portFlag, Prog: prog, Old: "-p (port)", New: "--port"}, "p", "")
	for _, name := range []string{"addr", "a"} {
		fs.StringVar(&addr, name, addr, "")
	}
	for _, name := range []string{"heavy-bytes", "H"} {
		fs.Var(heavyFlag, name, "")
	}
	for _, name := range []string{"max-conns", "m"} {
		fs.Var(maxConnsFlag, name, "")
	}
	fs.Var(&cliflag.Uint{V: &headBytes, Min: 256, Max: 1 << 20, Sizes: true}, "max-header-bytes", "")
	fs.Var(&cliflag.Duration{V: &idle, Min: time.Millisecond, Max: 24 * time.Hour}, "idle-timeout", "")
	fs.Var(&cliflag.Duration{V: &shutdown, Max: 24 * time.Hour}, "shutdown-timeout", "")
	for _, name := range []string{"version", "V"} {
		fs.BoolVar(&version, name, false, "")
	}
	threadsFlag := &cliflag.Uint{V: &threads, Min: 1, Max: 4096}
	for _, name := range []string{"threads", "t"} {
		fs.Var(threadsFlag, name, "")
	}
	fs.StringVar(&statsPath, "stats", "", "")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(os.Stdout)
			return 0
		}
		fmt.Fprintln(os.Stderr, cliflag.Explain(prog, err))
		return 2
	}
	if version {
		cliflag.PrintVersion(prog)
		return 0
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "%s: unexpected argument '%s'; try '%s --help'\n", prog, fs.Arg(0), prog)
		return 2
	}
	if !portFlag.Given {
		fmt.Fprintf(os.Stderr, "%s: --port is required (0 for any free port); try '%s --help'\n", prog, prog)
		return 2
	}
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() == nil {
		fmt.Fprintf(os.Stderr, "%s: '%s' is not an IPv4 address (e.g. 127.0.0.1)\n", prog, addr)
		return 2
	}
	if statsPath != "" {
		if err := checkStatsPath(statsPath); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
			return 2
		}
	}

	cfg := &config{
		heavyBytes:      int(heavyBytes),
		maxConns:        maxConns,
		idleTimeout:     idle,
		shutdownTimeout: shutdown,
		limits:          http1.DefaultLimits,
	}
	cfg.limits.MaxHeadBytes = int(headBytes)
	runtime.GOMAXPROCS(int(threads))
	// A stack grows by doubling: the heavy branch may need twice its size.
	debug.SetMaxStack(max(1<<30, 4*cfg.heavyBytes))
	fitMaxConns(&cfg.maxConns, maxConnsFlag.Given)
	warnSomaxconn()

	ln, err := net.ListenTCP("tcp4", &net.TCPAddr{IP: ip, Port: int(port)})
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: cannot listen on %s:%d: %v; pick another --port\n", prog, addr, port, err)
		return 1
	}
	srv := newServer(cfg, ln)

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGUSR1)
	fmt.Printf("%s: listening on %s:%d (goroutine per connection, GOMAXPROCS %d, heavy %d KiB)\n",
		prog, addr, ln.Addr().(*net.TCPAddr).Port, threads, cfg.heavyBytes/1024)
	os.Stdout.Sync()

	go srv.acceptLoop()
	for sig := range sigs {
		if sig != syscall.SIGUSR1 {
			break
		}
		saveStats(statsPath, srv)
	}

	left := srv.stop()
	saveStats(statsPath, srv)
	note := ""
	if left > 0 {
		note = ", " + strconv.Itoa(left) + " connections cut at --shutdown-timeout"
	}
	fmt.Printf("%s: stopped: %d requests served%s\n", prog, srv.requests.Load(), note)
	return 0
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func saveStats(path string, srv *server) {
	if path == "" {
		return
	}
	if err := writeStats(path, collectStats(srv.requests.Load())); err != nil {
		fmt.Fprintf(os.Stderr, "%s: --stats %s: %v\n", prog, path, err)
	}
}
