// SPDX-License-Identifier: GPL-2.0-only
/* The session's maps as userspace reads and writes them while it runs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ksyms.h"
#include "pins.h"
#include "session_int.h"

int iag_session_set_keys(struct iag_session *s, const struct iag_keyset *ks)
{
	return iag_allow_swap(bpf_map__fd(s->skel->maps.allow),
			      bpf_map__fd(s->skel->maps.allow_inner), ks);
}

int iag_session_counters(struct iag_session *s, struct iag_counters *c)
{
	int fd = bpf_map__fd(s->skel->maps.counters);
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	__u32 k;
	int i;

	memset(c, 0, sizeof(*c));
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (k = 0; k < IAG_CNT_MAX; k++) {
		if (bpf_map_lookup_elem(fd, &k, vals)) {
			int err = -errno;

			free(vals);
			return err;
		}
		for (i = 0; i < ncpu; i++)
			c->v[k] += vals[i];
	}
	free(vals);
	return 0;
}

int iag_session_aggregates_fd(const struct iag_session *s)
{
	return s->skel ? bpf_map__fd(s->skel->maps.aggregates) : -1;
}

int iag_session_entry_text(struct iag_session *s, unsigned long long *lo,
			   unsigned long long *hi)
{
	unsigned long long start = 0, end = 0;

	if (!s->skel || iag_ksym_lookup("__entry_text_start", &start) != 1 ||
	    iag_ksym_lookup("__entry_text_end", &end) != 1 || start >= end)
		return -ENOENT;
	s->skel->bss->entry_text_end = end;
	s->skel->bss->entry_text_start = start;	/* non-zero: the programs cut */
	*lo = start;
	*hi = end;
	return 0;
}

int iag_session_stack(const struct iag_session *s, __u64 id, __u64 *frames)
{
	struct iag_key_stack ks;
	unsigned int n;

	if (!id || !s->skel)
		return -ENOENT;
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.stacks), &id, &ks))
		return -errno;
	/* Unused frames at the end are zero. */
	for (n = 0; n < IAG_KEY_STACK && n < IAG_MAX_STACK && ks.ip[n]; n++)
		frames[n] = ks.ip[n];
	return n;
}
