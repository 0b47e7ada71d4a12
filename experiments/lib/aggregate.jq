# results.json from the raw records of experiments/lib/paired-run.sh.
# Input: the records, slurped (jq -s).  $meta: what the host side knows
# (times, where, tools, parameters, VM, exit status).  Needs metrics.jq.
include "metrics";

# The final probe report lists the stack bytes of every thread: keep ten.
def trim_probe: if . == null then null
  else .stack_touched_by_thread |= (if . == null then null else .[:10] end) end;

. as $recs
| ($recs | map(select(.type == "machine")) | first) as $machine
| ($recs | map(select(.type == "error")) | first) as $err
| ($recs | map(select(.type == "idle" or .type == "load"))) as $phases
| ($phases | map({variant, conns}) | unique_by([.conns, .variant])) as $keys
| ($recs | map(select(.type == "idle" or .type == "load")) | map(.variant) ) as $order
| {
    schema: "stacklab-paired/1",
    complete: ($err == null and $meta.exit_status == 0),
    error: ($err.message // (if $meta.exit_status != 0 then "the measuring run exited with status \($meta.exit_status)" else null end)),
    started: $meta.started,
    finished: $meta.finished,
    wall_s: $meta.wall_s,
    where: $meta.where,
    timings_emulated: $meta.timings_emulated,
    machine: ((($machine // {}) | del(.type)) + {tools: $meta.tools, vm: $meta.vm}),
    parameters: $meta.parameters,
    variants: ($order | reduce .[] as $v ([]; if index([$v]) then . else . + [$v] end)),
    skipped: ($recs | map(select(.type == "skip") | del(.type))),
    switch_cost: ($recs | map(select(.type == "switch_cost") | del(.type)) | first),
    metrics: metric_defs,
    runs: [ $keys[] as $k
      | ($phases | map(select(.variant == $k.variant and .conns == $k.conns))) as $mine
      | ($mine | map(select(.type == "idle")) | first) as $idle
      | ($mine | map(select(.type == "load")) | first) as $load
      | {
          variant: $k.variant,
          conns: $k.conns,
          command: ($load.command // $idle.command),
          values: metric_values($idle; $load),
          idle: ($idle | if . == null then null else del(.type, .variant, .conns, .command) end),
          load: ($load | if . == null then null else del(.type, .variant, .conns, .command) | .probe |= trim_probe end)
        } ]
  }
