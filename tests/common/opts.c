// SPDX-License-Identifier: GPL-2.0
/*
 * The shared parsers: every duration unit, every size suffix, and the bad
 * spellings each refuses, with the message it prints for them.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common/opts.h"

#define HOUR OPTS_SEC(3600)

/* Runs call; what it wrote on fd is left in buf (NUL-terminated). */
#define CAPTURE(fd, buf, call) ({					\
	FILE *tmp_ = tmpfile();						\
	int saved_ = dup(fd), got_;					\
	fflush(NULL);							\
	dup2(fileno(tmp_), fd);						\
	__typeof__(call) ret_ = (call);					\
	fflush(NULL);							\
	dup2(saved_, fd);						\
	close(saved_);							\
	rewind(tmp_);							\
	got_ = fread(buf, 1, sizeof(buf) - 1, tmp_);			\
	buf[got_ < 0 ? 0 : got_] = '\0';				\
	fclose(tmp_);							\
	ret_;								\
})

typedef bool parser(const char *prog, const char *flag, const char *text,
		    uint64_t min, uint64_t max, uint64_t *out);

/* What fn makes of text over the whole range; UINT64_MAX when it refuses. */
static uint64_t parsed_seconds(const char *text)
{
	uint64_t s = 12345;

	if (!opts_seconds("t", "idle-timeout", text, 1, 86400, &s))
		return UINT64_MAX;
	return s;
}

static uint64_t parsed(parser *fn, const char *text)
{
	uint64_t value = 12345;

	if (!fn("t", "flag", text, 0, UINT64_MAX, &value))
		return UINT64_MAX;
	return value;
}

#define dur(text)  parsed(opts_duration, text)
#define size(text) parsed(opts_size, text)

TEST(duration_every_unit)
{
	EXPECT_EQ(10, dur("10ns"));
	EXPECT_EQ(250000, dur("250us"));
	EXPECT_EQ(OPTS_MSEC(500), dur("500ms"));
	EXPECT_EQ(OPTS_SEC(2), dur("2s"));
	EXPECT_EQ(OPTS_SEC(60), dur("1m"));
	EXPECT_EQ(HOUR, dur("1h"));
	EXPECT_EQ(0, dur("0"));
}

TEST(duration_bare_is_seconds)
{
	EXPECT_EQ(OPTS_SEC(3), dur("3"));
	EXPECT_EQ(OPTS_MSEC(1500), dur("1.5"));
	EXPECT_EQ(OPTS_MSEC(1), dur("0.001"));
}

TEST(duration_fractions_of_units)
{
	EXPECT_EQ(OPTS_MSEC(250), dur("0.25s"));
	EXPECT_EQ(OPTS_SEC(90), dur("1.5m"));
	EXPECT_EQ(1500, dur("1.5us"));
	/* Below a nanosecond rounds down; long fractions do not overflow. */
	EXPECT_EQ(1, dur("1.9ns"));
	EXPECT_EQ(OPTS_SEC(1) / 3, dur("0.333333333333333333333333333"));
}

TEST(duration_bad_spellings)
{
	static const char *const bad[] = {
		"", "s", "ms", "2x", "2S", "2 s", " 2s", "-1", "+1", "1.",
		".5", "1e3", "2ms5", "2sec", "1..5", "0x10", "5M",
	};
	uint64_t ns = 777;
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool ok = CAPTURE(2, err, opts_duration("prog", "duration",
				  bad[i], 0, UINT64_MAX, &ns));

		EXPECT_FALSE(ok) TH_LOG("'%s' was taken", bad[i]);
		EXPECT_EQ(777, ns);
		EXPECT_NE(NULL, strstr(err, "prog: --duration: '"));
		EXPECT_NE(NULL, strstr(err, "is not a duration"))
			TH_LOG("'%s': %s", bad[i], err);
		EXPECT_NE(NULL, strstr(err, "500ms, 2s, 1m"));
	}
	EXPECT_FALSE(CAPTURE(2, err, opts_duration("prog", "duration", NULL,
			     0, 1, &ns)));
	EXPECT_NE(NULL, strstr(err, "is not a duration"));
}

