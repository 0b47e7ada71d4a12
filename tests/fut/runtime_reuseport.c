// SPDX-License-Identifier: GPL-2.0
/* Several cores: two executors on two threads, each accepting on its own
 * SO_REUSEPORT listener of one port; blocking clients from the main thread
 * are all served; stop ends both executors and frees everything.  When
 * one executor cannot be set up, the start fails with its cause (a
 * listener of that executor would be bound with nobody accepting). */
#include <pthread.h>
#include <sys/resource.h>

#include "kselftest_harness.h"
#include "tcp_echo.h"

#define NEXEC 2
#define NCONN 40

struct rt_arg {
	int lfd[NEXEC];
	struct echo_stats st[NEXEC];
};

static void setup(struct fut_exec *ex, unsigned int i, void *p)
{
	struct rt_arg *a = p;

	FUT_SPAWN(ex, &echo_server_type, true, echo_server_init, a->lfd[i],
		  1 << 30, &a->st[i]);
}

static int echo_once(uint16_t port, int i)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char msg[32], buf[32];
	int fd = socket(AF_INET, SOCK_STREAM, 0), len, got = 0, n;

	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	len = snprintf(msg, sizeof(msg), "hello %d", i);
	if (write(fd, msg, len) != len)
		goto fail;
	while (got < len && (n = read(fd, buf + got, len - got)) > 0)
		got += n;
	if (got != len || memcmp(buf, msg, len))
		goto fail;
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

TEST(two_executors_reuseport)
{
	struct rt_arg a = { 0 };
	struct fut_runtime *rt;
	uint16_t port;
	int served = 0;

	a.lfd[0] = fut_listen_tcp("127.0.0.1", 0, 128, true);
	ASSERT_LE(0, a.lfd[0]);
	port = port_of(a.lfd[0]);
	for (int i = 1; i < NEXEC; i++) {
		a.lfd[i] = fut_listen_tcp("127.0.0.1", port, 128, true);
		ASSERT_LE(0, a.lfd[i]);
	}
	rt = fut_runtime_start(NEXEC, NULL, setup, &a);
	ASSERT_NE(NULL, rt);
	for (int i = 0; i < NCONN; i++)
		ASSERT_EQ(0, echo_once(port, i));
	/* Connections are closed by the clients; let the servers see EOF. */
	for (int tries = 0; tries < 500; tries++) {
		served = 0;
		for (int i = 0; i < NEXEC; i++)
			served += __atomic_load_n(&a.st[i].served, __ATOMIC_RELAXED);
		if (served == NCONN)
			break;
		usleep(2000);
	}
	fut_runtime_stop(rt);
	ASSERT_EQ(0, fut_runtime_join(rt));
	EXPECT_EQ(NCONN, served);
	for (int i = 0; i < NEXEC; i++) {
		TH_LOG("executor %d served %d", i, a.st[i].served);
		EXPECT_EQ(0, a.st[i].last_err);
		close(a.lfd[i]);
	}
}

/* The executors that did start: each waits a minute unless stopped. */
static void setup_sleeper(struct fut_exec *ex, unsigned int i, void *p)
{
	(void)i;
	__atomic_fetch_add((int *)p, 1, __ATOMIC_RELAXED);
	FUT_SPAWN(ex, &fut_sleep_type, true, fut_sleep_init, 60ull * 1000000000);
}

TEST(an_executor_that_cannot_start_fails_the_start)
{
	struct rlimit old, lim;
	struct fut_runtime *rt;
	int lowest, first_free, err, set_up = 0;

	/*
	 * Four descriptors free at most: an executor takes three (its ring,
	 * its eventfd and the runtime's dup of it), so of four at least two
	 * cannot start.
	 */
	first_free = dup(0);
	ASSERT_LE(0, first_free);
	close(first_free);
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	lim = old;
	lim.rlim_cur = first_free + 4;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	rt = fut_runtime_start(4, NULL, setup_sleeper, &set_up);
	err = errno;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(NULL, rt) TH_LOG("started with %d of 4 executors set up", set_up);
	if (rt) {
		fut_runtime_stop(rt);
		fut_runtime_join(rt);
		return;
	}
	EXPECT_EQ(EMFILE, err) TH_LOG("errno %d (%s)", err, strerror(err));
	EXPECT_GT(4, set_up);
	/* Every descriptor the executors took is back. */
	lowest = dup(0);
	EXPECT_EQ(first_free, lowest);
	close(lowest);
}

TEST_HARNESS_MAIN
