// SPDX-License-Identifier: GPL-2.0
/*
 * The final report comes when the target exits before the duration (a
 * command, or a -p process), and on SIGINT (the command is then stopped).
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "probe_run.h"

#define DURATION "60"

static void check_final(struct __test_metadata *_metadata, struct probe_run *r)
{
	json_t *elapsed;

	ASSERT_EQ(0, r->status) TH_LOG("probe stderr: %s", r->err ? r->err : "");
	ASSERT_NE(NULL, r->final) TH_LOG("no final report; stdout: %s", r->out);
	EXPECT_TRUE(json_is_true(json_object_get(r->final, "target_exited")));
	elapsed = json_object_get(r->final, "elapsed_s");
	TH_LOG("final report after %.3f s of a %s s duration",
	       json_real_value(elapsed), DURATION);
	/* Well before the duration: the exit ended the measurement. */
	EXPECT_LT(json_real_value(elapsed), 30.0);
}

TEST(command_exits_mid_run)
{
	const char *args[] = { "--json", "-d", DURATION, "--",
			       "tests/probe/wl_exit_after", "300", "3", NULL };
	struct probe_run r;

	ASSERT_EQ(0, probe_run(&r, args));
	check_final(_metadata, &r);
	EXPECT_EQ(3, probe_final_int(&r, "target_exit_code"));
	/* It slept: at least one voluntary switch. */
	EXPECT_LE(1, probe_final_int(&r, "voluntary"));
	probe_free(&r);
}

TEST(pid_exits_mid_run)
{
	char pid_arg[32];
	const char *args[] = { "--json", "-d", DURATION, "-p", pid_arg, NULL };
	struct probe_run r;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		execl("tests/probe/wl_exit_after", "wl_exit_after", "8000", "0", NULL);
		_exit(127);
	}
	snprintf(pid_arg, sizeof(pid_arg), "%d", pid);
	ASSERT_EQ(0, probe_run(&r, args));
	waitpid(pid, NULL, 0);
	check_final(_metadata, &r);
	EXPECT_LE(1, probe_final_int(&r, "threads_exited"));
	probe_free(&r);
}

TEST(sigint_prints_final)
{
	const char *args[] = { "--json", "-i", "0.2", "--",
			       "tests/probe/wl_exit_after", "60000", NULL };
	struct probe_run r;

	ASSERT_EQ(0, probe_start(&r, args));
	/* The first interval report: the probes are attached. */
	ASSERT_EQ(0, probe_wait_output(&r, "\"interval\"", 60000));
	ASSERT_EQ(0, kill(r.pid, SIGINT));
	ASSERT_EQ(0, probe_finish(&r));
	check_final(_metadata, &r);
	EXPECT_LE(1, r.n_intervals);
	/* The probe stopped the command it started. */
	EXPECT_EQ(SIGTERM, probe_final_int(&r, "target_exit_signal"));
	probe_free(&r);
}

TEST_HARNESS_MAIN