TEST(duration_range)
{
	uint64_t ns = 777;
	char err[512];

	EXPECT_FALSE(CAPTURE(2, err, opts_duration("prog", "timeout", "0",
			     OPTS_MSEC(1), HOUR, &ns)));
	EXPECT_STREQ("prog: --timeout: '0' is out of range [1ms, 1h]\n", err);
	EXPECT_FALSE(CAPTURE(2, err, opts_duration("prog", "timeout", "61m",
			     OPTS_MSEC(1), HOUR, &ns)));
	EXPECT_NE(NULL, strstr(err, "out of range"));
	EXPECT_TRUE(opts_duration("prog", "timeout", "60m", OPTS_MSEC(1),
				  HOUR, &ns));
	EXPECT_EQ(HOUR, ns);
	/* Past 2^64 ns, in the digits or in the unit, is out of range. */
	ns = 777;
	EXPECT_FALSE(CAPTURE(2, err, opts_duration("prog", "d",
			     "99999999999999999999999", 0, UINT64_MAX, &ns)));
	EXPECT_NE(NULL, strstr(err, "out of range"));
	EXPECT_FALSE(CAPTURE(2, err, opts_duration("prog", "d", "6000000h",
			     0, UINT64_MAX, &ns)));
	EXPECT_NE(NULL, strstr(err, "out of range"));
	EXPECT_EQ(777, ns);
}

TEST(seconds_round_up)
{
	char err[512];
	uint64_t s = 777;

	EXPECT_EQ(10, parsed_seconds("10"));
	EXPECT_EQ(10, parsed_seconds("10s"));
	EXPECT_EQ(1, parsed_seconds("500ms"));
	EXPECT_EQ(2, parsed_seconds("1.2"));
	EXPECT_EQ(120, parsed_seconds("2m"));
	EXPECT_EQ(86400, parsed_seconds("24h"));
	EXPECT_FALSE(CAPTURE(2, err, opts_seconds("prog", "idle-timeout", "0",
			     1, 86400, &s)));
	EXPECT_NE(NULL, strstr(err, "prog: --idle-timeout: '0' is out of range"));
	EXPECT_FALSE(CAPTURE(2, err, opts_seconds("prog", "idle-timeout",
			     "86401", 1, 86400, &s)));
	EXPECT_FALSE(CAPTURE(2, err, opts_seconds("prog", "idle-timeout",
			     "10x", 1, 86400, &s)));
	EXPECT_NE(NULL, strstr(err, "is not a duration"));
	EXPECT_EQ(777, s);
}

TEST(duration_str_round_trips)
{
	static const uint64_t values[] = {
		0, 1, 1500, OPTS_MSEC(1500), OPTS_SEC(2), OPTS_SEC(60),
		OPTS_SEC(90), 2 * HOUR, OPTS_SEC(1) + 1,
	};
	char buf[32];

	EXPECT_STREQ("0s", opts_duration_str(0, buf, sizeof(buf)));
	EXPECT_STREQ("1500ms", opts_duration_str(OPTS_MSEC(1500), buf, sizeof(buf)));
	EXPECT_STREQ("1m", opts_duration_str(OPTS_SEC(60), buf, sizeof(buf)));
	EXPECT_STREQ("90s", opts_duration_str(OPTS_SEC(90), buf, sizeof(buf)));
	EXPECT_STREQ("1500ns", opts_duration_str(1500, buf, sizeof(buf)));
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		EXPECT_EQ(values[i], dur(opts_duration_str(values[i], buf,
							   sizeof(buf))));
}

/* stacklab-probe -d accepts 10^7 s: its wait must not wrap to negative. */
TEST(timeout_ms_never_wraps)
{
	EXPECT_EQ(0, opts_timeout_ms(-1));
	EXPECT_EQ(0, opts_timeout_ms(0));
	EXPECT_EQ(1, opts_timeout_ms(0.0004));
	EXPECT_EQ(1500, opts_timeout_ms(1.5));
	EXPECT_EQ(INT_MAX, opts_timeout_ms(25 * 86400.0));
	EXPECT_EQ(INT_MAX, opts_timeout_ms(1e7));
}

