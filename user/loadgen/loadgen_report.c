// SPDX-License-Identifier: GPL-2.0
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "loadgen.h"

const char *const loadgen_error_names[ERR_KINDS] = {
	[ERR_CONNECT] = "connect", [ERR_SEND] = "send", [ERR_RECV] = "recv",
	[ERR_CLOSED] = "closed", [ERR_PARSE] = "parse",
	[ERR_TIMEOUT] = "timeout",
};

bool loadgen_all_failed(const struct loadgen_config *cfg,
			const struct loadgen_stats *stats)
{
	/* A warm-up answer (a run stopped before the measure) is one too. */
	if (stats->responses || stats->warmup_responses)
		return false;
	/* --idle-batches, ended before a SIGUSR1: nothing was asked of it. */
	if (cfg->hold_batches && !stats->connects && !stats->errors[ERR_CONNECT])
		return false;
	if (!stats->connects && stats->connect_errno) {
		fprintf(stderr, "loadgen: no connection to %s:%u could be made (%s): is a server listening there?\n",
			cfg->addr, cfg->port, strerror(stats->connect_errno));
		return true;
	}
	fprintf(stderr, "loadgen: every connection to %s:%u failed: %llu requests sent, none answered (errors:",
		cfg->addr, cfg->port,
		(unsigned long long)(stats->sent + stats->warmup_sent));
	for (int k = 0; k < ERR_KINDS; k++)
		fprintf(stderr, " %s %llu", loadgen_error_names[k],
			(unsigned long long)stats->errors[k]);
	fprintf(stderr, ")\n");
	return true;
}

static const double percentiles[] = { 50, 90, 99, 99.9 };
static const char *const percentile_names[] = { "p50", "p90", "p99", "p99.9" };

static void print_ns(const char *name, uint64_t ns)
{
	if (ns >= 10000000)
		printf("  %s %.1f ms", name, ns / 1e6);
	else
		printf("  %s %.1f us", name, ns / 1e3);
}

static const char *mode(const struct loadgen_config *cfg)
{
	return cfg->hold ? "idle" : cfg->rate > 0 ? "open loop" : "closed loop";
}

void loadgen_report_text(const struct loadgen_config *cfg,
			 const struct loadgen_stats *stats)
{
	const struct histogram *lat = &stats->latency;
	double rps = stats->elapsed_s > 0 ? stats->responses / stats->elapsed_s : 0;

	printf("loadgen: %s:%u, %u connections, %s, heavy %.2f%%\n",
	       cfg->addr, cfg->port, cfg->connections, mode(cfg),
	       cfg->heavy_ratio * 100);
	printf("  requests   %llu sent (%llu heavy), %llu answered in %.2f s: %.1f req/s\n",
	       (unsigned long long)stats->sent,
	       (unsigned long long)stats->heavy_sent,
	       (unsigned long long)stats->responses, stats->elapsed_s, rps);
	printf("  latency  ");
	for (unsigned int i = 0; i < 4; i++)
		print_ns(percentile_names[i], hist_percentile(lat, percentiles[i]));
	print_ns("max", lat->count ? lat->max : 0);
	print_ns("mean", (uint64_t)hist_mean(lat));
	printf("\n  status     2xx %llu, 3xx %llu, 4xx %llu, 5xx %llu, other %llu\n",
	       (unsigned long long)stats->status_class[2],
	       (unsigned long long)stats->status_class[3],
	       (unsigned long long)stats->status_class[4],
	       (unsigned long long)stats->status_class[5],
	       (unsigned long long)(stats->status_class[0] + stats->status_class[1]));
	printf("  errors    ");
	for (unsigned int i = 0; i < ERR_KINDS; i++)
		printf(" %s %llu", loadgen_error_names[i],
		       (unsigned long long)stats->errors[i]);
	printf("\n  connections %llu opened (%llu reopened), at most %u at once, all tried in %.2f s\n",
	       (unsigned long long)stats->connects,
	       (unsigned long long)stats->reconnects, stats->peak_open,
	       stats->connect_s);
	printf("  per conn   answered min %llu, median %llu, max %llu (%u connections open throughout)\n",
	       (unsigned long long)stats->per_conn_min,
	       (unsigned long long)stats->per_conn_median,
	       (unsigned long long)stats->per_conn_max, stats->per_conn_n);
	if (!cfg->hold)
		printf("  warm-up    %.2f s: %llu sent, %llu answered, %llu errors (not counted above)\n",
		       cfg->warmup_s, (unsigned long long)stats->warmup_sent,
		       (unsigned long long)stats->warmup_responses,
		       (unsigned long long)stats->warmup_errors);
	if (!cfg->server_pid)
		return;
	if (stats->server_cpu_valid)
		printf("  server     pid %d: %.2f s CPU, %.1f us per response\n",
		       cfg->server_pid, stats->server_cpu_s,
		       stats->responses ? stats->server_cpu_s * 1e6 / stats->responses : 0);
	else
		printf("  server     pid %d: CPU time not measured\n", cfg->server_pid);
}

