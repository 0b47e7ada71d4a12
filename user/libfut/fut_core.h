/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libfut core: futures, tasks and the executor (fut.h includes it with
 * the rest of the API).
 *
 * A future is a state struct whose first member is a struct fut_hdr; its
 * struct fut_type names it, gives its size, its poll function and its child
 * slots.  A task is a root future plus a small header, polled by the
 * single-threaded executor of the thread that spawned it.  libfut(3)
 * (user/libfut/README.md) is the manual.
 */
#ifndef LIBFUT_FUT_CORE_H
#define LIBFUT_FUT_CORE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A poll function returns FUT_PENDING or its result (any other value). */
#define FUT_PENDING INTPTR_MIN

struct fut_task;
struct fut_exec;
struct fut_type;

/* First member of every future's state. */
struct fut_hdr {
	const struct fut_type *type;
	uint32_t resume;	/* resume point; 0 = not started */
	uint16_t entered;	/* bit i: this instance entered slot i */
	uint8_t active;		/* 1 + the slot being awaited; 0 = none */
	uint8_t flags;
};

typedef intptr_t (*fut_poll_fn)(struct fut_hdr *self, struct fut_task *task);
/* Called when a future is dropped before it completed (cancellation). */
typedef void (*fut_drop_fn)(struct fut_hdr *self);

/* A named branch of a parent state that holds a child future. */
struct fut_slot {
	const char *name;
	uint32_t offset;	/* of the field in the parent state */
	uint32_t size;		/* bytes it takes there */
	struct fut_type *child;
	bool boxed;		/* the field is a pointer to a boxed child */
};

struct fut_type {
	const char *name;
	uint32_t state_size;
	fut_poll_fn poll;
	fut_drop_fn drop;	/* may be NULL */
	const struct fut_slot *slots;
	uint32_t nslots;
	uint32_t id;		/* profiler index, set on first use */
};

/* --- declaring futures ---------------------------------------------------- */

/*
 * A future's branches (the child futures it awaits) are declared once, in
 * a list macro taking two parameters:
 *
 *	#define CONN_BRANCHES(B, U) \
 *		U(B(inline, fut_recv_next, recv) B(inline, fut_io, io)) \
 *		B(boxed, heavy_fut, heavy)
 *
 * B(mode, child, field) is one branch: field holds a `struct child` (mode
 * inline) or a pointer to one allocated while the branch runs (mode
 * boxed), and `child_type` is the child's struct fut_type.  U(...) puts
 * the branches inside it in one union: they share storage, so they must
 * never be awaited at once.  At most 16 branches; a list serves one
 * struct.  The state struct holds them with FUT_BRANCHES(CONN_BRANCHES)
 * and its descriptor is FUT_TYPE_DESC(conn, conn_poll, conn_drop,
 * CONN_BRANCHES); the slot names in the profile are the field names.
 */
#define FUT_BRANCHES(LIST)                                                    \
	LIST(FUT__FIELD, FUT__UNION)                                          \
	struct fut_branches_of_##LIST {                                       \
		FUT__EACH(FUT__MARK, ~, FUT__FLAT(LIST))                      \
	} fut_branches[0]

/* The descriptor of struct S: FUT_TYPE_DESC(S, poll, drop[, LIST]).  Its
 * slots are a compound literal, with the storage of where it is written:
 * initialise a file-scope or static struct fut_type with it. */
