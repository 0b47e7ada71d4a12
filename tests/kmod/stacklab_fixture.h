/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture every stacklab.ko test uses (include after
 * kselftest_harness.h): the module is loaded if it is not, the target
 * starts at 0, and teardown puts back what it found, so a test program
 * leaves the module loaded or not as it was.
 */
#ifndef STACKLAB_FIXTURE_H
#define STACKLAB_FIXTURE_H

#include <errno.h>
#include <string.h>

#include "stacklab_test.h"

FIXTURE(stacklab) {
	int loaded_here;
};

FIXTURE_SETUP(stacklab)
{
	int ret = sl_module_load();

	ASSERT_LE(0, ret) TH_LOG("loading stacklab.ko: %s", strerror(-ret));
	self->loaded_here = ret;
	ASSERT_EQ(0, sl_set_target(0));
}

FIXTURE_TEARDOWN(stacklab)
{
	int ret = sl_set_target(0);

	/* ENOENT: a test unloaded the module itself. */
	if (ret && ret != -ENOENT)
		TH_LOG("resetting the target: %s", strerror(-ret));
	if (self->loaded_here)
		EXPECT_EQ(0, sl_module_unload());
}

#endif /* STACKLAB_FIXTURE_H */