int loadgen_report_json(const struct loadgen_config *cfg,
			const struct loadgen_stats *stats)
{
	const struct histogram *lat = &stats->latency;
	json_t *root = json_object(), *latency = json_object();
	json_t *errors = json_object(), *status = json_object(), *sub;
	uint64_t non_2xx = 0;
	int rc;

	for (unsigned int i = 0; i < 4; i++)
		json_object_set_new(latency, percentile_names[i],
				    json_integer(hist_percentile(lat, percentiles[i])));
	json_object_set_new(latency, "max", json_integer(lat->count ? lat->max : 0));
	json_object_set_new(latency, "mean", json_real(hist_mean(lat)));
	json_object_set_new(latency, "count", json_integer(lat->count));
	for (unsigned int i = 0; i < ERR_KINDS; i++)
		json_object_set_new(errors, loadgen_error_names[i],
				    json_integer(stats->errors[i]));
	for (unsigned int c = 0; c < 6; c++) {
		static const char *const names[] = { "other", "1xx", "2xx", "3xx",
						     "4xx", "5xx" };
		json_object_set_new(status, names[c],
				    json_integer(stats->status_class[c]));
		if (c != 2)
			non_2xx += stats->status_class[c];
	}

	json_object_set_new(root, "addr", json_string(cfg->addr));
	json_object_set_new(root, "port", json_integer(cfg->port));
	json_object_set_new(root, "mode", json_string(mode(cfg)));
	json_object_set_new(root, "connections", json_integer(cfg->connections));
	json_object_set_new(root, "heavy_ratio", json_real(cfg->heavy_ratio));
	json_object_set_new(root, "rate", json_real(cfg->rate));
	json_object_set_new(root, "requests", json_integer(stats->sent));
	json_object_set_new(root, "heavy_requests", json_integer(stats->heavy_sent));
	json_object_set_new(root, "responses", json_integer(stats->responses));
	json_object_set_new(root, "non_2xx", json_integer(non_2xx));
	json_object_set_new(root, "elapsed_s", json_real(stats->elapsed_s));
	json_object_set_new(root, "requests_per_s",
			    json_real(stats->elapsed_s > 0 ?
				      stats->responses / stats->elapsed_s : 0));
	json_object_set_new(root, "latency_ns", latency);
	json_object_set_new(root, "status", status);
	json_object_set_new(root, "errors", errors);
	json_object_set_new(root, "connects", json_integer(stats->connects));
	json_object_set_new(root, "reconnects", json_integer(stats->reconnects));
	json_object_set_new(root, "peak_open", json_integer(stats->peak_open));
	json_object_set_new(root, "bytes_received",
			    json_integer(stats->bytes_received));
	json_object_set_new(root, "connect_s", json_real(stats->connect_s));

	sub = json_object();
	json_object_set_new(sub, "seconds", json_real(cfg->warmup_s));
	json_object_set_new(sub, "sent", json_integer(stats->warmup_sent));
	json_object_set_new(sub, "responses", json_integer(stats->warmup_responses));
	json_object_set_new(sub, "errors", json_integer(stats->warmup_errors));
	json_object_set_new(root, "warmup", sub);

	sub = json_object();
	json_object_set_new(sub, "connections", json_integer(stats->per_conn_n));
	json_object_set_new(sub, "min", json_integer(stats->per_conn_min));
	json_object_set_new(sub, "median", json_integer(stats->per_conn_median));
	json_object_set_new(sub, "max", json_integer(stats->per_conn_max));
	json_object_set_new(root, "per_connection", sub);

	if (cfg->server_pid) {
		bool ok = stats->server_cpu_valid;

		sub = json_object();
		json_object_set_new(sub, "pid", json_integer(cfg->server_pid));
		json_object_set_new(sub, "seconds",
				    ok ? json_real(stats->server_cpu_s) : json_null());
		json_object_set_new(sub, "us_per_request",
				    ok && stats->responses ?
				    json_real(stats->server_cpu_s * 1e6 / stats->responses) :
				    json_null());
		json_object_set_new(root, "server_cpu", sub);
	}
	rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	printf("\n");
	json_decref(root);
	return rc;
}
