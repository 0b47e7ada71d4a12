# The metrics of experiments/paired, defined once: what each figure is,
# its unit, the phase it is measured in, where it comes from, and how it
# is computed from the raw records of experiments/lib/paired-run.sh.
# Used by aggregate.jq (values), summary.jq (rows) and the README.
#
# def metric_defs: [ {key, label, unit, phase, source, definition} ]
# def metric_values(idle; load): {key: number or null}

def metric_defs: [
  {key: "bytes_per_conn", label: "bytes per idle connection", unit: "B", phase: "idle",
   source: "/proc/PID/status VmRSS, /proc/meminfo KernelStack, /proc/slabinfo task_struct (experiments/lib/memsnap.sh)",
   definition: "(server RSS + kernel stacks + task_struct slab) with N connections open and idle, minus the same with none, divided by N (docs/design.md)"},
  {key: "rss_per_conn", label: "  of which server RSS", unit: "B", phase: "idle",
   source: "/proc/PID/status VmRSS", definition: "growth of the server's resident set over N"},
  {key: "kstack_per_conn", label: "  of which kernel stacks", unit: "B", phase: "idle",
   source: "/proc/meminfo KernelStack (system-wide)", definition: "growth of all kernel stacks over N"},
  {key: "task_struct_per_conn", label: "  of which task_struct slab", unit: "B", phase: "idle",
   source: "/proc/slabinfo task_struct (system-wide)", definition: "growth of the task_struct slab (objects x size) over N"},
  {key: "socket_bytes_per_conn", label: "kernel socket memory per connection (apart)", unit: "B", phase: "idle",
   source: "/proc/net/sockstat TCP mem (system-wide, both ends)", definition: "growth of TCP socket pages x 4096 over N; the same for every server, so not in bytes per connection"},
  {key: "idle_threads", label: "threads with N idle connections", unit: "", phase: "idle",
   source: "/proc/PID/status Threads", definition: "the server's threads once all N connections are open"},
  {key: "idle_kstack_used_per_conn", label: "kernel stack used per idle connection (module)", unit: "B", phase: "idle",
   source: "/proc/stacklab/summary kstack_used_total", definition: "sum over the server's threads of each kernel stack's high-water mark, with N idle connections, divided by N (test VM only)"},
  {key: "requests_per_s", label: "requests/s", unit: "1/s", phase: "load",
   source: "loadgen --json requests_per_s", definition: "responses received over loadgen's elapsed time, closed loop, N connections"},
  {key: "latency_p50_ms", label: "latency p50", unit: "ms", phase: "load",
   source: "loadgen --json latency_ns.p50", definition: "median time from sending a request to its whole response"},
  {key: "latency_p90_ms", label: "latency p90", unit: "ms", phase: "load",
   source: "loadgen --json latency_ns.p90", definition: "90th percentile of the same"},
  {key: "latency_p99_ms", label: "latency p99", unit: "ms", phase: "load",
   source: "loadgen --json latency_ns.p99", definition: "99th percentile of the same"},
  {key: "latency_p999_ms", label: "latency p99.9", unit: "ms", phase: "load",
   source: "loadgen --json latency_ns.\"p99.9\"", definition: "99.9th percentile of the same"},
  {key: "errors", label: "errors and non-2xx responses", unit: "", phase: "load",
   source: "loadgen --json errors.*, non_2xx", definition: "connect, send, receive, parse, timeout and closed errors plus non-2xx responses; 0 expected"},
  {key: "ctx_switches_per_req", label: "context switches per request", unit: "", phase: "load",
   source: "stacklab-probe context_switches (sched_switch)", definition: "switches of the server's threads (as prev) while the probe was attached, divided by the responses loadgen received (docs/design.md)"},
  {key: "voluntary_per_req", label: "  of which voluntary", unit: "", phase: "load",
   source: "stacklab-probe voluntary", definition: "switches because the thread blocked, per request"},
  {key: "involuntary_per_req", label: "  of which involuntary", unit: "", phase: "load",
   source: "stacklab-probe involuntary", definition: "switches because the thread was preempted, per request"},
  {key: "runq_latency_mean_us", label: "run-queue latency, mean", unit: "us", phase: "load",
   source: "stacklab-probe runq_latency_ns.mean", definition: "mean time from a wakeup or preemption to getting a CPU"},
  {key: "syscalls_per_req", label: "syscalls per request", unit: "", phase: "load",
   source: "stacklab-probe syscalls (raw_syscalls:sys_enter)", definition: "system calls the server entered, per request"},
  {key: "uring_ops_per_req", label: "io_uring operations per request", unit: "", phase: "load",
   source: "stacklab-probe uring_submitted", definition: "io_uring requests (SQEs) the server submitted, per request"},
  {key: "uring_enter_per_req", label: "io_uring_enter calls per request", unit: "", phase: "load",
   source: "stacklab-probe uring_enter", definition: "io_uring_enter(2) calls, per request"},
  {key: "threads_peak", label: "threads (peak)", unit: "", phase: "load",
   source: "stacklab-probe peak_threads", definition: "the most threads the server had at once"},
  {key: "ustack_reserved_per_conn", label: "user stack reserved per connection", unit: "B", phase: "load",
   source: "stacklab-probe stack_reserved_bytes (mmap MAP_STACK, clone3)", definition: "thread-stack address space the server reserved during the load phase, divided by N"},
  {key: "ustack_touched_per_conn", label: "user stack touched per connection", unit: "B", phase: "load",
   source: "stacklab-probe stack_touched_bytes (page_fault_user in stack ranges)", definition: "first-touch faults in those stacks x page size, divided by N"},
  {key: "kstack_used_total", label: "kernel stack used, all threads (module)", unit: "B", phase: "load",
   source: "/proc/stacklab/summary kstack_used_total", definition: "sum of each thread's kernel-stack high-water mark, the highest of the samples taken every 0.25 s during the load (test VM only)"},
  {key: "kstack_used_max", label: "kernel stack used, deepest thread (module)", unit: "B", phase: "load",
   source: "/proc/stacklab/summary kstack_used_max", definition: "the deepest thread's kernel-stack high-water mark, in that sample (test VM only)"},
  {key: "cpu_user_s", label: "server CPU time, user", unit: "s", phase: "load",
   source: "/proc/PID/stat utime", definition: "user time of all the server's threads (dead ones included) over the load phase"},
  {key: "cpu_sys_s", label: "server CPU time, system", unit: "s", phase: "load",
   source: "/proc/PID/stat stime", definition: "system time of the same"},
  {key: "cpu_us_per_req", label: "server CPU per request", unit: "us", phase: "load",
   source: "/proc/PID/stat, loadgen", definition: "(user + system time) over the responses received"}
];

