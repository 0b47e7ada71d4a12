/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_LOADGEN_H
#define STACKLAB_LOADGEN_H

/* loadgen: HTTP/1.1 keep-alive load from one thread and one io_uring. */
#include <stdbool.h>
#include <stdint.h>

#include "common/histogram.h"

struct loadgen_config {
	const char *addr;
	uint16_t port;
	uint32_t connections;
	uint64_t requests;	/* total; 0: run for duration_s */
	double duration_s;	/* 0: run for requests; measured, after the warm-up */
	double warmup_s;	/* load first, not counted (not with --idle) */
	double heavy_ratio;	/* share of requests that are GET /heavy */
	double rate;		/* open loop, requests/s; 0: closed loop */
	bool hold;		/* --idle: one request per connection, then hold them open */
	uint32_t hold_requests;	/* --idle-requests: per connection first (0: 1) */
	uint32_t hold_batches;	/* --idle-batches: a batch a SIGUSR1 (0: all at once) */
	unsigned int timeout_s;	/* per request and per connect */
	uint64_t seed;
	int server_pid;		/* its CPU time over the measured phase; 0 none */
	bool progress;		/* a line a second on stderr */
};

/*
 * Descriptors past the sockets that loadgen asks RLIMIT_NOFILE for:
 * stdio, the ring and whatever the caller left open.
 */
#define LOADGEN_SPARE_FDS 64

enum loadgen_error {
	ERR_CONNECT,	/* connect failed */
	ERR_SEND,	/* send failed or was short */
	ERR_RECV,	/* recv failed (reset, ...) */
	ERR_CLOSED,	/* the server closed a connection */
	ERR_PARSE,	/* a response we could not parse */
	ERR_TIMEOUT,	/* no response within timeout_s */
	ERR_KINDS,
};

extern const char *const loadgen_error_names[ERR_KINDS];

/*
 * A load run has three phases: connect (every connection opens or fails,
 * nothing is sent), warm-up (cfg->warmup_s of load, not counted) and the
 * measured phase.  Request figures count the measured phase only: a
 * request belongs to the phase it was sent in (open loop: due in), its
 * answer and its errors with it.  Connection figures count the whole run.
 * --idle has no phases: everything is measured.
 */
struct loadgen_stats {
	struct histogram latency;	/* ns, send (or intended send) to response */
	uint64_t sent, heavy_sent, responses;
	uint64_t status_class[6];	/* [2] is 2xx, [4] 4xx, ... [0] other */
	uint64_t errors[ERR_KINDS];	/* connect: whole run; others measured */
	uint64_t connects, reconnects;
	int connect_errno;		/* the last failed connect's, 0 none */
	uint64_t bytes_received;
	uint32_t peak_open;		/* connections open at once */
	double elapsed_s;		/* first send to last response */
	double connect_s;		/* start to every connection settled */
	uint64_t warmup_sent, warmup_responses, warmup_errors;
	/* Measured responses per connection open through the measured phase. */
	uint32_t per_conn_n;
	uint64_t per_conn_min, per_conn_median, per_conn_max;
	bool server_cpu_valid;		/* both reads of --server-pid worked */
	double server_cpu_s;		/* its utime + stime over the phase */
};

/*
 * Run the load described by cfg; fill stats.  Returns 0, or -errno when
 * the run could not start (with a message on stderr).  Stops early, with
 * what was measured, on SIGINT or SIGTERM.  With cfg->hold_batches,
 * each SIGUSR1 opens the next batch of connections.
 */
int loadgen_run(const struct loadgen_config *cfg, struct loadgen_stats *stats);

/*
 * A process's CPU time so far, every thread of it, in clock ticks
 * (utime + stime of /proc/PID/stat).  0, or -errno with errno set.
 */
int loadgen_cpu_ticks(int pid, uint64_t *ticks);

/*
 * Whether every connection failed: not one response came back.  Then
 * says so on stderr, naming what failed (nothing listening, ...).
 */
bool loadgen_all_failed(const struct loadgen_config *cfg,
			const struct loadgen_stats *stats);

void loadgen_report_text(const struct loadgen_config *cfg,
			 const struct loadgen_stats *stats);
int loadgen_report_json(const struct loadgen_config *cfg,
			const struct loadgen_stats *stats);

#endif
