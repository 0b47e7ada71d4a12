// SPDX-License-Identifier: GPL-2.0
/*
 * Workload: submit N io_uring NOPs (default 1000) in batches of up to 64,
 * reaping every completion.  Built without sanitizers like the other
 * workloads (mk/tests-probe.mk).
 */
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEPTH 64

int main(int argc, char **argv)
{
	long total = argc > 1 ? atol(argv[1]) : 1000, done = 0;
	struct io_uring ring;
	int ret;

	if (total <= 0) {
		fprintf(stderr, "usage: wl_uring_nops [COUNT > 0]\n");
		return 2;
	}
	ret = io_uring_queue_init(DEPTH, &ring, 0);
	if (ret) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	while (done < total) {
		long batch = total - done < DEPTH ? total - done : DEPTH;
		struct io_uring_cqe *cqe;

		for (long i = 0; i < batch; i++)
			io_uring_prep_nop(io_uring_get_sqe(&ring));
		ret = io_uring_submit_and_wait(&ring, (unsigned)batch);
		if (ret < 0) {
			fprintf(stderr, "io_uring_submit: %s\n", strerror(-ret));
			return 1;
		}
		for (long i = 0; i < batch; i++) {
			if (io_uring_wait_cqe(&ring, &cqe))
				return 1;
			io_uring_cqe_seen(&ring, cqe);
		}
		done += batch;
	}
	io_uring_queue_exit(&ring);
	return 0;
}
