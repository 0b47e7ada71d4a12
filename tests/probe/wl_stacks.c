// SPDX-License-Identifier: GPL-2.0
/*
 * Workloads for the probe's exactness tests, one per mode:
 *   churn N      fork N children that exit at once, each waited for
 *   exec N       fork N children that exec /bin/true (they change name)
 *   rename N     N threads, one after the other, that rename themselves
 *   clone3-fail  a clone3 with a 2^62-byte stack: the call fails
 *   clone3-ok    a clone3 thread on a 256 KiB malloc'd stack
 *   unmap        a 1 MiB MAP_STACK region unmapped, a plain mapping made
 *                at the same address and written whole
 *   remap        a 1 MiB MAP_STACK region moved and grown to 2 MiB by
 *                mremap, a plain mapping written at its old address, the
 *                new one written whole
 *   huge         a 4 MiB MAP_STACK region on huge pages, written whole
 *   kread        4 MiB read() from /dev/zero into a MAP_STACK region
 *   tidreuse     two threads with the same TID, one after the other
 *                (ns_last_pid: needs root), each touching 8 pages
 *   fork-sleep MS  fork a child that exits at once, print "child PID",
 *                sleep MS milliseconds
 * Modes that map memory print "resident BYTES": how much of the stack
 * region became resident (mincore), for the tests to compare.
 *
 * Built without ASan/UBSan (mk/tests-probe.mk): the stack bytes counted
 * must be this program's own.
 */
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB		(1024UL * 1024)
#define HUGE_PAGE	(2 * MIB)
#define TOUCH_PAGES	8

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static long page(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* Bytes of [p, p + len) resident now. */
static unsigned long resident(void *p, size_t len)
{
	size_t n = (len + page() - 1) / page();
	unsigned char *v = malloc(n);
	unsigned long bytes = 0;

	if (!v || mincore(p, len, v))
		die("mincore");
	for (size_t i = 0; i < n; i++)
		bytes += (v[i] & 1) ? page() : 0;
	free(v);
	return bytes;
}

static int churn(int n, bool do_exec)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			if (do_exec)
				execl("/bin/true", "true", (char *)NULL);
			_exit(0);
		}
		if (waitpid(pid, NULL, 0) < 0)
			die("waitpid");
	}
	return 0;
}

static void *renamer(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "renamed", 0, 0, 0);
	return NULL;
}

static int rename_threads(int n)
{
	for (int i = 0; i < n; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, renamer, NULL) || pthread_join(t, NULL))
			die("pthread_create");
	}
	return 0;
}

/*
 * A raw clone3 of a thread on [stack, stack + size): its TID, or -errno.
 * The child runs on the new, empty stack, so it cannot return through C
 * frames: it calls exit(0) in the same asm block.
 */
static long clone3_thread(void *stack, uint64_t size)
{
	struct clone_args a;
	long r;

	memset(&a, 0, sizeof(a));
	a.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
		  CLONE_THREAD | CLONE_SYSVSEM;
	a.stack = (uint64_t)(uintptr_t)stack;
	a.stack_size = size;
	asm volatile("syscall\n\t"
		     "test %%rax, %%rax\n\t"
		     "jnz 1f\n\t"
		     "mov $60, %%eax\n\t"
		     "xor %%edi, %%edi\n\t"
		     "syscall\n"
		     "1:"
		     : "=a"(r)
		     : "a"((long)SYS_clone3), "D"(&a), "S"(sizeof(a))
		     : "rcx", "r11", "memory");
	return r;
}

static int clone3_mode(bool ok)
{
	size_t size = 256 * 1024;
	void *stack = ok ? aligned_alloc(page(), size) : NULL;
	long r;

	if (!ok) {
		static char small[4096];

		r = clone3_thread(small, 1ULL << 62);
		printf("clone3 %s\n", r < 0 ? "failed" : "succeeded");
		return r < 0 ? 0 : 1;
	}
	if (!stack)
		die("aligned_alloc");
	r = clone3_thread(stack, size);
	if (r < 0)
		die("clone3");
	/* Let it run and exit before the stack goes. */
	usleep(100000);
	printf("clone3 thread %ld\n", r);
	return 0;
}

static int unmap_mode(void)
{
	size_t len = MIB;
	char *s = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	char *p;

	if (s == MAP_FAILED)
		die("mmap");
	if (munmap(s, len))
		die("munmap");
	p = mmap(s, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != s)
		die("mmap at the old stack's address");
	memset(p, 1, len);
	printf("resident 0\n");	/* of stack: the region is not one any more */
	return 0;
}