def per($x; $n): if $x == null or $n == null or $n == 0 then null else $x / $n end;
def ms: if . == null then null else . / 1e6 end;

def metric_values($idle; $load):
  ($idle.conns // $load.conns) as $n
  | ($load.loadgen.responses // null) as $resp
  | ($load.probe // {}) as $p
  | ($load.cpu_ticks // null) as $cpu
  | {
      bytes_per_conn: $idle.per_conn.bytes,
      rss_per_conn: $idle.per_conn.rss_bytes,
      kstack_per_conn: $idle.per_conn.kernel_stack_bytes,
      task_struct_per_conn: $idle.per_conn.task_struct_bytes,
      socket_bytes_per_conn: $idle.per_conn.socket_bytes,
      idle_threads: $idle.after.threads,
      idle_kstack_used_per_conn: per($idle.module.kstack_used_total; $n),
      requests_per_s: $load.loadgen.requests_per_s,
      latency_p50_ms: ($load.loadgen.latency_ns.p50 | ms),
      latency_p90_ms: ($load.loadgen.latency_ns.p90 | ms),
      latency_p99_ms: ($load.loadgen.latency_ns.p99 | ms),
      latency_p999_ms: ($load.loadgen.latency_ns["p99.9"] | ms),
      errors: (if $load.loadgen == null then null
               else ([$load.loadgen.errors[]] | add) + $load.loadgen.non_2xx end),
      ctx_switches_per_req: per($p.context_switches; $resp),
      voluntary_per_req: per($p.voluntary; $resp),
      involuntary_per_req: per($p.involuntary; $resp),
      runq_latency_mean_us: (if $p.runq_latency_ns == null then null else $p.runq_latency_ns.mean / 1e3 end),
      syscalls_per_req: per($p.syscalls; $resp),
      uring_ops_per_req: per($p.uring_submitted; $resp),
      uring_enter_per_req: per($p.uring_enter; $resp),
      threads_peak: $p.peak_threads,
      ustack_reserved_per_conn: per($p.stack_reserved_bytes; $n),
      ustack_touched_per_conn: per($p.stack_touched_bytes; $n),
      kstack_used_total: $load.module.kstack_used_total,
      kstack_used_max: $load.module.kstack_used_max,
      cpu_user_s: (if $cpu == null then null else $cpu.user / $cpu.clk_tck end),
      cpu_sys_s: (if $cpu == null then null else $cpu.sys / $cpu.clk_tck end),
      cpu_us_per_req: (if $cpu == null then null else per(($cpu.user + $cpu.sys) / $cpu.clk_tck * 1e6; $resp) end)
    };