TEST(size_every_suffix)
{
	EXPECT_EQ(4096, size("4096"));
	EXPECT_EQ(4096, size("4K"));
	EXPECT_EQ(4096, size("4k"));
	EXPECT_EQ(2ULL << 20, size("2M"));
	EXPECT_EQ(2ULL << 20, size("2m"));
	EXPECT_EQ(1ULL << 30, size("1G"));
	EXPECT_EQ(3ULL << 30, size("3g"));
	EXPECT_EQ(0, size("0"));
}

TEST(size_bad_spellings)
{
	static const char *const bad[] = {
		"", "K", "4KB", "4KiB", "1.5M", "-1", "+4", " 4", "4 K", "4T",
		"0x10", "4KK",
	};
	uint64_t n = 777;
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_FALSE(CAPTURE(2, err, opts_size("prog", "stack-size",
				     bad[i], 0, UINT64_MAX, &n)))
			TH_LOG("'%s' was taken", bad[i]);
		EXPECT_EQ(777, n);
		EXPECT_NE(NULL, strstr(err,
			"prog: --stack-size: '"));
		EXPECT_NE(NULL, strstr(err,
			"is not a byte count (digits, optional K, M or G suffix)"))
			TH_LOG("'%s': %s", bad[i], err);
	}
}

TEST(size_range)
{
	uint64_t n = 777;
	char err[512];

	EXPECT_FALSE(CAPTURE(2, err, opts_size("prog", "stack-size", "2G",
			     16384, 1ULL << 30, &n)));
	EXPECT_STREQ("prog: --stack-size: '2G' is out of range [16384, 1073741824]\n",
		     err);
	EXPECT_FALSE(CAPTURE(2, err, opts_size("prog", "stack-size", "8K",
			     16384, 1ULL << 30, &n)));
	EXPECT_NE(NULL, strstr(err, "out of range"));
	/* The suffix overflowing 64 bits is a range error, not a wrap. */
	EXPECT_FALSE(CAPTURE(2, err, opts_size("prog", "stack-size",
			     "17179869184G", 0, UINT64_MAX, &n)));
	EXPECT_NE(NULL, strstr(err, "out of range"));
	EXPECT_EQ(777, n);
}

TEST(uint_takes_no_suffix)
{
	uint64_t n = 777;
	char err[512];

	EXPECT_TRUE(opts_uint("prog", "threads", "8", 1, 256, &n));
	EXPECT_EQ(8, n);
	n = 777;
	EXPECT_FALSE(CAPTURE(2, err, opts_uint("prog", "threads", "8K", 1,
			     256, &n)));
	EXPECT_STREQ("prog: --threads: '8K' is not a whole number\n", err);
	EXPECT_FALSE(CAPTURE(2, err, opts_uint("prog", "threads", "0", 1,
			     256, &n)));
	EXPECT_STREQ("prog: --threads: '0' is out of range [1, 256]\n", err);
	EXPECT_EQ(777, n);
}

TEST(version_is_one_string)
{
	char out[256], want[256];

	ASSERT_NE(NULL, opts_version());
	ASSERT_NE(0, strlen(opts_version()));
	EXPECT_STREQ(STACKLAB_VERSION, opts_version());
	EXPECT_EQ(NULL, strpbrk(opts_version(), " \t\n"));
	CAPTURE(1, out, (opts_print_version("loadgen"), 0));
	snprintf(want, sizeof(want), "loadgen (stacklab) %s\n", opts_version());
	EXPECT_STREQ(want, out);
}

TEST(deprecated_says_what_instead)
{
	char err[512];

	CAPTURE(2, err, (opts_deprecated("loadgen", "-t", "--timeout"), 0));
	EXPECT_STREQ("loadgen: warning: -t is deprecated and goes in the next release: use --timeout\n",
		     err);
}

TEST_HARNESS_MAIN
