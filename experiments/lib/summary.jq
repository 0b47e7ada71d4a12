# summary.md from results.json (jq -r): per connection count, one row per
# metric and one column per variant, each cell "value (ratio to tpc)".

def fmt:
  if . == null then "n/a"
  elif (. | fabs) >= 100 then (round | tostring)
  elif (. | fabs) >= 10 then ((. * 10 | round) / 10 | tostring)
  elif (. | fabs) >= 0.01 or . == 0 then ((. * 100 | round) / 100 | tostring)
  else ((. * 10000 | round) / 10000 | tostring) end;

def ratio($v; $base):
  if $v == null or $base == null or $base == 0 then ""
  else " (×" + (($v / $base) | fmt) + ")" end;

def row($cells): "| " + ($cells | join(" | ")) + " |";

. as $r
| ($r.variants) as $vs
| ($r.runs | map(.conns) | unique) as $ns
| [
    "# stacklab paired: summary",
    "",
    "- where: \($r.where), kernel \($r.machine.kernel), \($r.machine.cpus) CPUs (\($r.machine.cpu_model))"
      + (if $r.timings_emulated then "; **timings emulated** (TCG): compare ratios only" else "" end),
    "- pinning: server on CPU \($r.machine.pinning.server_cpu), loadgen on CPU \($r.machine.pinning.loadgen_cpu)",
    "- load: closed loop, \($r.parameters.duration_s) s per run, heavy ratio \($r.parameters.heavy_ratio), heavy branch \($r.parameters.heavy_bytes) bytes",
    "- kernel module: \($r.machine.module)",
    "- started \($r.started), \($r.wall_s) s in all"
      + (if $r.complete then "" else "; **incomplete: \($r.error)**" end),
    ""
  ]
  + ($r.skipped | map("- skipped: \(.variant)" + (if .conns then " at \(.conns) connections" else "" end) + ": \(.reason)"))
  + (if ($r.skipped | length) > 0 then [""] else [] end)
  + (if $r.switch_cost == null then [] else
      ($r.switch_cost.figures) as $f
      | [ "## switch cost (fut_bench, CPU 0)", "",
          row(["hand-off", "ns"]), row(["---", "---:"]),
          row(["thread ping-pong over pipes", ($f.thread_pingpong_ns | fmt)]),
          row(["future wake + poll", ($f.wake_poll_ns | fmt)]),
          row(["ratio thread / future", ($f.pingpong_ratio | fmt)]),
          "" ] end)
  + ([ $ns[] as $n
       | ($r.runs | map(select(.conns == $n))) as $runs
       | ($runs | map(select(.variant == "tpc")) | first) as $tpc
       | [ "## \($n) connections", "",
           row(["metric", "unit"] + $vs),
           row(["---", "---"] + ($vs | map("---:"))) ]
         + [ $r.metrics[] as $m
             | row([$m.label, $m.unit] + [ $vs[] as $v
                 | ($runs | map(select(.variant == $v)) | first) as $run
                 | if $run == null then "skipped"
                   else ($run.values[$m.key]) as $x
                   | ($x | fmt) + (if $v == "tpc" then "" else ratio($x; $tpc.values[$m.key]) end)
                   end ]) ]
         + [""] ] | add // [])
  + [ "Ratios are each figure over tpc's in the same run. Definitions and sources:",
      "results.json `metrics` and experiments/README.md. n/a: not measured here",
      "(the kernel-stack rows need the stacklab module: `experiments/paired --vm`)." ]
| join("\n")
