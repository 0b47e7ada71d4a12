// SPDX-License-Identifier: GPL-2.0
/* Several cores: one thread per executor, and SO_REUSEPORT listeners so
 * that each executor accepts its own connections (no cross-thread wakes). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"

int fut_listen_tcp(const char *addr, uint16_t port, int backlog,
		   bool reuseport)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd, err;

	if (inet_pton(AF_INET, addr ? addr : "0.0.0.0", &sa.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (reuseport &&
	     setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, backlog)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

struct rt_thread {
	struct fut_runtime *rt;
	pthread_t tid;
	unsigned int index;
	int wake_fd;	/* a dup of the executor's eventfd, closed by join */
	int ret;
	bool joined;	/* by fut_runtime_join_within, before its deadline */
};

struct fut_runtime {
	unsigned int n;
	const struct fut_exec_opts *opts;
	struct fut_exec_opts opts_copy;
	fut_setup_fn setup;
	void *arg;
	int stop;
	sem_t ready;	/* posted by each thread once set up (or failed) */
	struct rt_thread th[];
};

static void *rt_main(void *p)
{
	struct rt_thread *th = p;
	struct fut_runtime *rt = th->rt;
	struct fut_exec *ex = fut_exec_create(rt->opts);
	int wake_fd = ex ? dup(ex->notify_fd) : -1;

	/* Without its wake fd, fut_runtime_stop could not end it. */
	if (wake_fd < 0) {
		th->ret = -errno;
		fut_exec_destroy(ex);
		sem_post(&rt->ready);
		return NULL;
	}
	ex->ext_stop = &rt->stop;
	rt->setup(ex, th->index, rt->arg);
	__atomic_store_n(&th->wake_fd, wake_fd, __ATOMIC_RELEASE);
	sem_post(&rt->ready);
	th->ret = fut_exec_run(ex);
	fut_exec_destroy(ex);
	return NULL;
}

struct fut_runtime *fut_runtime_start(unsigned int n,
				      const struct fut_exec_opts *opts,
				      fut_setup_fn setup, void *arg)
{
	struct fut_runtime *rt = calloc(1, sizeof(*rt) + n * sizeof(rt->th[0]));

	if (!rt || !n) {
		free(rt);
		errno = EINVAL;
		return NULL;
	}
	rt->n = n;
	if (opts) {
		rt->opts_copy = *opts;
		rt->opts = &rt->opts_copy;
	}
	rt->setup = setup;
	rt->arg = arg;
	if (sem_init(&rt->ready, 0, 0)) {
		free(rt);
		return NULL;
	}
	for (unsigned int i = 0; i < n; i++) {
		rt->th[i].rt = rt;
		rt->th[i].index = i;
		if (pthread_create(&rt->th[i].tid, NULL, rt_main, &rt->th[i])) {
			rt->n = i;
			while (i--)
				while (sem_wait(&rt->ready) && errno == EINTR)
					;
			fut_runtime_stop(rt);
			fut_runtime_join(rt);
			errno = EAGAIN;
			return NULL;
		}
	}
	/*
	 * Back only once every executor is set up (its ring, its buffer
	 * pool committed, its tasks spawned): what the caller does next,
	 * such as saying it listens, sees the server as it will run.  One
	 * that could not be set up fails the start, with its cause: its
	 * share of the work (a SO_REUSEPORT listener the kernel sends
	 * connections to) would have nobody to do it.
	 */
	for (unsigned int i = 0; i < n; i++)
		while (sem_wait(&rt->ready) && errno == EINTR)
			;
	for (unsigned int i = 0; i < n; i++) {
		int err = rt->th[i].ret;

		if (!err)
			continue;
		fut_runtime_stop(rt);
		fut_runtime_join(rt);
		errno = -err;
		return NULL;
	}
	return rt;
}

void fut_runtime_stop(struct fut_runtime *rt)
{
	__atomic_store_n(&rt->stop, 1, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < rt->n; i++) {
		int fd = __atomic_load_n(&rt->th[i].wake_fd, __ATOMIC_ACQUIRE);
		uint64_t one = 1;

		if (fd > 0 && write(fd, &one, sizeof(one)) < 0)
			continue;
	}
}

int fut_runtime_join(struct fut_runtime *rt)
{
	int ret = 0;

	for (unsigned int i = 0; i < rt->n; i++) {
		if (!rt->th[i].joined)
			pthread_join(rt->th[i].tid, NULL);
		if (rt->th[i].wake_fd > 0)
			close(rt->th[i].wake_fd);
		if (!ret)
			ret = rt->th[i].ret;
	}
	sem_destroy(&rt->ready);
	free(rt);
	return ret;
}

bool fut_runtime_join_within(struct fut_runtime *rt, uint64_t timeout_ns,
			     int *rc)
{
	struct timespec deadline;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ns / 1000000000 +
			   (deadline.tv_nsec + timeout_ns % 1000000000) / 1000000000;
	deadline.tv_nsec = (deadline.tv_nsec + timeout_ns % 1000000000) % 1000000000;
	for (unsigned int i = 0; i < rt->n; i++) {
		if (rt->th[i].joined)
			continue;
		if (pthread_clockjoin_np(rt->th[i].tid, NULL, CLOCK_MONOTONIC,
					 &deadline))
			return false;
		rt->th[i].joined = true;
	}
	*rc = fut_runtime_join(rt);
	return true;
}
