// go-grow: what one stack growth by copying costs.  Each sample starts a
// fresh goroutine, whose stack has the runtime's starting size, and times
// go-server's heavy branch in it twice: the first call makes the runtime
// grow the stack (allocate one twice as large, copy, fix the pointers
// into it, again and again) until --heavy-bytes fits; the second runs on
// the already-grown stack.  The garbage collector is off while sampling,
// so no stack is shrunk and the starting size does not adapt in between.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"time"

	"stacklab/go-server/cliflag"
	"stacklab/go-server/heavy"
)

const prog = "go-grow"

func usage(out io.Writer) {
	fmt.Fprint(out, `usage: `+prog+` [--heavy-bytes N] [--samples K]

Times a call that holds --heavy-bytes on a fresh goroutine's stack, which
the Go runtime must grow by copying from its starting size, against the
same call on that goroutine once its stack is grown.  Run it alone (timing).

  --heavy-bytes N   bytes held on the stack (default 256K, as the servers;
                    K, M, G suffixes; at most 256M)
  --samples K       fresh goroutines timed (default 200)
  -h, --help        this text
  -V, --version     print "go-grow (stacklab) VERSION"

Ends with key value lines (medians, ns):
  go_grow_ns        the call that grows the stack
  go_grown_call_ns  the same call on the grown stack
  go_grow_penalty   go_grow_ns / go_grown_call_ns

Example:
  flock /tmp/stacklab-bench.lock go-grow --heavy-bytes 1M
`)
}

func main() {
	heavyBytes, samples, err := parseArgs(os.Args[1:])
	if err == errVersion {
		cliflag.PrintVersion(prog)
		return
	}
	if err == flag.ErrHelp {
		usage(os.Stdout)
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, cliflag.Explain(prog, err))
		os.Exit(2)
	}
	runtime.GOMAXPROCS(1)
	debug.SetMaxStack(max(1<<30, 4*heavyBytes))

	// One round with the collector on settles the heap; then it stays off.
	grow, grown := sample(heavyBytes)
	runtime.GC()
	debug.SetGCPercent(-1)
	start := startingStackSize()
	growNs := make([]float64, samples)
	grownNs := make([]float64, samples)
	for i := range growNs {
		grow, grown = sample(heavyBytes)
		growNs[i], grownNs[i] = float64(grow.Nanoseconds()), float64(grown.Nanoseconds())
	}
	debug.SetGCPercent(100)

	g, gr := summarize(growNs), summarize(grownNs)
	fmt.Printf("go-grow: %d KiB on a fresh goroutine's stack (starting size %d bytes), %d samples, %s\n",
		heavyBytes/1024, start, samples, runtime.Version())
	fmt.Printf("  growing call  median %10.0f ns  (min %.0f, p10 %.0f, p90 %.0f, max %.0f)\n",
		g.median, g.min, g.p10, g.p90, g.max)
	fmt.Printf("  grown call    median %10.0f ns  (min %.0f, p10 %.0f, p90 %.0f, max %.0f)\n",
		gr.median, gr.min, gr.p10, gr.p90, gr.max)
	fmt.Printf("  the growth by copying costs %.0f ns a call (%.2fx)\n", g.median-gr.median, g.median/gr.median)
	fmt.Printf("go_grow_ns %.0f\n", g.median)
	fmt.Printf("go_grown_call_ns %.0f\n", gr.median)
	fmt.Printf("go_grow_penalty %.2f\n", g.median/gr.median)
}

// sample times the two calls on one fresh goroutine.
func sample(n int) (grow, grown time.Duration) {
	done := make(chan [2]time.Duration)
	go func() {
		t0 := time.Now()
		heavy.Digest(n)
		t1 := time.Now()
		heavy.Digest(n)
		done <- [2]time.Duration{t1.Sub(t0), time.Since(t1)}
	}()
	d := <-done
	return d[0], d[1]
}

func startingStackSize() uint64 {
	s := []metrics.Sample{{Name: "/gc/stack/starting-size:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

type spread struct{ min, p10, median, p90, max float64 }

func summarize(v []float64) spread {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	at := func(q float64) float64 { return s[int(q*float64(len(s)-1)+0.5)] }
	return spread{s[0], at(0.1), at(0.5), at(0.9), s[len(s)-1]}
}

var errVersion = errors.New("--version")

func parseArgs(args []string) (heavyBytes, samples int, err error) {
	var hb, sm uint64 = 256 * 1024, 200
	version := false
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(&cliflag.Uint{V: &hb, Min: 1, Max: heavy.MaxBytes, Sizes: true}, "heavy-bytes", "")
	fs.Var(&cliflag.Uint{V: &sm, Min: 1, Max: 100000}, "samples", "")
	for _, name := range []string{"version", "V"} {
		fs.BoolVar(&version, name, false, "")
	}
	if err = fs.Parse(args); err != nil {
		return
	}
	if version {
		return 0, 0, errVersion
	}
	if fs.NArg() > 0 {
		return 0, 0, fmt.Errorf("unexpected argument '%s'", fs.Arg(0))
	}
	return int(hb), int(sm), nil
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}
