/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_OPTS_H
#define STACKLAB_OPTS_H

/*
 * Command-line values every stacklab tool parses the same way: strictly,
 * with errors that name the flag and say what is accepted.  Each parser
 * prints "PROG: --FLAG: ..." on stderr and returns false on bad input, and
 * leaves *out alone then; the caller exits 2 (bad usage).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * getopt_long values of the long-only options every tool spells alike:
 * past any character, so that a short letter never aliases them.
 */
enum opts_long {
	OPTS_LONG_PORT = 0x100,	/* --port: -p is a PID, not a port */
	OPTS_LONG_FIRST_FREE,	/* a tool's own long-only values start here */
};

/* What every tool's --help says about values, word for word. */
#define OPTS_HELP_VALUES \
	"Durations: a number with ns, us, ms, s, m or h (bare: seconds);\n" \
	"sizes: digits with K, M or G (powers of 1024).\n"

/*
 * The options every tool has, then OPTS_HELP_VALUES, for a --help text
 * whose option descriptions start after PAD (spaces) past the option.
 */
#define OPTS_HELP_STD(pad) \
	"  -h, --help   " pad "this text\n" \
	"  -V, --version" pad "the stacklab release\n" \
	"\n" OPTS_HELP_VALUES

/*
 * getopt_long() refused an option: it returned '?' (unknown) or ':' (no
 * value; the optstring starts with ':' and opterr is 0, so that getopt
 * says nothing itself).  Says so on one line naming the option as typed,
 * "PROG: unknown option '--bogus'; try 'PROG --help'", and returns 2, the
 * exit status of bad usage.
 */
int opts_bad_option(const char *prog, int opt, char **argv);

/* A stray argument, said the same way; returns 2. */
int opts_stray_argument(const char *prog, const char *arg);

/* Durations are held in nanoseconds; these build them readably. */
#define OPTS_NSEC_PER_USEC 1000ULL
#define OPTS_NSEC_PER_MSEC 1000000ULL
#define OPTS_NSEC_PER_SEC  1000000000ULL
#define OPTS_MSEC(n) ((uint64_t)(n) * OPTS_NSEC_PER_MSEC)
#define OPTS_SEC(n)  ((uint64_t)(n) * OPTS_NSEC_PER_SEC)

/*
 * A byte count: digits with an optional K, M or G suffix (powers of 1024,
 * either case), in [min, max].
 */
bool opts_size(const char *prog, const char *flag, const char *text,
	       uint64_t min, uint64_t max, uint64_t *out);

/* A plain whole number in [min, max]. */
bool opts_uint(const char *prog, const char *flag, const char *text,
	       uint64_t min, uint64_t max, uint64_t *out);

/*
 * A duration, as wrk writes them: a number (fractions allowed: "1.5s")
 * with an optional unit ns, us, ms, s, m or h; a bare number is seconds.
 * In [min_ns, max_ns]; *out_ns in nanoseconds, rounded down.
 */
bool opts_duration(const char *prog, const char *flag, const char *text,
		   uint64_t min_ns, uint64_t max_ns, uint64_t *out_ns);

/*
 * A duration for a setting kept in whole seconds (socket and idle
 * timeouts): read as opts_duration() reads it, in [min_s, max_s] seconds,
 * rounded up to a whole second ("500ms" is 1).
 */
bool opts_seconds(const char *prog, const char *flag, const char *text,
		  uint64_t min_s, uint64_t max_s, uint64_t *out_s);

/*
 * Writes a duration the way opts_duration() reads it, in the largest unit
 * that holds it exactly ("1500ms", "2s", "1m"), into buf; returns buf.
 */
char *opts_duration_str(uint64_t ns, char *buf, size_t len);

/*
 * poll()'s timeout for a wait of seconds: rounded up to a whole ms, at
 * least 0 and at most INT_MAX (about 24.8 days: a longer wait polls again).
 */
int opts_timeout_ms(double seconds);

/* The stacklab release every tool reports (the repository's VERSION). */
const char *opts_version(void);

/* What --version prints on stdout: "PROG (stacklab) VERSION". */
void opts_print_version(const char *prog);

/*
 * An old spelling that still works for one release: says so on stderr,
 * "PROG: warning: OLD is deprecated and goes in the next release: use NEW".
 */
void opts_deprecated(const char *prog, const char *old, const char *now);

#endif
