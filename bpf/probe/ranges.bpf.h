/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stacklab-probe, kernel side: the stack-range table.  Every stack range of
 * a followed process in an LPM trie keyed by (TGID, address), so that a
 * fault finds its range in one lookup; a list of the ranges, for munmap and
 * mremap to find what they cut; and the thread each range belongs to.
 */
#ifndef PROBE_RANGES_BPF_H
#define PROBE_RANGES_BPF_H

/* User addresses end below this on x86-64 (4- and 5-level paging alike). */
#define USER_ADDR_END	(1ULL << 56)

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MAX_RANGES);
	__type(key, struct range_key);
	__type(value, struct range_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} stack_ranges SEC(".maps");

/* Every stored range, to find those an munmap or mremap removes. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_RANGE_LIST);
	__type(key, struct range_id);
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} range_list SEC(".maps");

/* The thread each range is the stack of (clone3 gave it the range). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_RANGE_LIST);
	__type(key, struct range_id);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} range_owner SEC(".maps");

/* [start, start + len) as the largest aligned power-of-two blocks that tile it. */
struct block_walk {
	__u64 addr, end;
};

static __always_inline __u64 block_next(struct block_walk *w, struct range_key *key)
{
	__u64 rem = w->end - w->addr, fit = rem, align = w->addr & (~w->addr + 1);
	__u64 addr_be = bpf_cpu_to_be64(w->addr), size;

	/* fit: the highest power of two <= rem */
	fit |= fit >> 1; fit |= fit >> 2; fit |= fit >> 4;
	fit |= fit >> 8; fit |= fit >> 16; fit |= fit >> 32;
	fit -= fit >> 1;
	size = (align && align < fit) ? align : fit;
	key->prefixlen = 32 + 64 - log2_floor(size);
	__builtin_memcpy(key->addr_be, &addr_be, sizeof(addr_be));
	w->addr += size;
	return size;
}

static __always_inline void range_key_init(struct range_key *key, __u32 tgid)
{
	__u32 tgid_be = bpf_htonl(tgid);

	__builtin_memcpy(key->tgid_be, &tgid_be, sizeof(tgid_be));
}

/* A range, end exclusive, that ends past user space (or wraps) is refused. */
static __always_inline bool range_valid(__u64 start, __u64 len)
{
	return len && start < USER_ADDR_END && len <= USER_ADDR_END - start;
}

/*
 * One block of a range per bpf_loop() step.  The walk lives in a per-CPU
 * map value, not on the stack: the verifier then sees the same state at
 * every step and checks the step once.
 */
struct block_op {
	struct block_walk w;
	struct range_key key;
	struct range_val val;
	__u32 add;		/* add the blocks, or delete them */
	__u32 failed;		/* an add found the trie full */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct block_op);
} block_scratch SEC(".maps");

static long block_step(__u64 i, void *unused)
{
	struct block_op *op = map_first(&block_scratch);

	if (!op || op->w.addr >= op->w.end)
		return 1;
	block_next(&op->w, &op->key);
	if (!op->add) {
		bpf_map_delete_elem(&stack_ranges, &op->key);
	} else if (bpf_map_update_elem(&stack_ranges, &op->key, &op->val, BPF_ANY)) {
		op->failed = 1;
		return 1;
	}
	return 0;
}

/* At most two blocks per address bit. */
#define MAX_BLOCKS 128

/* Walk [start, start + len) of tgid's blocks; false if an add failed. */
static __always_inline bool blocks_walk(__u32 tgid, __u64 start, __u64 len,
					bool add)
{
	struct block_op *op = map_first(&block_scratch);

	if (!op)
		return false;
	op->w.addr = start;
	op->w.end = start + len;
	op->val.start = start;
	op->val.len = len;
	op->add = add;
	op->failed = 0;
	range_key_init(&op->key, tgid);
	bpf_loop(MAX_BLOCKS, block_step, NULL, 0);
	return !op->failed;
}

