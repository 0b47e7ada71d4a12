# summary.md from results.json (schema stacklab-paired/3; jq -r): the
# five-line headline, the essay's table (one row per strategy), the
# microbenchmark pairs, then per connection count one row per metric and
# one column per variant, each cell "median [min-max]" with a ratio to tpc
# only where the two spreads do not overlap.

def fmt:
  if . == null then "n/a"
  elif (. | fabs) >= 100 then (round | tostring)
  elif (. | fabs) >= 10 then ((. * 10 | round) / 10 | tostring)
  elif (. | fabs) >= 0.01 or . == 0 then ((. * 100 | round) / 100 | tostring)
  else ((. * 10000 | round) / 10000 | tostring) end;

# A {median, min, max, n, noisy} figure as text.
def cell:
  if . == null then "n/a"
  elif .n == 1 then (.median | fmt) + (if .noisy then " noisy" else "" end)
  else "\(.median | fmt) [\(.min | fmt)-\(.max | fmt)]" + (if .noisy then " noisy" else "" end) end;

# Two spreads apart: neither range reaches into the other.
def apart($v; $base): $v.max < $base.min or $v.min > $base.max;

# A ratio with the digits it needs not to read "1" when the spreads are
# apart (1.004, not 1).
def ratio_fmt:
  if (. - 1 | fabs) >= 0.1 then fmt
  elif (. - 1 | fabs) >= 0.001 then (. * 1000 | round / 1000 | tostring)
  else (. * 100000 | round / 100000 | tostring) end;

# The ratio to tpc: only for two clean figures whose spreads are apart.
def ratio($v; $base):
  if $v == null or $base == null or $base.median == 0 then ""
  elif $v.noisy or $base.noisy then ""
  elif apart($v; $base) then " (×" + (($v.median / $base.median) | ratio_fmt) + ")"
  else " (~)" end;

# Bytes as text: B, KB, MB (decimal, three significant digits or so).
def bytes_text:
  if . == null then "n/a"
  elif (. | fabs) >= 1e6 then "\(. / 1e5 | round / 10) MB"
  elif (. | fabs) >= 1e3 then "\(. / 1e2 | round / 10) KB"
  else "\(round) B" end;

# "VALUE (RATIO less than tpc's BASE)", or "VALUE, not distinguishable
# here from tpc's BASE" when the spreads overlap.  Apart spreads decide
# even when a figure is noisy (its spread wider than its median: the
# ratio is then rough, and the sentence says so).
def versus($v; $base; show; $less; $more):
  if $v == null or $base == null then "\($v.median | show) (tpc not measured)"
  elif (apart($v; $base) | not) then
    "\($v.median | show), not distinguishable here from tpc's \($base.median | show)"
  else (if $v.noisy or $base.noisy then ", noisy" else "" end) as $rough
  | if $v.median == 0 or $base.median == 0 then "\($v.median | show) against tpc's \($base.median | show)"
    elif $v.median < $base.median then "\($v.median | show) (\($base.median / $v.median | ratio_fmt)x \($less) than tpc's \($base.median | show)\($rough))"
    else "\($v.median | show) (\($v.median / $base.median | ratio_fmt)x \($more) than tpc's \($base.median | show)\($rough))" end end;

def row($cells): "| " + ($cells | join(" | ")) + " |";

# The essay's axes for each built-in strategy: who schedules, how the stack grows.
def strategy($v):
  {"tpc": ["kernel", "fixed (8 MiB default thread stack, touched pages kept)"],
   "tpc-small": ["kernel", "fixed (smallest stack that holds the heavy branch)"],
   "tpc-64k": ["kernel", "fixed (64 KiB)"],
   "coro-fixed": ["user (libfut executor)", "fixed (mmap'd, guard page)"],
   "coro-split": ["user (libfut executor)", "segmented (gcc -fsplit-stack)"],
   "go": ["user (Go runtime)", "copying (doubled and copied on overflow)"],
   "fut-inline": ["user (libfut executor)", "perfectly sized (heavy state inline)"],
   "fut-boxed": ["user (libfut executor)", "perfectly sized, heavy branch boxed on the heap"],
   "rust-inline": ["user (tokio)", "perfectly sized: the compiler's state machine (heavy state inline)"],
   "rust-boxed": ["user (tokio)", "perfectly sized: the compiler's state machine, heavy await boxed (Box::pin)"],
   "nginx": ["user (event loop)", "reference: no per-connection stack"]}[$v]
  // ["(external --server)", "(unknown)"];

