/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STACKLAB_TRACEFS_H
#define STACKLAB_TRACEFS_H

#include <stddef.h>

#define TRACEFS_DIR "/sys/kernel/tracing"

/*
 * Make sure tracefs is mounted at TRACEFS_DIR, mounting it if needed:
 * libbpf resolves tracepoint ids there.  Returns 0, or -errno with a
 * one-line cause and fix in err.
 */
int tracefs_ensure(char *err, size_t err_len);

/* Whether the tracepoint CATEGORY:NAME exists on the running kernel. */
int tracefs_has_event(const char *category, const char *name);

#endif
