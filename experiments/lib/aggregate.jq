# results.json (schema stacklab-paired/3) from the raw records of
# experiments/lib/paired-run.sh.  Input: the records, slurped (jq -s).
# $meta: what the host side knows (times, where, tools, parameters, VM,
# exit status).  Every figure measured per round becomes
# {median, min, max, n, noisy} in runs[].values; the rounds themselves are
# kept in runs[].rounds.  Needs metrics.jq.
include "metrics";

# The final probe report lists the stack bytes of every thread: keep ten.
def trim_probe: if . == null then null
  else .stack_touched_by_thread |= (if . == null then null else .[:10] end) end;

# [{key: number} or null, one a round] -> {key: spread}; a key missing
# from a round counts $missing there (null: not at all).
def by_key($rounds; $missing):
  ($rounds | map(select(. != null))) as $r
  | if ($r | length) == 0 then null else
      reduce ($r | map(keys) | add | unique)[] as $c ({};
        .[$c] = ($r | map(.[$c] // $missing) | spread(false)))
    end;

# One round's after_k records -> [{K: bytes per connection}, {K: share}].
def after_k_values($recs):
  if ($recs | length) == 0 then [null, null] else
    [ (reduce $recs[] as $x ({}; .["\($x.requests_per_conn)"] = fit_value($x; "total"))),
      (reduce $recs[] as $x ({}; .["\($x.requests_per_conn)"] = per($x.took_heavy; $x.open))) ]
  end;

def phase_types: ["idle", "after_load", "after_k", "load", "open_loop"];

. as $recs
| ($recs | map(select(.type == "machine")) | first) as $machine
| ($recs | map(select(.type == "error")) | first) as $err
| ($recs | map(select(.type as $t | phase_types | index([$t])))) as $phases
| ($phases | map({variant, conns}) | unique_by([.conns, .variant])) as $keys
| ($phases | map(.variant)) as $order
| {
    schema: "stacklab-paired/3",
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
      | ($mine | map(.round // 1) | unique) as $rounds
      | [ $rounds[] as $r
          | ($mine | map(select((.round // 1) == $r))) as $m
          | def one($t): $m | map(select(.type == $t)) | first;
          { round: $r, idle: one("idle"), after_load: one("after_load"),
            load: one("load"), open_loop: one("open_loop"),
            after_k: ($m | map(select(.type == "after_k")) | sort_by(.requests_per_conn)) }
          | .values = metric_values(.idle; .after_load; .load; .open_loop)
          | .flags = metric_flags(.idle; .after_load) ] as $per
      | {
          variant: $k.variant,
          conns: $k.conns,
          command: ($mine | map(.command // empty) | first),
          values: ((reduce (metric_defs | .[].key) as $key ({};
            .[$key] = ($per | map(.values[$key])
                       | spread([$per[].flags[]] | index([$key]) != null))))
            + {kernel_objects_by_cache: by_key($per | map(kernel_objects(.idle)); 0),
               memcg_by_stat: by_key($per | map(memcg_by_stat(.idle)); null),
               bytes_per_conn_after_k: by_key($per | map(after_k_values(.after_k)[0]); null),
               heavy_share_after_k: by_key($per | map(after_k_values(.after_k)[1]); null)}),
          rounds: [ $per[]
            | .load |= (if . == null then null else del(.type, .variant, .conns, .command, .round) | .probe |= trim_probe end)
            | .idle |= (if . == null then null else del(.type, .variant, .conns, .round) | .samples |= map(del(.slab)) end)
            | .after_load |= (if . == null then null else del(.type, .variant, .conns, .round) | .samples |= map(del(.slab)) end)
            | .after_k |= map(del(.type, .variant, .conns, .round) | .samples |= map(del(.slab)))
            | .open_loop |= (if . == null then null else del(.type, .variant, .conns, .round) end) ]
        } ]
  }