def segment_cost($v; $f):
  def key($k): if $f == null or $f[$k] == null then "not measured (make bench gave no \($k))"
               else "\($k) \($f[$k] | fmt)" end;
  if $v == "coro-split" then key("split_penalty")
  elif $v == "fut-boxed" then key("box_penalty")
  elif $v == "go" then key("go_grow_ns") + " ns"
  elif ($v | startswith("tpc")) or $v == "coro-fixed" then "none (fixed: overflow is fatal)"
  elif $v == "fut-inline" or $v == "rust-inline" then "none (size fixed at compile time)"
  elif $v == "rust-boxed" then "a Box::pin allocation per heavy request (not in make bench)"
  else "n/a (not a stack strategy)" end;

# Other work on the measuring CPUs: a share of them above this makes a
# round's CPU per request (or open-loop latency) suspect.
def other_work_bar: 0.05;

# The lines on other work during the measured phases: the most any
# round saw, then each round above other_work_bar, by name.
def other_work_lines($r):
  ($r.machine.pinning // {}) as $p
  | (if $p.server_cpu == null then "the server's and client's CPUs"
     elif $p.server_cpu == $p.loadgen_cpu then "CPU \($p.server_cpu)"
     else "CPUs \($p.server_cpu)-\($p.loadgen_cpu)" end) as $cpus
  | def pct: "\(. * 1000 | round / 10)%";
  [ $r.runs[] as $run | $run.rounds[]
    | {variant: $run.variant, conns: $run.conns, round,
       closed: .load.other_cpu_share, open: .open_loop.other_cpu_share} ] as $rounds
  | ([$rounds[].closed | numbers] | max) as $cmax
  | ([$rounds[].open | numbers] | max) as $omax
  | if $cmax == null and $omax == null then
      ["- other work on \($cpus): not measured (\($r.machine.other_cpu_source // "an older run"))"]
    else
      [ "- other work on \($cpus) (the server's and the client's) in the measured phases: at most \($cmax // 0 | pct) of them in a closed-loop round, \($omax // 0 | pct) in an open-loop one"
        + (if ($cmax // 0) > other_work_bar or ($omax // 0) > other_work_bar then ";" else "; none above \(other_work_bar | pct)" end) ]
      + [ $rounds[] | select((.closed // 0) > other_work_bar)
          | "- round \(.round) of \(.variant) at \(.conns): \(.closed | pct) of \($cpus) went to other work; its CPU per request is suspect" ]
      + [ $rounds[] | select((.open // 0) > other_work_bar)
          | "- open-loop round \(.round) of \(.variant) at \(.conns): \(.open | pct) of \($cpus) went to other work; its open-loop latencies are suspect" ]
    end;

. as $r
| ($r.variants) as $vs
| ($r.runs | map(.conns) | unique) as $ns
| ($ns | last) as $nmax
| [ $vs[] as $v | $r.runs[] | select(.conns == $nmax and .variant == $v) ] as $top
| ($r.switch_cost.figures // null) as $f
| (if $r.timings_emulated then " (emulated)" else "" end) as $emu
| ($top | map(select(.variant == "tpc")) | first) as $t
| ($top | map(select(.variant == "fut-boxed")) | first) as $fb
| def num: if . == null then "n/a" else fmt end;
  def mean_ms($run): if ($run.values.requests_per_s.median // 0) == 0 then null
    else $nmax / $run.values.requests_per_s.median * 1000 end;
  def unfair($run): if ($run.values.responses_per_conn_min.median // 0) == 0 then null
    else $run.values.responses_per_conn_max.median / $run.values.responses_per_conn_min.median end;
  # The best of the strategies other than tpc and fut-boxed on $key: the
  # lowest median (the highest with $high).
  def best($key; $high):
    [ $top[] | select(.variant != "tpc" and .variant != "fut-boxed" and .values[$key].median != null) ]
    | if length == 0 then null else (sort_by(.values[$key].median) | if $high then last else first end) end;
  def sentence($key; show; $less; $more; $what):
    (if $fb == null then "fut-boxed was not measured"
     else "fut-boxed \($what) " + versus($fb.values[$key]; $t.values[$key]; show; $less; $more) end)
    + (best($key; false) as $b | if $b == null then "" else
        "; the best other strategy, \($b.variant), " + versus($b.values[$key]; $t.values[$key]; show; $less; $more) end)
    + ".";
  ($r.runs | map(select(.values.bytes_per_conn_after_k != null)) | map(.conns) | unique | first) as $kn
  | ([ $r.runs[] | select(.conns == $kn) | .values.bytes_per_conn_after_k | select(. != null) | keys[] | tonumber ] | unique | last) as $kmax
  | def atk($v): first($r.runs[] | select(.conns == $kn and .variant == $v)) // null;
  def kshare($v): (atk($v).values.heavy_share_after_k["\($kmax)"].median // null)
    | if . == null then "n/a" else "\(. * 100 | round)%" end;
  [
    "# stacklab paired: summary",
    "",
    "- **this run**: \($r.where)\($emu), \($r.parameters.repeat // 1) interleaved round\(if ($r.parameters.repeat // 1) == 1 then "" else "s" end), client \($r.machine.client // "loadgen"), heavy ratio \($r.parameters.heavy_ratio), heavy branch \($r.parameters.heavy_bytes) B; figures at \($nmax) connections, median [min-max]; a ratio only where the two spreads are apart",
    "- **memory, idle**: at \($nmax) connections, " + sentence("bytes_per_conn"; bytes_text; "less"; "more"; "costs in user space")
      + " Whole cost, kernel objects included: " + sentence("bytes_per_conn_whole"; bytes_text; "less"; "more"; "costs")
      + (if ($fb.values.memcg_bytes_per_conn // $t.values.memcg_bytes_per_conn) == null then ""
         else " By the kernel's own accounting (memcg): " + sentence("memcg_bytes_per_conn"; bytes_text; "less"; "more"; "is charged") end),
    "- **memory as requests accumulate**: " + (if $kmax == null then "not measured in this run (--after-k none)."
      else "after \($kmax) requests per connection at \($kn) connections (GET /heavy taken at least once by \(kshare("tpc")) of tpc's connections), tpc keeps \(atk("tpc").values.bytes_per_conn_after_k["\($kmax)"].median | bytes_text) per connection against \(atk("tpc").values.bytes_per_conn_after_k["1"].median | bytes_text) after 1"
        + (if atk("fut-boxed") == null then "." else
             (atk("tpc").values.bytes_per_conn_after_k as $tk | atk("fut-boxed").values.bytes_per_conn_after_k as $fk
              | "; fut-boxed keeps \($fk["\($kmax)"].median | bytes_text) against \($fk["1"].median | bytes_text)"
              + (if $tk["1"] == null or $fk["1"] == null then "."
                 elif $tk["\($kmax)"].median > 1.5 * $tk["1"].median and ($fk["\($kmax)"].median - $fk["1"].median | fabs) <= 0.1 * $fk["1"].median
                 then ": the threads keep what they once touched, the boxed futures give it back."
                 else "." end)) end) end),
    "- **scheduling, context switches per request**: " + sentence("ctx_switches_per_req"; num; "fewer"; "more"; "makes"),
    "- **scheduling, server CPU per request\($emu)**: " + sentence("cpu_us_per_req"; (num + " us"); "less"; "more"; "uses"),
    "- **closed-loop latency\($emu)**: " + (if $t == null or $fb == null then "needs tpc and fut-boxed in the run." else
        "p50 tpc \($t.values.latency_p50_ms.median | num) ms, fut-boxed \($fb.values.latency_p50_ms.median | num) ms; p99 tpc \($t.values.latency_p99_ms.median | num) ms, fut-boxed \($fb.values.latency_p99_ms.median | num) ms. With \($nmax) connections always busy, the mean latency is \($nmax) / throughput (Little's law: \(mean_ms($t) | num) ms for tpc, \(mean_ms($fb) | num) ms for fut-boxed); how it splits into median and tail is fairness: responses per connection ranged \($t.values.responses_per_conn_min.median | num)-\($t.values.responses_per_conn_max.median | num) under tpc (most/fewest \(unfair($t) | num)) and \($fb.values.responses_per_conn_min.median | num)-\($fb.values.responses_per_conn_max.median | num) under fut-boxed (\(unfair($fb) | num))"
        + (if (unfair($t) // 0) > 1.2 * (unfair($fb) // 0) then
             ": tpc serves some connections more often than others"
             + (if mean_ms($t) != null and $t.values.latency_p50_ms.median < mean_ms($t)
                then ", so its median sits below its mean and its tail is long."
                else ", which stretches its tail (p99 \($t.values.latency_p99_ms.median / mean_ms($t) | num)x its mean)." end)
           elif (unfair($fb) // 0) > 1.2 * (unfair($t) // 0) then ": fut-boxed is the less fair here."
           else ": both share themselves alike." end) end),
    "",
    "## the essay's table (\($nmax) connections)",
    "",
    row(["strategy", "who schedules", "how the stack grows", "bytes/conn idle", "whole bytes/conn idle (+ kernel objects)", "bytes/conn after load",
         "switches/request", "server CPU/request (us)\($emu)", "requests/s\($emu)", "open-loop p99 (ms)\($emu)", "segment cost"]),
    row(["---", "---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---"])
  ]
  + [ $top[] | strategy(.variant) as $s
      | row([.variant, $s[0], $s[1], (.values.bytes_per_conn | cell), (.values.bytes_per_conn_whole | cell), (.values.bytes_per_conn_after_load | cell),
             (.values.ctx_switches_per_req | cell), (.values.cpu_us_per_req | cell),
             (.values.requests_per_s | cell), (.values.open_p99_ms | cell), segment_cost(.variant; $f)]) ]
  + [ "",
      "- where: \($r.where), kernel \($r.machine.kernel), \($r.machine.cpus) CPUs (\($r.machine.cpu_model))"
        + (if $r.timings_emulated then "; **timings emulated** (TCG): compare ratios only" else "" end),
      "- pinning: server on CPU \($r.machine.pinning.server_cpu), loadgen on CPU \($r.machine.pinning.loadgen_cpu)",
      "- phases per round, each on a fresh server: idle (\($r.parameters.steps // "?") batches, slope), after load (\($r.parameters.after_requests // "?") requests per connection, then idle), closed loop (\($r.parameters.warmup_s // 0) s warm-up + \($r.parameters.duration_s) s, \($r.machine.client // "loadgen")); then open loop (loadgen --rate, same rate for all)",
      "- kernel module: \($r.machine.module)",
      "- started \($r.started), \($r.wall_s) s in all"
        + (if $r.complete then "" else "; **incomplete: \($r.error)**" end) ]
  + other_work_lines($r)
  + [ "" ]
  + ($r.skipped | map("- skipped: \(.variant)" + (if .conns then " at \(.conns) connections" else "" end) + ": \(.reason)"))
  + (if ($r.skipped | length) > 0 then [""] else [] end)
  + ([ $r.runs[] | select(.values.memcg_bytes_per_conn != null) ] as $mr
     # An accepted socket's object, allocated in the softirq of the
     # client's connect, is charged to no cgroup unless accept charges it
     # afterwards (kmem_cache_charge, Linux 6.12): the run says which
     # (machine.accept_charged); older results by the version.
     | (if ($r.machine.accept_charged | type) == "boolean" then ($r.machine.accept_charged | not)
        else first(($r.machine.kernel // "") | capture("^(?<a>[0-9]+)\\.(?<b>[0-9]+)")
             | (.a | tonumber) * 1000 + (.b | tonumber) < 6012) // false end) as $old_accept
     | if ($mr | length) == 0 then [] else
      [ "## whole cost: /proc/slabinfo and /proc/PID/status against the kernel's accounting (memcg)", "",
        "Per part, medians, ours / memcg's: user = RSS + page tables / anon + pagetables; kernel stacks = threads x stack size / kernel_stack;",
        "slab = kernel objects + task_structs / slab; socket buffers and per-CPU memory are in memcg's total only. Agree: within 10% of the whole cost.", "",
        row(["variant", "connections", "whole cost", "memcg", "user", "kernel stacks", "slab", "sock", "percpu", "verdict"]),
        row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---"]) ]
      + [ $mr[] | .values as $x
          | def med($k): $x[$k].median // 0;
            def st($k): $x.memcg_by_stat[$k].median // 0;
            def pct($a; $b): if $b > 0 then ($a - $b) / $b * 100 | round | if . >= 0 then "+\(.)%" else "\(.)%" end else "n/a" end;
          med("bytes_per_conn_whole") as $w | med("memcg_bytes_per_conn") as $m
          | (($x.kernel_objects_by_cache.TCP.median // 0) + ($x.kernel_objects_by_cache.TCPv6.median // 0)) as $tcp
          # kmalloc without __GFP_ACCOUNT takes the plain kmalloc-N caches
          # (an accounted one, kmalloc-cg-N): memcg never charges them.
          | ([ ($x.kernel_objects_by_cache // {}) | to_entries[]
               | select(.key | test("^(dma-)?kmalloc-(rcl-)?[0-9]+k?$")) | .value.median // 0 ] | add // 0) as $plain
          | ($m + (if $old_accept then $tcp else 0 end)) as $m_acc
          | ($w - $plain) as $w_acc
          | [ ["user", med("rss_per_conn") + med("page_tables_per_conn"), st("anon") + st("pagetables"),
               "RSS (anonymous + RssShmem) counts shared-memory pages, which memcg charges to whoever first touched them, and anon does not"],
              ["kernel stacks", med("kstack_per_conn"), st("kernel_stack"),
               "the whole cost counts every thread's stack at THREAD_SIZE; memcg counts the stacks charged to the server's cgroup"],
              ["slab", med("kernel_objects_per_conn") + med("task_struct_per_conn"), st("slab"),
               "slabinfo counts every object of the connection caches, the client's sockets taken out; memcg counts only objects of accounted caches allocated in the server's own context"
               + (if $plain > 0 then "; \($plain | bytes_text) a connection are in plain kmalloc caches, which memcg never charges (kmalloc without __GFP_ACCOUNT)" else "" end)
               + (if $old_accept and $tcp > 0 then
                    ": an accepted socket's TCP object (\($tcp | bytes_text) a connection by slabinfo) is allocated in the softirq of the client's connect, which charges no cgroup, and this kernel (\($r.machine.kernel)) does not charge it at accept either (kmem_cache_charge, Linux 6.12, does); with it added, memcg comes to \($m + $tcp | bytes_text), \(pct($m + $tcp; $w)) against the whole cost"
                    + (if $w > 0 and (($m + $tcp - $w) | fabs) <= 0.1 * $w then ", within 10%" else "" end)
                  else "" end)],
              ["sock", 0, st("sock"), "memcg charges socket buffer pages, which the whole cost reports apart"],
              ["percpu", 0, st("percpu"), "memcg charges per-CPU allocations, which slabinfo does not show"] ] as $parts
          | ($parts | max_by(.[2] - .[1] | fabs)) as $gap
          | row([.variant, (.conns | tostring), ($w | bytes_text), ($m | bytes_text)]
              + ($parts | map("\(.[1] | bytes_text) / \(.[2] | bytes_text)"))
              + [ if $w > 0 and (($m - $w) | fabs) <= 0.1 * $w then "agree: memcg \(pct($m; $w)) against the whole cost"
                  elif $plain > 0 and $w_acc > 0 and (($m_acc - $w_acc) | fabs) <= 0.1 * $w_acc then
                    "differ by what memcg never charges: memcg \(pct($m; $w)) against the whole cost; less the plain kmalloc caches (\($plain | bytes_text))"
                    + (if $old_accept and $tcp > 0 then ", the accepted socket's TCP object added to memcg's," else "" end)
                    + " the two agree, memcg \(pct($m_acc; $w_acc))"
                  else "differ: memcg \(pct($m; $w)) against the whole cost, most in \($gap[0]) (\($gap[1] | bytes_text) / \($gap[2] | bytes_text)): \($gap[3])" end ]) ]
      + [ "" ] end)
  + (if $f == null then [] else
      def pair($what; $fk; $tk; $unit):
        row([$what, ($f[$fk] | fmt) + " (\($fk))", ($f[$tk] | fmt) + " (\($tk))",
             (if $f[$fk] == null or $f[$tk] == null or $f[$fk] == 0 then "n/a" else ($f[$tk] / $f[$fk] | fmt) end), $unit]);
      [ "## switch cost (make bench, each figure in a fresh process, CPU 0)\($emu)", "",
        row(["same work", "future", "thread", "thread / future", "unit"]), row(["---", "---:", "---:", "---:", "---"]),
        pair("spawn, run to completion, free"; "spawn_run_ns"; "thread_spawn_ns"; "ns"),
        pair("hand-off through a primitive that stores a waker (futex)"; "fut_notify_ns"; "thread_futex_ns"; "ns"),
        pair("ping-pong over the same pipes (io_uring vs read/write)"; "fut_pipe_pingpong_ns"; "thread_pingpong_ns"; "ns"),
        pair("a unit blocked on that primitive (thread: with its kernel stack)"; "bytes_per_blocked_task"; "bytes_per_idle_thread"; "B"),
        "",
        "## segment cost (make bench)\($emu)", "",
        row(["figure", "value"]), row(["---", "---:"]) ]
      + [ "split_call_ns", "split_boundary_call_ns", "split_penalty", "box_loop_ns", "box_hoisted_ns",
          "inline_loop_ns", "box_penalty", "go_grow_ns", "go_grown_call_ns", "go_grow_penalty"
          | row([., ($f[.] | if . == null then "not measured" else fmt end)]) ]
      + [ "" ] end)
  + ([ $ns[] as $n
       | ($r.runs | map(select(.conns == $n))) as $runs
       | ($runs | map(select(.variant == "tpc")) | first) as $tpc
       | [ "## \($n) connections", "",
           row(["metric", "unit"] + $vs),
           row(["---", "---"] + ($vs | map("---:"))) ]
         + [ $r.metrics[] as $m
             | row([$m.label + (if $r.timings_emulated and ($m.phase == "load" or $m.phase == "open_loop") then " (emulated)" else "" end), $m.unit]
                 + [ $vs[] as $v
                 | ($runs | map(select(.variant == $v)) | first) as $run
                 | if $run == null then "skipped"
                   else ($run.values[$m.key]) as $x
                   # Other work is the machine's, not the variant's: no ratio.
                   | ($x | cell) + (if $v == "tpc" or $tpc == null or ($m.key | test("other_cpu_share")) then ""
                                    else ratio($x; $tpc.values[$m.key]) end)
                   end ]),
               (if $m.key != "kernel_objects_per_conn" then empty else
                  ($runs | map(.values.kernel_objects_by_cache // {} | keys) | add // [] | unique)[] as $c
                  | row(["  of which \($c) (slab)", "B"]
                      + [ $vs[] as $v
                          | ($runs | map(select(.variant == $v)) | first) as $run
                          | if $run == null then "skipped"
                            elif $run.values.kernel_objects_by_cache == null then "n/a"
                            else ($run.values.kernel_objects_by_cache[$c] // {median: 0, min: 0, max: 0, n: 1}) | cell end ])
                end),
               (if $m.key != "memcg_bytes_per_conn" then empty else
                  ($runs | map(.values.memcg_by_stat // {} | keys) | add // [] | unique)[] as $c
                  | row(["  of which \($c) (memory.stat)", "B"]
                      + [ $vs[] as $v
                          | ($runs | map(select(.variant == $v)) | first) as $run
                          | if $run == null then "skipped"
                            else ($run.values.memcg_by_stat[$c] // null) | cell end ])
                end) ]
         + [""] ] | add // [])
  + [ "Cells: median [min-max] over the rounds; (×R): the median over tpc's, given only",
      "where the two spreads do not overlap; (~): they overlap; noisy: the spread exceeds",
      "the median, or a round's memory series went down (the figure is a least-squares",
      "slope, never below 0). Definitions and sources: results.json `metrics` and",
      "experiments/README.md."
      + (if ($r.machine.module // "") == "loaded" then ""
         else " n/a: not measured here (the kernel-stack rows need the stacklab module: `experiments/paired --vm`)." end) ]
| join("\n")
