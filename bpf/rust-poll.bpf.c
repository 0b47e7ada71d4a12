// SPDX-License-Identifier: GPL-2.0
/* fut-advise --uprobes: on entry to tokio's raw::poll<T, S> (one uprobe per
 * task type, its index the attach cookie), the state the task's future
 * waited in: its discriminant, at the offset fut-advise read from DWARF.
 * Each (task, state) is kept once; user space counts the tasks per state. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define RUST_POLL_TYPES 1024

struct rust_poll_cfg {
	__u64 discr_off;	/* from the task's header */
	__u64 discr_mask;	/* the discriminant's bytes */
};

struct rust_poll_key {
	__u64 header;
	__u64 discr;
	__u32 type;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RUST_POLL_TYPES);
	__type(key, __u32);
	__type(value, struct rust_poll_cfg);
} cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1 << 20);
	__type(key, struct rust_poll_key);
	__type(value, __u8);
} entered SEC(".maps");

/* BPF_KPROBE: pt_regs arguments, as a uprobe has them (libbpf 1.1). */
SEC("uprobe")
int BPF_KPROBE(on_poll, void *header)
{
	__u32 t = bpf_get_attach_cookie(ctx);
	struct rust_poll_cfg *c = bpf_map_lookup_elem(&cfg, &t);
	struct rust_poll_key k = { .header = (__u64)header, .type = t };
	__u8 one = 1;

	if (!c || bpf_probe_read_user(&k.discr, sizeof(k.discr), header + c->discr_off))
		return 0;
	k.discr &= c->discr_mask;
	bpf_map_update_elem(&entered, &k, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
