// SPDX-License-Identifier: GPL-2.0
/*
 * stack-advise's names: C++ and Rust symbols demangled, everything else
 * (C names, damaged manglings) kept as it is rather than lost.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "demangle.h"

static void expect(struct __test_metadata *_metadata, const char *sym,
		   const char *want, bool demangled)
{
	char out[256];

	EXPECT_EQ(demangled, sa_demangle(sym, out, sizeof(out))) TH_LOG("%s", sym);
	EXPECT_STREQ(want, out);
}

/* A MariaDB function, as its binary names it. */
TEST(cxx)
{
	expect(_metadata, "_Z26read_statistics_for_tablesP3THDP10TABLE_LISTb",
	       "read_statistics_for_tables(THD*, TABLE_LIST*, bool)", true);
	expect(_metadata, "_ZN7handler7ha_openEP5TABLEPKcij",
	       "handler::ha_open(TABLE*, char const*, int, unsigned int)", true);
}

/* rustc's legacy mangling (the hash is dropped) and v0. */
TEST(rust)
{
	expect(_metadata, "_ZN4core3fmt5write17h0123456789abcdefE",
	       "core::fmt::write", true);
	expect(_metadata, "_RNvCs1234_7mycrate3foo", "mycrate::foo", true);
}

TEST(kept)
{
	expect(_metadata, "heavy_on_stack", "heavy_on_stack", false);
	expect(_metadata, "_Z3foo!", "_Z3foo!", false);	/* damaged */
	expect(_metadata, "main", "main", false);
}

/* A name longer than the buffer is cut, not overrun. */
TEST(truncated)
{
	char out[8];

	sa_demangle("_Z26read_statistics_for_tablesP3THDP10TABLE_LISTb", out, sizeof(out));
	EXPECT_STREQ("read_st", out);
}

TEST_HARNESS_MAIN
