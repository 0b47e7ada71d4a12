// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "tpc.h"

/*
 * An fd-indexed table under one mutex: add and remove happen once per
 * connection, never per request, so the lock is not on the hot path.
 * remove runs before close, so shutdown_all never hits a reused fd.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t emptied = PTHREAD_COND_INITIALIZER;
static unsigned char *open_fds;
static uint64_t table_len, live;
static bool stopping;

bool tpc_registry_init(uint64_t max_fds)
{
	table_len = max_fds;
	open_fds = calloc(max_fds, 1);
	return open_fds != NULL;
}

bool tpc_registry_add(int fd)
{
	bool added = false;

	pthread_mutex_lock(&lock);
	if (live < tpc_cfg.srv.max_conns && (uint64_t)fd < table_len) {
		open_fds[fd] = 1;
		live++;
		added = true;
	}
	pthread_mutex_unlock(&lock);
	return added;
}

void tpc_registry_remove(int fd)
{
	pthread_mutex_lock(&lock);
	open_fds[fd] = 0;
	if (--live == 0)
		pthread_cond_broadcast(&emptied);
	pthread_mutex_unlock(&lock);
}

void tpc_registry_shutdown_all(void)
{
	pthread_mutex_lock(&lock);
	/* Before the shutdowns: a woken reader must see it. */
	__atomic_store_n(&stopping, true, __ATOMIC_SEQ_CST);
	for (uint64_t fd = 0; fd < table_len; fd++)
		if (open_fds[fd])
			shutdown(fd, SHUT_RD);
	pthread_mutex_unlock(&lock);
}

bool tpc_registry_stopping(void)
{
	return __atomic_load_n(&stopping, __ATOMIC_SEQ_CST);
}

uint64_t tpc_registry_wait_empty(uint64_t timeout_ns)
{
	struct timespec deadline;
	uint64_t left;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ns / 1000000000 +
			   (deadline.tv_nsec + timeout_ns % 1000000000) / 1000000000;
	deadline.tv_nsec = (deadline.tv_nsec + timeout_ns % 1000000000) % 1000000000;
	pthread_mutex_lock(&lock);
	while (live && pthread_cond_timedwait(&emptied, &lock, &deadline) == 0)
		;
	left = live;
	pthread_mutex_unlock(&lock);
	return left;
}