/* Store a range in the trie and the list; false when a map is full. */
static __always_inline bool range_add(__u32 tgid, __u64 start, __u64 len)
{
	struct range_id id = { .tgid = tgid, .start = start };

	if (!blocks_walk(tgid, start, len, true))
		return false;
	return bpf_map_update_elem(&range_list, &id, &len, BPF_ANY) == 0;
}

/* Remove a range stored by range_add() (the list entry is the caller's). */
static __always_inline void range_del_blocks(__u32 tgid, __u64 start, __u64 len)
{
	blocks_walk(tgid, start, len, false);
}

static __always_inline struct range_val *range_find(__u32 tgid, __u64 addr)
{
	struct range_key key = { .prefixlen = 96 };
	__u64 addr_be = bpf_cpu_to_be64(addr);

	range_key_init(&key, tgid);
	__builtin_memcpy(key.addr_be, &addr_be, sizeof(addr_be));
	return bpf_map_lookup_elem(&stack_ranges, &key);
}

static __always_inline bool range_has(__u32 tgid, __u64 addr)
{
	return range_find(tgid, addr) != NULL;
}

/* [start, end) of one process is no longer mapped. */
struct unmap_ctx {
	__u32 tgid;
	__u64 start, end;
	__u64 removed;		/* stack bytes inside [start, end) */
	bool dropped;		/* a remainder could not be stored again */
};

/*
 * Cut [start, end) out of one listed range: remove it, store again what
 * lies outside.  The list is walked with bpf_for_each_map_elem(): an
 * munmap costs a pass over every stored range, unless it removes exactly
 * one range (the common case: a thread stack freed whole).
 */
static long unmap_one(struct bpf_map *map, struct range_id *id, __u64 *lenp,
		      struct unmap_ctx *u)
{
	__u64 start = id->start, len = *lenp, end = start + len, lo, hi;
	struct range_id key = *id;

	if (key.tgid != u->tgid || end <= u->start || start >= u->end)
		return 0;
	lo = start > u->start ? start : u->start;
	hi = end < u->end ? end : u->end;
	u->removed += hi - lo;
	range_del_blocks(key.tgid, start, len);
	bpf_map_delete_elem(&range_list, &key);
	bpf_map_delete_elem(&range_owner, &key);
	if (start < lo && !range_add(key.tgid, start, lo - start))
		u->dropped = true;
	if (hi < end && !range_add(key.tgid, hi, end - hi))
		u->dropped = true;
	return 0;
}

static __always_inline __u64 range_unmap(__u32 tgid, __u64 start, __u64 len)
{
	struct unmap_ctx u = { .tgid = tgid, .start = start, .end = start + len };
	struct range_id id = { .tgid = tgid, .start = start };
	struct counters *c = cpu_counters();
	__u64 *exact = bpf_map_lookup_elem(&range_list, &id);

	if (exact && *exact == len)
		unmap_one(NULL, &id, exact, &u);
	else
		bpf_for_each_map_elem(&range_list, unmap_one, &u, 0);
	if (c && u.removed) {
		c->stack_munmaps++;
		c->stack_unmapped_bytes += u.removed;
	}
	if (c && u.dropped)
		c->ranges_dropped++;
	return u.removed;
}

/* The process is gone: its TGID may be reused by anyone. */
static __always_inline void range_forget_tgid(__u32 tgid)
{
	struct unmap_ctx u = { .tgid = tgid, .start = 0, .end = USER_ADDR_END };

	bpf_for_each_map_elem(&range_list, unmap_one, &u, 0);
}

static __always_inline void stack_reserved(__u32 tgid, __u64 start, __u64 len,
					   bool is_mmap)
{
	struct counters *c = cpu_counters();

	if (!c)
		return;
	if (!range_valid(start, len) || !range_add(tgid, start, len)) {
		c->ranges_dropped++;
		return;
	}
	if (is_mmap)
		c->stack_mmaps++;
	c->stack_reserved_bytes += len;
}

#endif /* PROBE_RANGES_BPF_H */
