// SPDX-License-Identifier: GPL-2.0
/* Attaches bpf/rust-poll.bpf.c to raw::poll<T, S> of every task type whose
 * future is a state machine, at the function's offset in the binary (its
 * symbol carries an .llvm.N suffix: the DWARF's low_pc is used instead),
 * the task type's index as the attach cookie; after the watch, every
 * (task, state) the probes kept goes to the caller. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rust-poll.skel.h"
#include "rust_uprobes.h"

struct rust_poll_cfg {
	uint64_t discr_off;
	uint64_t discr_mask;
};

struct rust_poll_key {
	uint64_t header;
	uint64_t discr;
	uint32_t type;
	uint32_t pad;
};

/* A link-time address's offset in the file: uprobes take file offsets. */
static int file_offset(const char *path, uint64_t vaddr, uint64_t *off)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = -1;
	size_t n;
	Elf *e;

	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e && elf_getphdrnum(e, &n) == 0)
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD &&
			    (ph.p_flags & PF_X) && vaddr >= ph.p_vaddr &&
			    vaddr < ph.p_vaddr + ph.p_filesz) {
				*off = vaddr - ph.p_vaddr + ph.p_offset;
				ret = 0;
				break;
			}
		}
	if (e)
		elf_end(e);
	close(fd);
	return ret;
}

static int attach(struct rust_poll *sk, pid_t pid, const char *binary,
		  const struct rs_prog *p, struct bpf_link **links, size_t *nlinks,
		  char *err, size_t errlen)
{
	int cfg_fd = bpf_map__fd(sk->maps.cfg);

	*nlinks = 0;
	for (uint32_t t = 0; t < p->ntasks; t++) {
		const struct rs_task *k = &p->tasks[t];
		LIBBPF_OPTS(bpf_uprobe_opts, o, .bpf_cookie = t);
		struct rust_poll_cfg c;
		uint64_t off;

		if (k->gen < 0 || !k->poll_addr || t >= bpf_map__max_entries(sk->maps.cfg))
			continue;
		if (file_offset(binary, k->poll_addr, &off)) {
			snprintf(err, errlen, "--uprobes: raw::poll at %#llx is in no executable "
				 "segment of %s", (unsigned long long)k->poll_addr, binary);
			return -1;
		}
		c.discr_off = k->future_off + k->future_inner + p->gens[k->gen].discr_off;
		c.discr_mask = p->gens[k->gen].discr_size >= 8 ? UINT64_MAX :
			       (1ULL << (8 * p->gens[k->gen].discr_size)) - 1;
		if (bpf_map_update_elem(cfg_fd, &t, &c, BPF_ANY))
			goto fail;
		links[*nlinks] = bpf_program__attach_uprobe_opts(sk->progs.on_poll, pid,
								 binary, off, &o);
		if (!links[*nlinks])
			goto fail;
		(*nlinks)++;
	}
	if (*nlinks)
		return 0;
	snprintf(err, errlen, "--uprobes: no task type whose future is an async fn to watch");
	return -1;
fail:
	snprintf(err, errlen, "--uprobes: attaching to raw::poll in %s: %s (needs root "
		 "or CAP_BPF and CAP_PERFMON, and uprobes in the kernel)", binary, strerror(errno));
	return -1;
}

int rs_uprobes_watch(pid_t pid, const char *binary, const struct rs_prog *p,
		     uint64_t ns, struct rs_entered *e, char *err, size_t errlen)
{
	struct timespec ts = { (time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL) };
	struct rust_poll_key k, next, *prev = NULL;
	struct bpf_link **links = calloc(p->ntasks + 1, sizeof(*links));
	struct rust_poll *sk;
	size_t nlinks = 0;
	int ret = -1, fd;

	if (!links) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	sk = rust_poll__open_and_load();
	if (!sk) {
		snprintf(err, errlen, "--uprobes: loading the BPF program: %s (needs root or "
			 "CAP_BPF and CAP_PERFMON)", strerror(errno));
		free(links);
		return -1;
	}
	if (attach(sk, pid, binary, p, links, &nlinks, err, errlen))
		goto out;
	/* On stderr: what watches, from when (a script can wait for it). */
	fprintf(stderr, "fut-advise: --uprobes: watching raw::poll of %zu task types of pid %d "
		"for %.3g s\n", nlinks, (int)pid, ns / 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	if (kill(pid, 0) && errno == ESRCH) {
		snprintf(err, errlen, "--pid %d: the process exited during --uprobes", (int)pid);
		goto out;
	}
	fd = bpf_map__fd(sk->maps.entered);
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (rs_entered_add(e, next.header, next.discr, next.type)) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		k = next;
		prev = &k;
	}
	ret = 0;
out:
	for (size_t i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	free(links);
	rust_poll__destroy(sk);
	return ret;
}
