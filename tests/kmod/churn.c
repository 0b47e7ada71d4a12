// SPDX-License-Identifier: GPL-2.0
/*
 * Churn: a process creates and ends threads continuously (20k or more in
 * all, for at least 20 s), maps and unmaps memory and forks short-lived
 * children, while two readers read tasks and summary in a loop, the target
 * switching between that process and 0 (every process).  Then the module
 * is unloaded with the readers still reading.  Every row read must make
 * sense, the readers must not crash, and the kernel log must show no BUG,
 * WARNING or Oops.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "stacklab_fixture.h"

#define CHURN_SECONDS		20
#define CHURN_MIN_THREADS	20000
#define CHURN_MAX_SECONDS	150	/* TCG on a busy host starts threads slowly */
#define SPAWNERS		8
#define READERS			2

struct shared {
	int stop_churn;
	int stop_readers;
	int unloading;
	unsigned long threads;
	unsigned long forks;
	unsigned long remaps;
	unsigned long reads[READERS];
	unsigned long bad_rows[READERS];
	unsigned long errors[READERS];	/* before the unload */
	char first_bad[READERS][160];
};

static struct shared *sh;

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define INC(x) __atomic_add_fetch(&(x), 1, __ATOMIC_RELAXED)

static void *worker(void *arg)
{
	sl_touch_stack(1 + (int)(long)arg % 8);
	return NULL;
}

static void *spawner(void *arg)
{
	static const size_t sizes[] = { 0, 128 << 10, 256 << 10 };
	pthread_attr_t attr[3];
	long i = (long)arg;

	for (int s = 0; s < 3; s++) {
		pthread_attr_init(&attr[s]);
		if (sizes[s])
			pthread_attr_setstacksize(&attr[s], sizes[s]);
	}
	while (!LOAD(sh->stop_churn)) {
		pthread_t t;

		if (pthread_create(&t, &attr[i % 3], worker, (void *)i))
			continue;
		pthread_join(t, NULL);
		INC(sh->threads);
		i++;
	}
	return NULL;
}

/* Mappings appear and vanish in the target's mm, some of them stacks. */
static void *remapper(void *arg)
{
	(void)arg;
	while (!LOAD(sh->stop_churn)) {
		size_t len = 1 << 20;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

		if (p == MAP_FAILED)
			continue;
		for (size_t off = 0; off < len; off += 16 << 12)
			p[off] = 1;
		munmap(p, len);
		INC(sh->remaps);
		usleep(1000);	/* leave the CPUs to the thread churn */
		if (sh->remaps % 16 == 0) {
			pid_t pid = fork();

			if (pid == 0)
				_exit(0);
			if (pid > 0) {
				waitpid(pid, NULL, 0);
				INC(sh->forks);
			}
		}
	}
	return NULL;
}

static void __attribute__((noreturn)) churn_main(void)
{
	pthread_t threads[SPAWNERS + 1];

	for (long i = 0; i < SPAWNERS; i++)
		if (pthread_create(&threads[i], NULL, spawner, (void *)i))
			_exit(1);
	if (pthread_create(&threads[SPAWNERS], NULL, remapper, NULL))
		_exit(1);
	for (int i = 0; i <= SPAWNERS; i++)
		pthread_join(threads[i], NULL);
	_exit(0);
}

/* A row that cannot be right, or NULL. */
static const char *bad_row(const struct sl_row *r)
{
	if (!r->kstack_used || r->kstack_used >= r->kstack_size)
		return "kstack_used out of (0, kstack_size)";
	if (r->ustack_used > r->ustack_size)
		return "ustack_used above ustack_size";
	if (r->ustack_resident > r->ustack_size)
		return "ustack_resident above ustack_size";
	return NULL;
}

static void __attribute__((noreturn)) reader_main(int id)
{
	while (!LOAD(sh->stop_readers)) {
		struct sl_summary sum;
		struct sl_row *rows;
		int n = sl_read_tasks(&rows);

		for (int i = 0; i < n; i++) {
			const char *why = bad_row(&rows[i]);

			if (why && !sh->bad_rows[id]++)
				snprintf(sh->first_bad[id], sizeof(sh->first_bad[id]),
					 "tid %d: %s", rows[i].tid, why);
		}
		if (n >= 0)
			free(rows);
		/* The second reader alternates with summary. */
		if (n >= 0 && id == 1 && sh->reads[id] % 2)
			n = sl_read_summary(&sum);
		if (n < 0 && !LOAD(sh->unloading))
			sh->errors[id]++;
		sh->reads[id]++;
	}
	_exit(0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST_F_TIMEOUT(stacklab, churn_then_unload, CHURN_MAX_SECONDS + 60)
{
	pid_t churn, readers[READERS];
	char first[512];
	double start, elapsed;
	int kmsg, status, ret, i, tick = 0;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	kmsg = sl_kmsg_open();
	ASSERT_LE(0, kmsg);

	churn = fork();
	ASSERT_LE(0, churn);
	if (churn == 0)
		churn_main();
	for (i = 0; i < READERS; i++) {
		readers[i] = fork();
		ASSERT_LE(0, readers[i]);
		if (readers[i] == 0)
			reader_main(i);
	}

	/* The target alternates: the churning process 4 s, everything 1 s. */
	start = now();
	do {
		EXPECT_EQ(0, sl_set_target(tick % 5 == 4 ? 0 : churn));
		sleep(1);
		tick++;
		elapsed = now() - start;
	} while ((elapsed < CHURN_SECONDS || LOAD(sh->threads) < CHURN_MIN_THREADS) &&
		 elapsed < CHURN_MAX_SECONDS);

	/* The target exits: a few more reads see that. */
	EXPECT_EQ(0, sl_set_target(churn));
	STORE(sh->stop_churn, 1);
	ASSERT_EQ(churn, waitpid(churn, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	sleep(1);

	/* Unload under the readers' feet. */
	STORE(sh->unloading, 1);
	ret = sl_module_unload();
	EXPECT_EQ(0, ret) TH_LOG("rmmod stacklab: %s", strerror(-ret));
	usleep(200 * 1000);
	STORE(sh->stop_readers, 1);
	for (i = 0; i < READERS; i++) {
		ASSERT_EQ(readers[i], waitpid(readers[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("reader %d died (status %#x)", i, status);
	}

	TH_LOG("%.0f s: %lu threads created, %lu forks, %lu remaps; reads %lu + %lu",
	       elapsed, sh->threads, sh->forks, sh->remaps, sh->reads[0],
	       sh->reads[1]);
	EXPECT_LE(CHURN_MIN_THREADS, sh->threads);
	for (i = 0; i < READERS; i++) {
		EXPECT_LT(10UL, sh->reads[i]);
		EXPECT_EQ(0UL, sh->errors[i]) TH_LOG("reader %d: read errors", i);
		EXPECT_EQ(0UL, sh->bad_rows[i])
			TH_LOG("reader %d: %s", i, sh->first_bad[i]);
	}
	EXPECT_EQ(0, sl_kmsg_bad_lines(kmsg, first, sizeof(first)))
		TH_LOG("kernel log: %s", first);
	close(kmsg);

	/* Leave the module as it was found. */
	if (!self->loaded_here)
		EXPECT_EQ(1, sl_module_load());
	self->loaded_here = 0;
}

TEST_HARNESS_MAIN
