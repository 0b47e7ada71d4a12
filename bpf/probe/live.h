/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live-task gauge's starting point: the threads the target already
 * has when the probes are attached, added to the kernel side's live-task
 * map so that their exits take them out again.
 */
#ifndef STACKLAB_LIVE_H
#define STACKLAB_LIVE_H

#include "target.h"

struct live_maps {
	int live_fd;		/* tid -> start time, 0 for the threads added here */
	int gauges_fd;		/* BPF_F_MMAPABLE array of one struct gauges */
};

/*
 * After attach (so that no exit is missed): add every thread the target
 * has, and take back those that exited meanwhile.  The number of threads
 * added, or -errno.
 */
long live_seed(const struct target *t, const struct live_maps *m);

#endif
