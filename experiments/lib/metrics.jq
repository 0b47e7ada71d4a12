# The metrics of experiments/paired, defined once: what each figure is,
# its unit, the phase it is measured in, where it comes from, and how it
# is computed from the raw records of experiments/lib/paired-run.sh.
# Used by aggregate.jq (values), summary.jq (rows) and the README.
#
# def metric_defs: [ {key, label, unit, phase, source, definition} ]
# def metric_values(idle; after; load; open): {key: number or null}, one round
# def metric_flags(idle; after): keys whose slope was flagged in that round
# def spread(flagged): [numbers] -> {median, min, max, n, noisy}

def metric_defs: [
  {key: "bytes_per_conn", label: "bytes per idle connection", unit: "B", phase: "idle",
   source: "/proc/PID/smaps_rollup Anonymous + /proc/PID/status RssShmem, VmPTE and Threads, the kernel stack size, /proc/slabinfo task_struct object size (experiments/lib/memsnap.sh)",
   definition: "least-squares slope of (server RSS + page tables + the server's threads x (kernel stack + task_struct)) against connections open, over the snapshots taken after each of --steps batches of idle connections (one request each) on a fresh server, from the first batch on (the first batch also pays what the server allocates once, on first use)"},
  {key: "rss_per_conn", label: "  of which server RSS", unit: "B", phase: "idle",
   source: "/proc/PID/smaps_rollup Anonymous + /proc/PID/status RssShmem", definition: "slope of the server's resident anonymous and shared-memory pages (file pages, its code and libraries as first run, are the program's and left out)"},
  {key: "page_tables_per_conn", label: "  of which page tables", unit: "B", phase: "idle",
   source: "/proc/PID/status VmPTE", definition: "slope of the server's page tables (RSS leaves them out)"},
  {key: "kstack_per_conn", label: "  of which kernel stacks", unit: "B", phase: "idle",
   source: "/proc/PID/status Threads x the kernel stack size (/proc/stacklab/tasks, else THREAD_SIZE, 16 KiB)", definition: "slope of the server's threads' kernel stacks (the system-wide /proc/meminfo KernelStack stays in the samples: other processes move it)"},
  {key: "task_struct_per_conn", label: "  of which task_struct slab", unit: "B", phase: "idle",
   source: "/proc/PID/status Threads x /proc/slabinfo task_struct object size", definition: "slope of the server's threads' task_structs (the system-wide slab stays in the samples)"},
  {key: "kernel_objects_per_conn", label: "kernel objects per idle connection", unit: "B", phase: "idle",
   source: "/proc/slabinfo active objects x object size of the connection caches (user/slabsnap, one per phase, per-CPU slabs flushed), minus the client's; ss (sock_diag) Recv-Q and Send-Q of the connections", definition: "sum over the caches of each cache's slope against connections open, the median of its slopes between consecutive snapshots (another process's burst of allocations moves one step, which the median ignores), the client's objects taken out (each client socket: one TCP, sock_inode_cache, filp and dentry object; the client, one loadgen for the whole phase, keeps no request posted on an idle connection); eventpoll_epi and eventpoll_pwq are the server's own epoll registrations (the tfd lines of its epoll descriptors' fdinfo) times the object size, other processes' epoll churn left out; the skbuff caches (packet buffers) only when the connections have bytes queued once all are open (Recv-Q and Send-Q of both ends, conn_queued_bytes): with none queued they move with other traffic; caches below 16 B per connection are left out as noise; per cache in kernel_objects_by_cache"},
  {key: "bytes_per_conn_whole", label: "whole cost per idle connection (user + kernel)", unit: "B", phase: "idle",
   source: "bytes per idle connection + kernel objects per idle connection", definition: "RSS + page tables + kernel stacks + task_structs + the kernel objects of the server's connections, per connection"},
  {key: "memcg_bytes_per_conn", label: "whole cost per idle connection, kernel's accounting (memcg)", unit: "B", phase: "idle",
   source: "memory.stat of a cgroup v2 holding only the server (--vm): anon, kernel_stack, pagetables, sock, slab, percpu (user/slabsnap --memcg)", definition: "least-squares slope of the sum of those stats against connections open: what the kernel charged to the server's cgroup (memory allocated in the server's own context, the client's never); per stat in memcg_by_stat"},
  {key: "socket_bytes_per_conn", label: "socket buffer pages per connection (apart)", unit: "B", phase: "idle",
   source: "/proc/net/sockstat TCP mem (system-wide, both ends)", definition: "slope of the pages TCP sockets hold for their buffers x 4096 (0 for idle sockets); the same for every server, so not in bytes per connection"},
  {key: "idle_threads", label: "threads with N idle connections", unit: "", phase: "idle",
   source: "/proc/PID/status Threads", definition: "the server's threads once all N connections are open"},
  {key: "idle_kstack_used_per_conn", label: "kernel stack used per idle connection (module)", unit: "B", phase: "idle",
   source: "/proc/stacklab/summary kstack_used_total", definition: "sum over the server's threads of each kernel stack's high-water mark, with N idle connections, divided by N (test VM only)"},
  {key: "bytes_per_conn_after_load", label: "bytes per connection after load", unit: "B", phase: "after_load",
   source: "as bytes per idle connection", definition: "the same slope, on a fresh server whose connections each served --after-requests requests (GET /heavy with the heavy ratio) before staying open idle: what a thread or task keeps of what it once touched"},
  {key: "rss_per_conn_after_load", label: "  of which server RSS (after load)", unit: "B", phase: "after_load",
   source: "/proc/PID/smaps_rollup Anonymous + /proc/PID/status RssShmem", definition: "slope of the same, after load"},
  {key: "page_tables_per_conn_after_load", label: "  of which page tables (after load)", unit: "B", phase: "after_load",
   source: "/proc/PID/status VmPTE", definition: "slope of the server's page tables, after load"},
  {key: "go_stack_inuse_per_conn_after_load", label: "Go goroutine stacks in use per connection, after load", unit: "B", phase: "after_load",
   source: "go-server --stats stack_inuse_bytes (runtime.MemStats.StackInuse)", definition: "the Go runtime's stack bytes in use with N connections open after load, divided by N (go only)"},
  {key: "requests_per_s", label: "requests/s", unit: "1/s", phase: "load",
   source: "loadgen --json requests_per_s (or wrk through heavy-mix.lua)", definition: "responses received over the client's elapsed time, closed loop, N connections, after the warm-up"},
  {key: "latency_p50_ms", label: "latency p50", unit: "ms", phase: "load",
   source: "loadgen --json latency_ns.p50", definition: "median time from sending a request to its whole response"},
  {key: "latency_p90_ms", label: "latency p90", unit: "ms", phase: "load",
   source: "loadgen --json latency_ns.p90", definition: "90th percentile of the same"},
  {key: "latency_p99_ms", label: "latency p99", unit: "ms", phase: "load",
   source: "loadgen --json latency_ns.p99", definition: "99th percentile of the same"},
  {key: "latency_p999_ms", label: "latency p99.9", unit: "ms", phase: "load",
   source: "loadgen --json latency_ns.\"p99.9\"", definition: "99.9th percentile of the same"},
  {key: "responses_per_conn_min", label: "responses per connection, fewest", unit: "", phase: "load",
   source: "loadgen --json per_connection.min", definition: "the fewest responses one connection got in the measured closed loop: how fairly the server shares itself"},
  {key: "responses_per_conn_max", label: "responses per connection, most", unit: "", phase: "load",
   source: "loadgen --json per_connection.max", definition: "the most responses one connection got in the same"},
  {key: "errors", label: "errors and non-2xx responses", unit: "", phase: "load",
   source: "loadgen --json errors.*, non_2xx", definition: "connect, send, receive, parse, timeout and closed errors plus non-2xx responses; 0 expected"},
  {key: "ctx_switches_per_req", label: "context switches per request", unit: "", phase: "load",
   source: "stacklab-probe context_switches (sched_switch)", definition: "switches of the server's threads (as prev) while the probe was attached, divided by the responses loadgen received"},
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
   source: "cpuacct.usage of a cgroup holding only the server (ns; /proc/PID/stat ticks where there is none), loadgen", definition: "CPU time of every thread the server had during the load phase, over the responses received"},
  {key: "other_cpu_share", label: "other work on the server's and client's CPUs", unit: "", phase: "load",
   source: "/proc/stat busy ticks of the two CPUs (all but idle and iowait), the server's and the client's CPU cgroups (experiments/lib/cpushare.sh)", definition: "share (0..1) of the two CPUs' time in the measured closed loop that went to anything but the server and the client: busy time less both cgroups' CPU time, over the time that passed; high: other work shared the CPUs and the round's CPU per request is suspect"},
  {key: "go_gc_cycles", label: "Go GC cycles in the load phase", unit: "", phase: "load",
   source: "go-server --stats gc_cycles (at exit)", definition: "garbage collections the Go runtime ran; the collector is what shrinks grown stacks (go only)"},
  {key: "open_rate_offered", label: "open loop: offered rate", unit: "1/s", phase: "open_loop",
   source: "loadgen --rate", definition: "the same for every variant: --rate, or half the slowest variant's median closed-loop rate at this N"},
  {key: "open_rate_achieved", label: "open loop: achieved rate", unit: "1/s", phase: "open_loop",
   source: "loadgen --json requests_per_s", definition: "responses over elapsed time at that offered rate"},
  {key: "open_p50_ms", label: "open loop: latency p50", unit: "ms", phase: "open_loop",
   source: "loadgen --rate --json latency_ns.p50", definition: "median time from when a request was due to its whole response (free of coordinated omission)"},
  {key: "open_p99_ms", label: "open loop: latency p99", unit: "ms", phase: "open_loop",
   source: "loadgen --rate --json latency_ns.p99", definition: "99th percentile of the same"},
  {key: "open_p999_ms", label: "open loop: latency p99.9", unit: "ms", phase: "open_loop",
   source: "loadgen --rate --json latency_ns.\"p99.9\"", definition: "99.9th percentile of the same"},
  {key: "open_other_cpu_share", label: "open loop: other work on the server's and client's CPUs", unit: "", phase: "open_loop",
   source: "as other work in the closed loop", definition: "the same share over the measured open loop (its warm-up left out)"},
  {key: "open_errors", label: "open loop: errors and non-2xx", unit: "", phase: "open_loop",
   source: "loadgen --json errors.*, non_2xx", definition: "as in the closed loop; 0 expected"}
];

