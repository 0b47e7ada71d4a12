// SPDX-License-Identifier: GPL-2.0
/*
 * The command the probe starts: stopped at the end however it behaves
 * (SIGTERM, then SIGKILL after a grace period, said on stderr), its own
 * stdout kept out of the report (-o FILE, or stderr), and its path in the
 * JSON even when it is not UTF-8.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "probe_run.h"

/* Run a 300 ms probe on `sh -c script`, which outlives its SIGTERM. */
static void check_killed(struct __test_metadata *_metadata, const char *script)
{
	const char *args[] = { "--json", "-d", "300ms", "--", "sh", "-c", script, NULL };
	struct probe_run r;

	ASSERT_EQ(0, probe_run(&r, args));
	ASSERT_EQ(0, r.status) TH_LOG("probe stderr: %s", r.err ? r.err : "");
	ASSERT_NE(NULL, r.final) TH_LOG("no final report; stdout: %s", r.out);
	EXPECT_EQ(SIGKILL, probe_final_int(&r, "target_exit_signal"));
	EXPECT_NE(NULL, strstr(r.err, "after SIGTERM: sending SIGKILL"))
		TH_LOG("probe stderr: %s", r.err);
	probe_free(&r);
}

/* A command that ignores SIGTERM must not keep the probe waiting for it. */
TEST(command_ignoring_sigterm_is_killed)
{
	check_killed(_metadata, "trap '' TERM; exec sleep 600");
}

TEST(stopped_command_ignoring_sigterm_is_killed)
{
	check_killed(_metadata, "trap '' TERM; kill -STOP $$; exec sleep 600");
}

/* A stopped command that handles SIGTERM is continued to handle it. */
TEST(stopped_command_gets_to_exit)
{
	const char *args[] = { "--json", "-d", "300ms", "--", "sh", "-c",
			       "trap 'exit 7' TERM; kill -STOP $$; sleep 600", NULL };
	struct probe_run r;

	ASSERT_EQ(0, probe_run(&r, args));
	ASSERT_NE(NULL, r.final) TH_LOG("stderr: %s", r.err ? r.err : "");
	EXPECT_EQ(7, probe_final_int(&r, "target_exit_code"));
	EXPECT_EQ(NULL, strstr(r.err ? r.err : "", "SIGKILL"));
	probe_free(&r);
}

/* Every line on stdout is a report: the command's "READY 123" is not. */
TEST(command_stdout_never_in_report)
{
	const char *args[] = { "--json", "-i", "50ms", "--",
			       "sh", "-c", "echo READY 123; sleep 0.3", NULL };
	struct probe_run r;
	char *save, *line;

	ASSERT_EQ(0, probe_run(&r, args));
	ASSERT_EQ(0, r.status) TH_LOG("stderr: %s", r.err ? r.err : "");
	ASSERT_NE(NULL, r.final);
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *o = json_loads(line, 0, NULL);

		EXPECT_NE(NULL, o) TH_LOG("not JSON on stdout: '%s'", line);
		json_decref(o);
	}
	EXPECT_NE(NULL, strstr(r.err ? r.err : "", "READY 123"));
	probe_free(&r);
}

/* -o FILE: the report in FILE, the command's output on stdout. */
TEST(output_file_holds_the_report)
{
	char path[] = "/tmp/probe-command-XXXXXX";
	int fd = mkstemp(path);
	const char *args[] = { "--json", "-o", path, "--",
			       "sh", "-c", "echo READY 123", NULL };
	struct probe_run r;
	json_error_t jerr;
	json_t *last = NULL;
	char line[65536];
	FILE *f;

	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, probe_run(&r, args));
	ASSERT_EQ(0, r.status) TH_LOG("stderr: %s", r.err ? r.err : "");
	EXPECT_STREQ("READY 123\n", r.out ? r.out : "");
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		json_decref(last);
		last = json_loads(line, 0, &jerr);
		EXPECT_NE(NULL, last) TH_LOG("not JSON in %s: %s", path, jerr.text);
	}
	fclose(f);
	unlink(path);
	ASSERT_NE(NULL, last);
	EXPECT_STREQ("final", json_string_value(json_object_get(last, "type")));
	json_decref(last);
	probe_free(&r);
}

/* A command path that is not UTF-8 keeps its "target", the byte as U+FFFD. */
TEST(non_utf8_path_keeps_target)
{
	char dir[] = "/tmp/probe-command-XXXXXX", link[PATH_MAX], real[PATH_MAX];
	const char *args[] = { "--json", "--", link, "100", "0", NULL };
	const char *target;
	struct probe_run r;

	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_NE(NULL, realpath("tests/probe/wl_exit_after", real));
	snprintf(link, sizeof(link), "%s/wl\xff", dir);
	ASSERT_EQ(0, symlink(real, link));
	ASSERT_EQ(0, probe_run(&r, args));
	unlink(link);
	rmdir(dir);
	ASSERT_EQ(0, r.status) TH_LOG("stderr: %s", r.err ? r.err : "");
	ASSERT_NE(NULL, r.final) TH_LOG("stdout: %s", r.out);
	target = json_string_value(json_object_get(r.final, "target"));
	ASSERT_NE(NULL, target) TH_LOG("no \"target\" in the final report");
	EXPECT_NE(NULL, strstr(target, "/wl\xef\xbf\xbd (pid ")) TH_LOG("target: %s", target);
	probe_free(&r);
}

TEST_HARNESS_MAIN
