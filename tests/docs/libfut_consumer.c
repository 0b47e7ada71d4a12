// SPDX-License-Identifier: GPL-2.0
/* A program outside the tree, built against the installed libfut with
 * pkg-config: a future that awaits a library child (a 1 ms sleep, inline)
 * and a task joined from main.  Prints "libfut consumer: 42". */
#include <stacklab/fut.h>
#include <stdio.h>

#define NAP_BRANCHES(B, U) B(inline, fut_sleep, sleep)

struct nap {
	struct fut_hdr hdr;
	int value;
	FUT_BRANCHES(NAP_BRANCHES);
};

static intptr_t nap_poll(struct fut_hdr *h, struct fut_task *task)
{
	struct nap *self = (void *)h;
	intptr_t slept;

	FUT_BEGIN;
	FUT_AWAIT(sleep, slept, fut_sleep_init, 1000000);
	if (slept < 0)
		return slept;
	return self->value;
	FUT_END;
}

static struct fut_type nap_type = FUT_TYPE_DESC(nap, nap_poll, NULL, NAP_BRANCHES);

static void nap_init(struct nap *s, int value)
{
	s->value = value;
}

int main(void)
{
	struct fut_exec *ex = fut_exec_create(NULL);
	struct fut_handle h;
	intptr_t result = -1;
	int rc;

	if (!ex) {
		perror("libfut consumer: fut_exec_create");
		return 1;
	}
	h = FUT_SPAWN(ex, &nap_type, false, nap_init, 42);
	rc = fut_exec_run(ex);
	if (rc == 0)
		rc = fut_join_now(h, &result);
	fut_exec_destroy(ex);
	if (rc) {
		fprintf(stderr, "libfut consumer: %d\n", rc);
		return 1;
	}
	printf("libfut consumer: %ld\n", (long)result);
	return result == 42 ? 0 : 1;
}