def per($x; $n): if $x == null or $n == null or $n == 0 then null else $x / $n end;
def ms: if . == null then null else . / 1e6 end;

# Least-squares slope of [x, y] points; null with fewer than two distinct x.
def lsq_slope:
  length as $k
  | if $k < 2 then null else
      (map(.[0]) | add / $k) as $mx | (map(.[1]) | add / $k) as $my
      | (map((.[0] - $mx) * (.[0] - $mx)) | add) as $sxx
      | if $sxx == 0 then null else (map((.[0] - $mx) * (.[1] - $my)) | add) / $sxx end
    end;

# One memory component of a memsnap sample, in bytes.
# Kernel stacks and task_structs are the server's own (threads x size)
# where the sample has them, else the system-wide figures.
def kstack_bytes: .thread_kstack_bytes // (.kernel_stack_kb * 1024);
def task_bytes: .thread_task_bytes // .task_struct_bytes;
# The memory.stat entries memcg_bytes_per_conn sums (user/slabsnap
# --memcg reads the same).
def memcg_stats: ["anon", "kernel_stack", "pagetables", "sock", "slab", "percpu"];
def comp($c):
  if $c == "memcg" then (.memcg as $m | [memcg_stats[] | $m[.] // 0] | add)
  elif $c == "total" then (.rss_kb + .pte_kb) * 1024 + kstack_bytes + task_bytes
  elif $c == "rss" then .rss_kb * 1024
  elif $c == "pte" then .pte_kb * 1024
  elif $c == "kstack" then kstack_bytes
  elif $c == "task" then task_bytes
  elif $c == "socket" then .tcp_mem_pages * 4096
  else error("unknown memory component \($c)") end;

# The caches every client connection takes one object of: its socket
# (TCP: loadgen connects over IPv4), inode, file and dentry.  The holder
# keeps no io_uring request posted on an idle connection (loadgen
# --idle-batches), and its own process is in every snapshot, the first
# included, so nothing else of the client's grows with connections.
def client_caches: ["TCP", "sock_inode_cache", "filp", "dentry"];

# The epoll caches: one eventpoll_epi, and for a socket one
# eventpoll_pwq, per registration.  Other processes' epoll churn moves
# them system-wide, so where the sample counts the server's own
# registrations (server_epoll_items) those are its objects.
def epoll_caches: ["eventpoll_epi", "eventpoll_pwq"];

# The server's bytes in one cache in a sample of $phase: its epoll
# registrations times the object size for the epoll caches, else the
# slab's less the client's sockets times the cache's object size.
def server_slab($phase; $cache):
  if (epoll_caches | index([$cache])) and .server_epoll_items != null then
    .server_epoll_items * ($phase.slab_objsize[$cache] // 0)
  else
    (.slab[$cache] // 0)
    - (if client_caches | index([$cache]) then (.client_sockets // 0) * ($phase.slab_objsize[$cache] // 0) else 0 end)
  end;

# The snapshots a memory phase's slopes are fitted to: those from the
# first batch on, once there are three or more.  The first batch also
# pays what a server allocates once, on first use (its allocator's first
# chunk, buffers it sizes lazily), which is no connection's: in the test
# VM fut-server's anonymous memory grew ten times as much with its first
# batch as with each one after.  The snapshot with none stays in the raw
# records.
def fitted($phase): ($phase.samples // []) | if length >= 3 then .[1:] else . end;

# The middle of a sorted array of numbers, the mean of the two middle ones
# when their count is even; null when empty.
def median:
  if length == 0 then null
  elif length % 2 == 1 then .[(length - 1) / 2]
  else (.[length / 2 - 1] + .[length / 2]) / 2 end;

# The median of the slopes between consecutive [x, y] points (x
# ascending); null without two distinct x.  The slab caches are the whole
# machine's: another process that allocates a burst between two
# snapshots moves one step, which this ignores and a least-squares slope
# would spread over all.
def median_step_slope:
  [ range(1; length) as $i | .[$i - 1] as $a | .[$i] as $b
    | select($b[0] != $a[0]) | ($b[1] - $a[1]) / ($b[0] - $a[0]) ] | sort | median;

# {cache: slope} of the server's slab bytes (median step slope), every
# cache the phase saw that reaches 16 B per connection (below: one object
# in every 4+ connections or noise); null when the samples carry no slab.
# The skbuff caches (packet buffers) only when the connections have bytes
# queued once all are open (conn_queued_bytes): with none they hold no
# packet, and those caches move with other traffic.
def kernel_objects($phase):
  if $phase == null or (fitted($phase) | length) < 2 or (fitted($phase)[0].slab == null) then null
  else (fitted($phase) | map(.slab | keys) | add | unique
        | if $phase.conn_queued_bytes == 0 then map(select(test("^skbuff_") | not)) else . end) as $caches
    | reduce $caches[] as $c ({};
        (fitted($phase) | map([.conns, server_slab($phase; $c)]) | median_step_slope) as $s
        | if $s != null and $s >= 16 then .[$c] = $s else . end)
  end;

# {stat: slope} of each memory.stat entry of memcg_stats, as charged to
# the server's cgroup (negative slopes kept: they show what moved the
# other way); null when the samples carry no memory.stat.
def memcg_by_stat($phase):
  if $phase == null or (fitted($phase) | length) < 2 or (fitted($phase) | any(.memcg == null)) then null
  else reduce memcg_stats[] as $st ({};
      (fitted($phase) | map([.conns, (.memcg[$st] // null)])) as $pts
      | if ($pts | any(.[1] == null)) then . else .[$st] = ($pts | lsq_slope) end)
  end;

# A memory phase's figure for one component: the least-squares slope over
# its samples (bytes per connection), never below 0, with the single
# difference (last - first) beside it; noisy when either went negative.
# {value, slope, single, noisy}, or null without two samples.
def series_fit($phase; $c):
  if $phase == null or (fitted($phase) | length) < 2 then null
  elif $c == "memcg" and (fitted($phase) | any(.memcg == null)) then null else
    (fitted($phase) | map([.conns, comp($c)])) as $pts
    | ($pts | lsq_slope) as $s
    | (($pts[-1][1] - $pts[0][1]) / ($pts[-1][0] - $pts[0][0])) as $single
    | {value: (if $s == null then null elif $s < 0 then 0 else $s end),
       slope: $s, single: $single,
       noisy: ($s == null or $s < 0 or $single < 0)}
  end;

def fit_value($phase; $c): series_fit($phase; $c) | if . == null then null else .value end;

# The slope-based figures: [key, phase name, component].
def slope_keys: [
  ["bytes_per_conn", "idle", "total"], ["rss_per_conn", "idle", "rss"],
  ["page_tables_per_conn", "idle", "pte"], ["kstack_per_conn", "idle", "kstack"],
  ["task_struct_per_conn", "idle", "task"], ["socket_bytes_per_conn", "idle", "socket"],
  ["memcg_bytes_per_conn", "idle", "memcg"],
  ["bytes_per_conn_after_load", "after_load", "total"],
  ["rss_per_conn_after_load", "after_load", "rss"],
  ["page_tables_per_conn_after_load", "after_load", "pte"] ];

def metric_values_raw($idle; $after; $load; $open):
  ($idle.conns // $load.conns // $after.conns // $open.conns) as $n
  | ($load.loadgen.responses // null) as $resp
  | ($load.probe // {}) as $p
  | ($load.cpu_ticks // null) as $cpu
  | (reduce slope_keys[] as $k ({};
      .[$k[0]] = fit_value(if $k[1] == "idle" then $idle else $after end; $k[2])))
  + {
      kernel_objects_per_conn: (kernel_objects($idle) | if . == null then null else ([.[]] | add // 0) end),
      idle_threads: ($idle.samples // [] | last | if . == null then null else .threads end),
      idle_kstack_used_per_conn: per($idle.module.kstack_used_total; $n),
      go_stack_inuse_per_conn_after_load: per($after.go_stats.stack_inuse_bytes; $n),
      requests_per_s: $load.loadgen.requests_per_s,
      latency_p50_ms: ($load.loadgen.latency_ns.p50 | ms),
      latency_p90_ms: ($load.loadgen.latency_ns.p90 | ms),
      latency_p99_ms: ($load.loadgen.latency_ns.p99 | ms),
      latency_p999_ms: ($load.loadgen.latency_ns["p99.9"] | ms),
      responses_per_conn_min: $load.loadgen.per_connection.min,
      responses_per_conn_max: $load.loadgen.per_connection.max,
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
      cpu_us_per_req: (if $load.cpu_ns != null then per($load.cpu_ns.total / 1e3; $resp)
                       elif $cpu == null then null else per(($cpu.user + $cpu.sys) / $cpu.clk_tck * 1e6; $resp) end),
      other_cpu_share: $load.other_cpu_share,
      go_gc_cycles: $load.go_stats.gc_cycles,
      open_rate_offered: $open.rate,
      open_rate_achieved: $open.loadgen.requests_per_s,
      open_p50_ms: ($open.loadgen.latency_ns.p50 | ms),
      open_p99_ms: ($open.loadgen.latency_ns.p99 | ms),
      open_p999_ms: ($open.loadgen.latency_ns["p99.9"] | ms),
      open_other_cpu_share: $open.other_cpu_share,
      open_errors: (if $open.loadgen == null then null
                    else ([$open.loadgen.errors[]] | add) + $open.loadgen.non_2xx end)
    };

def metric_values($idle; $after; $load; $open):
  metric_values_raw($idle; $after; $load; $open)
  | .bytes_per_conn_whole = (if .bytes_per_conn == null or .kernel_objects_per_conn == null then null
                             else .bytes_per_conn + .kernel_objects_per_conn end);

# The slope keys flagged noisy in one round.
def metric_flags($idle; $after):
  [ slope_keys[] as $k
    | select(series_fit(if $k[1] == "idle" then $idle else $after end; $k[2])
             | . != null and .noisy)
    | $k[0] ];

# [numbers] -> {median, min, max, n, noisy} (null when none): noisy when
# $flagged or when the spread (max - min) exceeds the median.
def spread($flagged):
  map(select(type == "number")) | sort
  | if length == 0 then null else
      length as $k | median as $med
      | {median: $med, min: .[0], max: .[-1], n: $k,
         noisy: ($flagged or ((.[-1] - .[0]) > ($med | fabs)))}
    end;