#define FUT_TYPE_DESC(S, pollfn, dropfn, ...)                                 \
	FUT__TYPE_DESC(S, pollfn, dropfn, ##__VA_ARGS__, FUT__NO_BRANCHES, ~)
#define FUT__TYPE_DESC(S, pollfn, dropfn, LIST, ...)                          \
	{ .name = #S, .state_size = sizeof(struct S), .poll = (pollfn),        \
	  .drop = (dropfn), .slots = FUT_SLOTS(S, LIST),                      \
	  .nslots = FUT_NSLOTS(LIST) }
/* The slot descriptors alone, for a struct fut_type written out by hand. */
#define FUT_SLOTS(S, LIST)                                                    \
	((struct fut_slot[FUT_NSLOTS(LIST) + 1])FUT_SLOTS_INIT(S, LIST))
/* Their initialiser, for an array of its own: one whose slot sizes the
 * program sets at start (a child whose state size is known only then). */
#define FUT_SLOTS_INIT(S, LIST)                                               \
	{ FUT__EACH(FUT__DESC, S, FUT__FLAT(LIST)) }
#define FUT_NSLOTS(LIST) FUT__NARG(FUT__FLAT(LIST))
/* The slot index of a branch of struct S, a constant. */
#define FUT_SLOT_INDEX(S, field) FUT__SLOT_OF(((S *)0)->fut_branches[0].field)
#define FUT__SLOT_OF(m) (sizeof((m)[0]) / sizeof((m)[0][0]) - 1)
#define FUT__BOXED_OF(m) (sizeof((m)[0][0]) - 1)
#define FUT__NO_BRANCHES(B, U)

/* A mode is inline or boxed; anything else is an undeclared name that
 * says so. */
enum { fut_mode_is_inline_or_boxed_not__inline = 0,
       fut_mode_is_inline_or_boxed_not__boxed = 1 };
/* One more level, so that a mode given by a macro expands first. */
#define FUT__BOXED(mode) FUT__BOXED_(mode)
#define FUT__BOXED_(mode) fut_mode_is_inline_or_boxed_not__##mode

#define FUT__FIELD(M, C, F)                                                  \
	__typeof__(__builtin_choose_expr(FUT__BOXED(M),                      \
					 (struct C *)0,                      \
					 *(struct C *)0)) F;
#define FUT__UNION(...) union { __VA_ARGS__ };
/* The flat list: (mode, child, field), ... ~ */
#define FUT__FLAT(LIST) LIST(FUT__TUPLE, FUT__SAME) ~
#define FUT__TUPLE(M, C, F) (M, C, F),
#define FUT__SAME(...) __VA_ARGS__

/* The zero-size marker of a branch, a member of fut_branches: its type
 * gives the slot index and the mode to FUT_AWAIT at compile time. */
#define FUT__APPLY(m, args) m args
#define FUT__MARK(d, i, t) FUT__APPLY(FUT__MARK_, (i, FUT__SAME t))
#define FUT__MARK_(i, M, C, F)                                               \
	char F[0][(i) + 1][FUT__BOXED(M) + 1];
#define FUT__DESC(S, i, t) FUT__APPLY(FUT__DESC_, (S, FUT__SAME t))
#define FUT__DESC_(S, M, C, F)                                               \
	{ .name = #F, .offset = offsetof(struct S, F),                       \
	  .size = sizeof(((struct S *)0)->F), .child = &C##_type,            \
	  .boxed = FUT__BOXED(M) },

/* FUT__EACH(m, d, t1, t2, ..., ~): m(d, index, t) for each tuple. */
#define FUT__NARG(...) FUT__NARG_(__VA_ARGS__, 16, 15, 14, 13, 12, 11, 10,   \
				  9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define FUT__NARG_(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12,    \
		   a13, a14, a15, a16, n, ...) n
#define FUT__CAT(a, b) FUT__CAT_(a, b)
#define FUT__CAT_(a, b) a##b
#define FUT__EACH(m, d, ...) FUT__EACH_(m, d, FUT__NARG(__VA_ARGS__), __VA_ARGS__)
#define FUT__EACH_(m, d, n, ...) FUT__CAT(FUT__E, n)(m, d, 0, __VA_ARGS__)
#define FUT__E0(m, d, i, ...)
#define FUT__E1(m, d, i, t, ...) m(d, i, t) FUT__E0(m, d, i + 1, __VA_ARGS__)
#define FUT__E2(m, d, i, t, ...) m(d, i, t) FUT__E1(m, d, i + 1, __VA_ARGS__)
#define FUT__E3(m, d, i, t, ...) m(d, i, t) FUT__E2(m, d, i + 1, __VA_ARGS__)
#define FUT__E4(m, d, i, t, ...) m(d, i, t) FUT__E3(m, d, i + 1, __VA_ARGS__)
#define FUT__E5(m, d, i, t, ...) m(d, i, t) FUT__E4(m, d, i + 1, __VA_ARGS__)
#define FUT__E6(m, d, i, t, ...) m(d, i, t) FUT__E5(m, d, i + 1, __VA_ARGS__)
#define FUT__E7(m, d, i, t, ...) m(d, i, t) FUT__E6(m, d, i + 1, __VA_ARGS__)
#define FUT__E8(m, d, i, t, ...) m(d, i, t) FUT__E7(m, d, i + 1, __VA_ARGS__)
#define FUT__E9(m, d, i, t, ...) m(d, i, t) FUT__E8(m, d, i + 1, __VA_ARGS__)
#define FUT__E10(m, d, i, t, ...) m(d, i, t) FUT__E9(m, d, i + 1, __VA_ARGS__)
#define FUT__E11(m, d, i, t, ...) m(d, i, t) FUT__E10(m, d, i + 1, __VA_ARGS__)
#define FUT__E12(m, d, i, t, ...) m(d, i, t) FUT__E11(m, d, i + 1, __VA_ARGS__)
#define FUT__E13(m, d, i, t, ...) m(d, i, t) FUT__E12(m, d, i + 1, __VA_ARGS__)
#define FUT__E14(m, d, i, t, ...) m(d, i, t) FUT__E13(m, d, i + 1, __VA_ARGS__)
#define FUT__E15(m, d, i, t, ...) m(d, i, t) FUT__E14(m, d, i + 1, __VA_ARGS__)
#define FUT__E16(m, d, i, t, ...) m(d, i, t) FUT__E15(m, d, i + 1, __VA_ARGS__)

/* --- writing a poll function ---------------------------------------------
 * The poll function's parameters are named (struct fut_hdr *h, struct
 * fut_task *task) and it declares `struct S *self = (void *)h;`.  Between
 * FUT_BEGIN and FUT_END the body reads top-down; locals that live across a
 * suspension belong in *self (protothreads rules: no switch statement
 * around a suspension point).
 *
 * A suspension point's number is its line and a counter, never 0: a
 * suspension inside a switch of the body's own puts its case label in
 * that switch, so that FUT_BEGIN's finds no case for it on resume and
 * takes its default, which aborts naming the type, the file and the line
 * (instead of silently skipping the rest of the body).
 */
#define FUT_BEGIN                                                             \
	switch (self->hdr.resume) {                                           \
	default:                                                              \
		fut__resume_lost(self->hdr.type, self->hdr.resume, __FILE__); \
	case 0:;
#define FUT_END } return 0;
#define FUT__POINT (((uint32_t)__LINE__ << 8) | (__COUNTER__ & 0xffu))
__attribute__((noreturn, cold)) void
fut__resume_lost(const struct fut_type *type, uint32_t resume, const char *file);

/* Suspend until someone wakes the task and cond holds. */
#define FUT_WAIT_UNTIL(cond) FUT__WAIT_UNTIL(FUT__POINT, cond)
#define FUT__WAIT_UNTIL(n, cond)                                              \
	do {                                                                  \
		self->hdr.resume = (n);                                       \
		__attribute__((fallthrough));                                 \
	case (n):                                                             \
		if (!(cond))                                                  \
			return FUT_PENDING;                                   \
	} while (0)

/* Let other tasks run, then continue. */
#define FUT_YIELD() FUT__YIELD(FUT__POINT)
#define FUT__YIELD(n)                                                         \
	do {                                                                  \
		self->hdr.resume = (n);                                       \
		fut_wake(fut_waker(task));                                    \
		return FUT_PENDING;                                           \
	case (n):;                                                            \
	} while (0)

/*
 * FUT_AWAIT(field, out, init, args...): start the child future of the
 * branch `field` (declared in the state's branch list, which gives its slot
 * and its mode) with init(child, args...), poll it until it completes and
 * store its result in out.  A field that is not a branch does not compile.
 * Boxed allocates the child when the branch starts and frees it when it
 * completes; when the box cannot be allocated, init does not run and out is
 * -ENOMEM.  The first await at a site in a type checks that the type's
 * descriptor has this branch at this slot (a descriptor made from another
 * struct's list), and aborts naming the type and the field if not.  init
 * gets the child as a pointer to the branch's child type: an init of
 * another type does not compile (incompatible pointer type).
 */
#define FUT_AWAIT(field, out, init, ...)                                      \
	FUT__AWAIT(FUT__POINT,                                                \
		   FUT__SLOT_OF(self->fut_branches[0].field),                  \
		   FUT__BOXED_OF(self->fut_branches[0].field), field, out,     \
		   init, ##__VA_ARGS__)
#define FUT__AWAIT(n, slot, boxed, field, out, init, ...)                     \
	do {                                                                  \
		/* the type this site was checked for (the profile's await_site) */ \
		static const struct fut_type *fut__site_type;                \
		if (__atomic_load_n(&fut__site_type, __ATOMIC_RELAXED) !=     \
		    self->hdr.type)                                           \
			fut__await_check(&fut__site_type, self->hdr.type,     \
					 (slot), #field,                      \
					 offsetof(__typeof__(*self), field),  \
					 (boxed), __FILE__, __LINE__);        \
		__typeof__(__builtin_choose_expr((boxed), self->field,        \
						 &self->field)) fut__c =      \
			fut__child_begin(task, &self->hdr, (slot),            \
					 (void *)&self->field, (boxed));      \
		if (fut__c) /* NULL: no memory for the box */                \
			init(fut__c, ##__VA_ARGS__);                          \
		self->hdr.resume = (n);                                       \
		__attribute__((fallthrough));                                 \
	case (n):;                                                            \
		intptr_t fut__r = fut__child_poll(                            \
			task, fut__child_at((void *)&self->field, (boxed)));  \
		if (fut__r == FUT_PENDING)                                    \
			return FUT_PENDING;                                   \
		fut__child_end(task, &self->hdr, (slot),                      \
			       (void *)&self->field, (boxed));                \
		out = fut__r;                                                 \
	} while (0)

void fut__await_check(const struct fut_type **seen, const struct fut_type *type,
		      unsigned int slot, const char *field, size_t offset,
		      bool boxed, const char *file, int line);
void fut__await_site(const struct fut_type *type, unsigned int slot,
		     const char *file, int line);
void *fut__child_begin(struct fut_task *task, struct fut_hdr *parent,
		       unsigned int slot, void *field, bool boxed);
void fut__child_end(struct fut_task *task, struct fut_hdr *parent,
		    unsigned int slot, void *field, bool boxed);
static inline struct fut_hdr *fut__child_at(void *field, bool boxed)
{
	struct fut_hdr *p = (struct fut_hdr *)field;

	if (boxed)
		__builtin_memcpy(&p, field, sizeof(p));
	return p;
}
static inline intptr_t fut__child_poll(struct fut_task *task,
				       struct fut_hdr *child)
{
	if (!child)
		return -ENOMEM; /* the box was not allocated */
	return child->type->poll(child, task);
}

/* --- executor --------------------------------------------------------------*/

struct fut_exec_opts {
	unsigned int sq_entries;	/* default 256 */
	unsigned int flags;		/* FUT_EXEC_NO_* below */
	unsigned int buf_count;		/* provided recv buffers, default 64 */
	unsigned int buf_size;		/* bytes each, default 4096 */
};
#define FUT_EXEC_NO_DEFER_TASKRUN (1u << 0)	/* plain ring setup */
#define FUT_EXEC_NO_MULTISHOT     (1u << 1)	/* single-shot accept/recv */
#define FUT_EXEC_NO_BUFRING       (1u << 2)	/* recv into own buffers */
/* Task states over 32 KiB have their pages committed at spawn (one write
 * a page: the mapping is zero already), as moving a future into its task
 * commits it; without it, a page comes on first touch.  A huge state then
 * costs its page faults at spawn, on the executor's thread. */
#define FUT_EXEC_COMMIT_STATES    (1u << 3)
/* Remote wakes through the eventfd, as on a kernel without MSG_RING. */
#define FUT_EXEC_NO_MSG_RING      (1u << 4)

/* What the executor got from the kernel (fut_exec_features). */
#define FUT_FEAT_DEFER_TASKRUN (1u << 0)
#define FUT_FEAT_COOP_TASKRUN  (1u << 1)
#define FUT_FEAT_BUFRING       (1u << 2)
#define FUT_FEAT_MULTISHOT_ACCEPT (1u << 3)
#define FUT_FEAT_MULTISHOT_RECV   (1u << 4)
#define FUT_FEAT_MSG_RING         (1u << 5)	/* remote wakes by MSG_RING */

/* One executor per thread: create, spawn, run, destroy on that thread. */
struct fut_exec *fut_exec_create(const struct fut_exec_opts *opts);
void fut_exec_destroy(struct fut_exec *ex);
/* Runs until no task is left or fut_exec_stop(); 0 or -errno. */
int fut_exec_run(struct fut_exec *ex);
/* Thread-safe and async-signal-safe. */
void fut_exec_stop(struct fut_exec *ex);
struct fut_exec *fut_exec_current(void);
unsigned int fut_exec_features(const struct fut_exec *ex);

struct fut_exec_stats {
	uint64_t tasks_live;	/* spawned and not freed (incl. unjoined) */
	uint64_t tasks_running;	/* not finished */
	uint64_t boxes_live;	/* boxed children allocated */
	uint64_t cqes_pending;	/* completions the kernel still owes */
	uint64_t polls;
	uint64_t cq_overflows;	/* times the CQ ring overflowed */
	uint64_t bufs_out;	/* provided buffers held by user code */
	uint64_t slab_bytes;	/* task and box memory held from the system */
	uint64_t remote_by_ring;	/* remote wakes received as MSG_RING CQEs */
	uint64_t remote_by_queue;	/* and through the queue and eventfd */
};
void fut_exec_stats(const struct fut_exec *ex, struct fut_exec_stats *st);

/* --- tasks ------------------------------------------------------------------ */

/* Wakers are gen-checked: waking a finished or freed task does nothing. */
struct fut_waker {
	uint32_t idx;
	uint32_t gen;
};
struct fut_handle {
	uint32_t idx;
	uint32_t gen;
};

struct fut_waker fut_waker(struct fut_task *task);
void fut_wake(struct fut_waker w);

/* Allocate a task for `type` on ex (NULL: the current executor) from the
 * slab of size state_size + task header, zeroed, its header set; fill it,
 * then commit.  NULL on ENOMEM. */
void *fut_spawn_alloc(struct fut_exec *ex, struct fut_type *type);
struct fut_handle fut_spawn_commit(void *state, bool detached);
#define FUT_SPAWN(ex, type, detached, init, ...)                              \
	({                                                                    \
		void *fut__s = fut_spawn_alloc((ex), (type));                 \
		struct fut_handle fut__h = { 0, 0 };                          \
		if (fut__s) {                                                 \
			init(fut__s, ##__VA_ARGS__);                          \
			fut__h = fut_spawn_commit(fut__s, (detached));        \
		}                                                             \
		fut__h;                                                       \
	})

/* Cancel: in-flight IO is cancelled and its completions awaited before
 * the state is dropped (drop functions run) and freed.  A joiner gets
 * -ECANCELED.  0, or -ESRCH for a stale handle. */
int fut_cancel(struct fut_handle h);
/* The task frees itself when it finishes; the handle becomes stale. */
void fut_detach(struct fut_handle h);
/* Outside any task (e.g. after fut_exec_run returned): the result of a
 * finished task, which is freed.  0, -EAGAIN (not finished) or -ESRCH. */
int fut_join_now(struct fut_handle h, intptr_t *result);
/* The result of the current task, kept for its joiner. */
void fut_task_set_result(struct fut_task *task, intptr_t result);

/* --- library futures: await them with FUT_AWAIT ---------------------------- */

/* Join a task: result of its root future, -ECANCELED, or -ESRCH. */
struct fut_join {
	struct fut_hdr hdr;
	struct fut_handle h;
};
extern struct fut_type fut_join_type;
void fut_join_init(struct fut_join *j, struct fut_handle h);

/* Sleep; result 0.  A timer sits in the executor's heap, or in one of its
 * per-duration FIFO lanes (timer.h), never in both: the lane's back link
 * shares its word with the heap index and the state.  In a lane when
 * lane_next is set; otherwise `state` says (enum timer_state, timer.h). */
struct fut_timer {
	uint64_t deadline_ns;
	struct fut_task *task;
	struct fut_timer *lane_next;
	union {
		struct fut_timer *lane_prev;
		struct {
			uint32_t heap_idx;	/* state TIMER_HEAP */
			uint32_t state;
		};
	};
};
/* 32 bytes: it sits in fut_recv_next, the slot an idle fut-server
 * connection waits in, whose task must stay in the 320-byte slab class
 * (user/futsrv/conn.c). */
_Static_assert(sizeof(struct fut_timer) <= 32, "struct fut_timer over 32 bytes");
struct fut_sleep {
	struct fut_hdr hdr;
	struct fut_timer t;
	uint64_t ns;
};
extern struct fut_type fut_sleep_type;
void fut_sleep_init(struct fut_sleep *s, uint64_t ns);
uint64_t fut_now_ns(void);

/* An auto-reset event with one waiter (notify.c): fut_notify_set wakes
 * the task awaiting fut_notify_wait, whose result is 0 and which consumes
 * the event; a set with nobody waiting waits for the next wait.  Both on
 * the same executor. */
struct fut_notify {
	struct fut_waker waiter;
	bool has_waiter;
	bool set;
};
void fut_notify_init(struct fut_notify *n);
void fut_notify_set(struct fut_notify *n);
struct fut_notify_wait {
	struct fut_hdr hdr;
	struct fut_notify *n;
	bool waiting;
};
extern struct fut_type fut_notify_wait_type;
void fut_notify_wait_init(struct fut_notify_wait *w, struct fut_notify *n);

#endif
