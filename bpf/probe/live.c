// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "live.h"
#include "stacklab-probe.h"

struct seed {
	int live_fd;
	struct gauges *g;	/* shared with the BPF programs */
	long added;
};

static void seed_one(pid_t tgid, pid_t tid, void *arg)
{
	struct seed *s = arg;
	__u32 key = (__u32)tid;
	__u64 loader_added = 0;
	__s64 now;

	/* Already there: the kernel side saw it created after attach. */
	if (bpf_map_update_elem(s->live_fd, &key, &loader_added, BPF_NOEXIST))
		return;
	now = __atomic_add_fetch(&s->g->live_tasks, 1, __ATOMIC_SEQ_CST);
	if (now > s->g->peak_tasks)
		s->g->peak_tasks = now;
	s->added++;
	/*
	 * Exited between the listing and the insert: its exit found nothing
	 * to delete.  Whoever deletes the entry first decrements.
	 */
	if (!target_thread_alive(tgid, tid) &&
	    bpf_map_delete_elem(s->live_fd, &key) == 0) {
		__atomic_sub_fetch(&s->g->live_tasks, 1, __ATOMIC_SEQ_CST);
		s->added--;
	}
}

long live_seed(const struct target *t, const struct live_maps *m)
{
	long page = sysconf(_SC_PAGESIZE);
	struct seed s = { .live_fd = m->live_fd };
	void *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED,
		       m->gauges_fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	s.g = p;
	target_for_each_thread(t, seed_one, &s);
	munmap(p, (size_t)page);
	return s.added;
}
