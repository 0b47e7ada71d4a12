// SPDX-License-Identifier: GPL-2.0
/* Built by tests/fut/compile_fail.sh: compiles as is, and must not compile
 * with one of the CASE_* macros defined. */
#include "fut.h"

#ifdef CASE_WRONG_MODE
#define WORD boxd
#else
#define WORD boxed
#endif

#define PARENT_BRANCHES(B, U) \
	B(inline, fut_sleep, nap) B(WORD, fut_join, join)
struct parent {
	struct fut_hdr hdr;
	intptr_t r;
	FUT_BRANCHES(PARENT_BRANCHES);
};

static intptr_t parent_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct parent *self = (void *)h;

	FUT_BEGIN;
#if defined(CASE_NOT_A_FIELD)
	FUT_AWAIT(naps, self->r, fut_sleep_init, 1000);
#elif defined(CASE_NOT_A_BRANCH)
	FUT_AWAIT(r, self->r, fut_sleep_init, 1000);
#elif defined(CASE_OLD_FORM)
	FUT_AWAIT(inline, 0, nap, self->r, fut_sleep_init, 1000);
#elif defined(CASE_WRONG_INIT)
	FUT_AWAIT(nap, self->r, fut_recv_init, 0, NULL, 0, 0, 0);
#else
	FUT_AWAIT(nap, self->r, fut_sleep_init, 1000);
#endif
#if defined(CASE_WRONG_INIT_BOXED)
	FUT_AWAIT(join, self->r, fut_sleep_init, 1000);
#else
	FUT_AWAIT(join, self->r, fut_join_init, (struct fut_handle){ 0, 0 });
#endif
	return self->r;
	FUT_END;
}

struct fut_type parent_type = FUT_TYPE_DESC(parent, parent_poll, NULL, PARENT_BRANCHES);
