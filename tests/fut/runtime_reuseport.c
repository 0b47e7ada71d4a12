// SPDX-License-Identifier: GPL-2.0
/* Several cores: two executors on two threads, each accepting on its own
 * SO_REUSEPORT listener of one port; blocking clients from the main thread
 * are all served; stop ends both executors and frees everything. */
#include <pthread.h>

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

TEST_HARNESS_MAIN
