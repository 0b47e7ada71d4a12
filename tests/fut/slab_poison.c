// SPDX-License-Identifier: GPL-2.0
/* A freed slab object is poisoned whole, its first 8 bytes (where the
 * free list links it, and where a task keeps its run-queue link) too, so
 * ASan catches a write through a stale pointer anywhere in it. */
#include <sanitizer/asan_interface.h>

#include "kselftest_harness.h"
#include "libfut/slab.h"

TEST(freed_object_poisoned_whole)
{
	static const size_t sizes[] = { 16, 64, 112, 4096, 32768 };
	struct slab s;

	slab_init(&s);
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t cls;
		char *a = slab_alloc(&s, sizes[i], &cls);
		char *b = slab_alloc(&s, sizes[i], &cls);

		ASSERT_NE(NULL, a);
		ASSERT_NE(NULL, b);
		EXPECT_EQ(0, __asan_region_is_poisoned(a, sizes[i]) != NULL);
		slab_free(&s, a, cls);
		size_t writable = 0;

		for (size_t off = 0; off < sizes[i]; off += 8)
			writable += !__asan_address_is_poisoned(a + off);
		EXPECT_EQ(0, writable) TH_LOG("size %zu", sizes[i]);
		/* Allocated again, it is whole and writable. */
		EXPECT_EQ(a, slab_alloc(&s, sizes[i], &cls));
		EXPECT_EQ(NULL, __asan_region_is_poisoned(a, sizes[i]));
		slab_free(&s, a, cls);
		slab_free(&s, b, cls);
	}
	slab_destroy(&s);
}

TEST_HARNESS_MAIN
