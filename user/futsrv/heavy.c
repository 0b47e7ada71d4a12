// SPDX-License-Identifier: GPL-2.0
#include "futsrv.h"
#include "workload/workload.h"

/*
 * Fill, suspend, digest: the scratch lives across a suspension, so it is
 * state of this future (inline in its parent, or boxed), not a stack
 * temporary.  The answer is the same as tpc-server's.
 */
static intptr_t heavy_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct heavy_fut *self = (void *)h;

	FUT_BEGIN;
	workload_heavy_fill(self->scratch, self->n);
	FUT_YIELD();
	*self->digest_out = workload_heavy_sum(self->scratch, self->n);
	FUT_END;
}

/* state_size grows by --heavy-bytes in futsrv_size_types(). */
struct fut_type heavy_fut_type = FUT_TYPE_DESC(heavy_fut, heavy_poll, NULL);

void heavy_init(struct heavy_fut *h, uint64_t n, uint64_t *digest_out)
{
	h->n = n;
	h->digest_out = digest_out;
}
