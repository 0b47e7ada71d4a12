package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
)

// runtimeStats is the --stats JSON object: the Go runtime's own view of
// the memory the goroutines hold.
type runtimeStats struct {
	StackInuseBytes    uint64  `json:"stack_inuse_bytes"`
	StackSysBytes      uint64  `json:"stack_sys_bytes"`
	StackStartingBytes uint64  `json:"stack_starting_size_bytes"`
	HeapInuseBytes     uint64  `json:"heap_inuse_bytes"`
	GCCycles           uint32  `json:"gc_cycles"`
	Goroutines         int     `json:"goroutines"`
	RequestsServed     uint64  `json:"requests_served"`
	StackGrowths       *uint64 `json:"stack_growths"`
	StackGrowthsNote   string  `json:"stack_growths_note,omitempty"`
}

const stackGrowthsNote = "not obtainable: Go " +
	"1.19's runtime counts no stack growths (neither runtime.MemStats nor " +
	"runtime/metrics has one, and runtime.morestack is not hookable " +
	"without patching the runtime); stack_inuse_bytes shows their result"

func collectStats(requests uint64) runtimeStats {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	start := []metrics.Sample{{Name: "/gc/stack/starting-size:bytes"}}
	metrics.Read(start)
	st := runtimeStats{
		StackInuseBytes:  ms.StackInuse,
		StackSysBytes:    ms.StackSys,
		HeapInuseBytes:   ms.HeapInuse,
		GCCycles:         ms.NumGC,
		Goroutines:       runtime.NumGoroutine(),
		RequestsServed:   requests,
		StackGrowthsNote: stackGrowthsNote,
	}
	if start[0].Value.Kind() == metrics.KindUint64 {
		st.StackStartingBytes = start[0].Value.Uint64()
	}
	return st
}

// checkStatsPath fails at start, not at exit, when path cannot be
// written: a temporary file beside it must be creatable.
func checkStatsPath(path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".go-server-stats-*")
	if err != nil {
		return fmt.Errorf("--stats %s: cannot write there: %v (pick a writable directory)", path, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// writeStats replaces path with one JSON object and a newline, through a
// rename, so that a reader never sees half of it.
func writeStats(path string, st runtimeStats) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".go-server-stats-*")
	if err != nil {
		return err
	}
	_, err = f.Write(append(data, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
