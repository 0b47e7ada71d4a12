# summary.md from results.json (schema stacklab-paired/2; jq -r): the
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

# The ratio to tpc: only for two clean figures whose spreads are apart.
def ratio($v; $base):
  if $v == null or $base == null or $base.median == 0 then ""
  elif $v.noisy or $base.noisy then ""
  elif ($v.max < $base.min or $v.min > $base.max) then " (×" + (($v.median / $base.median) | fmt) + ")"
  else " (~)" end;

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

. as $r
| ($r.variants) as $vs
| ($r.runs | map(.conns) | unique) as $ns
| ($ns | last) as $nmax
| [ $vs[] as $v | $r.runs[] | select(.conns == $nmax and .variant == $v) ] as $top
| ($r.switch_cost.figures // null) as $f
| (if $r.timings_emulated then " (emulated)" else "" end) as $emu
| def at($key): [ $top[] | "\(.variant) \(.values[$key] | cell)" ] | join(", ");
  [
    "# stacklab paired: summary",
    "",
    "- **this run**: \($r.where)\($emu), \($r.parameters.repeat // 1) interleaved rounds, client \($r.machine.client // "loadgen"), heavy ratio \($r.parameters.heavy_ratio), heavy branch \($r.parameters.heavy_bytes) B; figures at \($nmax) connections, median [min-max]",
    "- **scheduling, context switches per request**: " + at("ctx_switches_per_req"),
    "- **scheduling, server CPU per request (us)\($emu)**: " + at("cpu_us_per_req"),
    "- **memory, bytes per idle connection**: " + at("bytes_per_conn"),
    "- **memory, bytes per connection after load**: " + at("bytes_per_conn_after_load"),
    "",
    "## the essay's table (\($nmax) connections)",
    "",
    row(["strategy", "who schedules", "how the stack grows", "bytes/conn idle", "bytes/conn after load",
         "switches/request", "server CPU/request (us)\($emu)", "requests/s\($emu)", "open-loop p99 (ms)\($emu)", "segment cost"]),
    row(["---", "---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---"])
  ]
  + [ $top[] | strategy(.variant) as $s
      | row([.variant, $s[0], $s[1], (.values.bytes_per_conn | cell), (.values.bytes_per_conn_after_load | cell),
             (.values.ctx_switches_per_req | cell), (.values.cpu_us_per_req | cell),
             (.values.requests_per_s | cell), (.values.open_p99_ms | cell), segment_cost(.variant; $f)]) ]
  + [ "",
      "- where: \($r.where), kernel \($r.machine.kernel), \($r.machine.cpus) CPUs (\($r.machine.cpu_model))"
        + (if $r.timings_emulated then "; **timings emulated** (TCG): compare ratios only" else "" end),
      "- pinning: server on CPU \($r.machine.pinning.server_cpu), loadgen on CPU \($r.machine.pinning.loadgen_cpu)",
      "- phases per round, each on a fresh server: idle (\($r.parameters.steps // "?") batches, slope), after load (\($r.parameters.after_requests // "?") requests per connection, then idle), closed loop (\($r.parameters.warmup_s // 0) s warm-up + \($r.parameters.duration_s) s, \($r.machine.client // "loadgen")); then open loop (loadgen --rate, same rate for all)",
      "- kernel module: \($r.machine.module)",
      "- started \($r.started), \($r.wall_s) s in all"
        + (if $r.complete then "" else "; **incomplete: \($r.error)**" end),
      "" ]
  + ($r.skipped | map("- skipped: \(.variant)" + (if .conns then " at \(.conns) connections" else "" end) + ": \(.reason)"))
  + (if ($r.skipped | length) > 0 then [""] else [] end)
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
                   | ($x | cell) + (if $v == "tpc" or $tpc == null then "" else ratio($x; $tpc.values[$m.key]) end)
                   end ]) ]
         + [""] ] | add // [])
  + [ "Cells: median [min-max] over the rounds; (×R): the median over tpc's, given only",
      "where the two spreads do not overlap; (~): they overlap; noisy: the spread exceeds",
      "the median, or a round's memory series went down (the figure is a least-squares",
      "slope, never below 0). Definitions and sources: results.json `metrics` and",
      "experiments/README.md."
      + (if ($r.machine.module // "") == "loaded" then ""
         else " n/a: not measured here (the kernel-stack rows need the stacklab module: `experiments/paired --vm`)." end) ]
| join("\n")
