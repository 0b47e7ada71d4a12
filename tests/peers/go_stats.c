// SPDX-License-Identifier: GPL-2.0
/*
 * go-server --stats FILE: one JSON object with the runtime's stack and GC
 * figures, written on SIGUSR1 and at exit.  A connection held open after
 * GET /heavy keeps a grown goroutine stack: stack_inuse_bytes holds it.
 * usage: go_stats  (from the build tree; the server is peers/go-server)
 */
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../server/server_proc.h"

#define HEAVY_BYTES 1048576

/* The stats object once path holds one written after since (mtime). */
static json_t *wait_stats(const char *path, time_t since_ns_sec, long since_ns)
{
	for (int i = 0; i < 100; i++) {
		struct stat st;

		if (stat(path, &st) == 0 &&
		    (st.st_mtim.tv_sec > since_ns_sec ||
		     (st.st_mtim.tv_sec == since_ns_sec && st.st_mtim.tv_nsec > since_ns)))
			return json_load_file(path, 0, NULL);
		usleep(50 * 1000);
	}
	return NULL;
}

static long long field(json_t *stats, const char *name)
{
	json_t *v = json_object_get(stats, name);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

TEST(sigusr1_and_exit_write_the_runtime_figures)
{
	char dir[] = "/tmp/go-stats-XXXXXX", path[64], buf[4096];
	const char *args[] = { "--heavy-bytes", "1M", "--stats", path, NULL };
	struct server_proc srv;
	json_t *stats;
	size_t len;
	int fd;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/stats.json", dir);
	setenv("STACKLAB_SERVER", "peers/go-server", 1);
	ASSERT_TRUE(server_start(&srv, args));

	fd = client_connect(srv.port, 10);
	ASSERT_LE(0, fd);
	ASSERT_TRUE(client_send_str(fd, "GET /heavy HTTP/1.1\r\nHost: t\r\n\r\n"));
	ASSERT_EQ(200, client_read_response(fd, false, buf, sizeof(buf), &len));
	EXPECT_NE(NULL, strstr(buf, "heavy 1048576 bytes digest "));

	kill(srv.pid, SIGUSR1);
	stats = wait_stats(path, 0, 0);
	ASSERT_NE(NULL, stats) TH_LOG("no JSON object in %s after SIGUSR1", path);
	/* The held connection's goroutine still has its grown stack. */
	EXPECT_LE(HEAVY_BYTES, field(stats, "stack_inuse_bytes"));
	EXPECT_LE(field(stats, "stack_inuse_bytes"), field(stats, "stack_sys_bytes"));
	EXPECT_LT(0, field(stats, "heap_inuse_bytes"));
	EXPECT_LE(0, field(stats, "gc_cycles"));
	EXPECT_LE(2, field(stats, "goroutines"));
	EXPECT_EQ(1, field(stats, "requests_served"));
	EXPECT_LT(0, field(stats, "stack_starting_size_bytes"));
	EXPECT_TRUE(json_is_null(json_object_get(stats, "stack_growths")));
	EXPECT_TRUE(json_is_string(json_object_get(stats, "stack_growths_note")));

	struct stat before;

	ASSERT_EQ(0, stat(path, &before));
	ASSERT_TRUE(client_send_str(fd, "GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
	ASSERT_EQ(200, client_read_response(fd, false, buf, sizeof(buf), &len));
	close(fd);
	json_decref(stats);
	usleep(20 * 1000);
	EXPECT_EQ(0, server_stop(&srv, 20));
	stats = wait_stats(path, before.st_mtim.tv_sec, before.st_mtim.tv_nsec);
	ASSERT_NE(NULL, stats) TH_LOG("%s was not rewritten at exit", path);
	EXPECT_EQ(2, field(stats, "requests_served"));
	json_decref(stats);
	unlink(path);
	rmdir(dir);
}

TEST(unwritable_stats_path_fails_at_start)
{
	static const char *const args[] = { "--stats", "/nonexistent-dir/s.json", NULL };
	struct server_proc srv;

	setenv("STACKLAB_SERVER", "peers/go-server", 1);
	EXPECT_FALSE(server_start(&srv, args));
}

TEST_HARNESS_MAIN