static int remap_mode(void)
{
	size_t len = MIB, grown = 2 * MIB;
	char *s = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	char *moved, *p;

	if (s == MAP_FAILED)
		die("mmap");
	madvise(s, len, MADV_NOHUGEPAGE);
	moved = mremap(s, len, grown, MREMAP_MAYMOVE);
	if (moved == MAP_FAILED)
		die("mremap");
	if (moved != s) {
		p = mmap(s, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != s)
			die("mmap at the old stack's address");
		memset(p, 1, len);
	}
	madvise(moved, grown, MADV_NOHUGEPAGE);
	memset(moved, 1, grown);
	printf("resident %lu\n", resident(moved, grown));
	return 0;
}

static char *map_stack(size_t len, size_t align)
{
	char *raw = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	char *p;

	if (raw == MAP_FAILED)
		die("mmap");
	p = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
	return p;
}

static int huge_mode(void)
{
	size_t len = 4 * MIB;
	char *p = map_stack(len, HUGE_PAGE);

	if (madvise(p, len, MADV_HUGEPAGE))
		die("madvise(MADV_HUGEPAGE)");
	memset(p, 1, len);
	printf("resident %lu\n", resident(p, len));
	return 0;
}

static int kread_mode(void)
{
	size_t len = 4 * MIB, done = 0;
	char *p = map_stack(len, page());
	int fd = open("/dev/zero", O_RDONLY);

	if (fd < 0)
		die("/dev/zero");
	/* Small pages: the test is about who touched, not how big. */
	madvise(p, len, MADV_NOHUGEPAGE);
	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);

		if (n <= 0)
			die("read");
		done += (size_t)n;
	}
	printf("resident %lu\n", resident(p, len));
	return 0;
}

static pid_t tids[2];

static void *toucher(void *arg)
{
	volatile char buf[TOUCH_PAGES * 4096];

	tids[(intptr_t)arg] = gettid();
	for (size_t i = 0; i < sizeof(buf); i += 4096)
		buf[i] = 1;
	return NULL;
}

/*
 * One thread, then another forced onto its TID through ns_last_pid.  Each
 * try's stacks are larger than any before: glibc reuses a cached stack at
 * least as large, whose pages an earlier try already touched (no first
 * touches, so no row).
 */
static void tidreuse_once(int try)
{
	pthread_attr_t attr;
	pthread_t t;
	FILE *f;

	if (pthread_attr_init(&attr) ||
	    pthread_attr_setstacksize(&attr, (1 + 2 * try) * MIB) ||
	    pthread_create(&t, &attr, toucher, (void *)0) || pthread_join(t, NULL))
		die("pthread_create");
	f = fopen("/proc/sys/kernel/ns_last_pid", "w");
	if (!f || fprintf(f, "%d", tids[0] - 1) < 0 || fclose(f))
		die("/proc/sys/kernel/ns_last_pid");
	pthread_attr_setstacksize(&attr, (2 + 2 * try) * MIB);
	if (pthread_create(&t, &attr, toucher, (void *)1) || pthread_join(t, NULL))
		die("pthread_create");
	pthread_attr_destroy(&attr);
}

/*
 * Any task created between the write and the second thread (a kworker)
 * takes the TID first: try again with a new pair, a few times.
 */
static int tidreuse_mode(void)
{
	for (int tries = 0; tries < 20; tries++) {
		tidreuse_once(tries);
		if (tids[0] == tids[1])
			break;
	}
	printf("tids %d %d\n", tids[0], tids[1]);
	return tids[0] == tids[1] ? 0 : 3;
}

static int fork_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	printf("child %d\n", pid);
	fflush(stdout);
	nanosleep(&ts, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	int n = argc > 2 ? atoi(argv[2]) : 0;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(m, "churn"))
		rc = churn(n, false);
	else if (!strcmp(m, "exec"))
		rc = churn(n, true);
	else if (!strcmp(m, "rename"))
		rc = rename_threads(n);
	else if (!strcmp(m, "clone3-fail"))
		rc = clone3_mode(false);
	else if (!strcmp(m, "clone3-ok"))
		rc = clone3_mode(true);
	else if (!strcmp(m, "unmap"))
		rc = unmap_mode();
	else if (!strcmp(m, "remap"))
		rc = remap_mode();
	else if (!strcmp(m, "huge"))
		rc = huge_mode();
	else if (!strcmp(m, "kread"))
		rc = kread_mode();
	else if (!strcmp(m, "tidreuse"))
		rc = tidreuse_mode();
	else if (!strcmp(m, "fork-sleep"))
		rc = fork_sleep(n);
	else {
		fprintf(stderr, "usage: wl_stacks churn|exec|rename N | clone3-fail | clone3-ok | unmap | remap | huge | kread | tidreuse | fork-sleep MS\n");
		return 2;
	}
	return rc;
}
