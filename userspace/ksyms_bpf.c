// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel addresses named by the kernel itself, for ksyms.c: a BPF syscall
 * program (bpf/ksym_names.bpf.c) formats each with bpf_snprintf("%pS"),
 * 5.14 and later. A batch then costs a program run instead of a pass over
 * /proc/kallsyms, which the kernel formats line by line: 0.7-2.3 s of a
 * TCG VM under a storm, before the first record with a stack was written
 * (issue 13). The answer is the file's: the kernel's own lookup, with the
 * function's start (its offset) and end (its size). One difference: a BPF
 * program's frame has no " [bpf]" (those are the probe's, not shown).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ksyms_int.h"
#include "ksym_names.skel.h"

struct ksym_names_bpf *ksym_bpf_open(void)
{
	/* Not there (before 5.14, no privilege): the file then, silently. */
	libbpf_print_fn_t print = libbpf_set_print(NULL);
	struct ksym_names_bpf *s = ksym_names_bpf__open_and_load();

	libbpf_set_print(print);
	return s;
}

void ksym_bpf_close(struct ksym_names_bpf *s)
{
	ksym_names_bpf__destroy(s);
}

/* "name+0x1c/0x80" or "name+0x1c/0x80 [module]" (%pS) for @p->query; false if not. */
bool ksym_parse_pS(const char *s, struct ksym_pending *p)
{
	const char *mod = strstr(s, " ["), *plus, *end = mod ? mod : s + strlen(s);
	unsigned long off, size;
	char *e;

	for (plus = end; plus > s && *plus != '+'; plus--)
		;
	if (plus == s || (size_t)(plus - s) >= sizeof(p->name) || strncmp(plus, "+0x", 3))
		return false;
	off = strtoul(plus + 1, &e, 16);
	if (strncmp(e, "/0x", 3))
		return false;
	size = strtoul(e + 1, &e, 16);
	if (e != end || !size || off >= size || off > p->query)
		return false;
	if (mod && (strlen(mod + 2) >= sizeof(p->module) || mod[strlen(mod) - 1] != ']'))
		return false;
	snprintf(p->name, sizeof(p->name), "%.*s", (int)(plus - s), s);
	snprintf(p->module, sizeof(p->module), "%.*s", mod ? (int)strlen(mod + 2) - 1 : 0,
		 mod ? mod + 2 : "");
	p->addr = p->query - off;
	p->next = p->addr + size;
	return true;
}

int ksym_bpf_lookup(struct ksym_names_bpf *s, struct ksym_pending *p, size_t n)
{
	const size_t max = sizeof(s->bss->addrs) / sizeof(s->bss->addrs[0]);
	LIBBPF_OPTS(bpf_test_run_opts, ro);

	if (n > max)
		return -E2BIG;
	for (size_t k = 0; k < n; k++)
		s->bss->addrs[k] = p[k].query;
	s->bss->n_addrs = n;
	if (bpf_prog_test_run_opts(bpf_program__fd(s->progs.ksym_names), &ro))
		return -errno;
	/* An address without a symbol, or a name cut short: the file's answer. */
	for (size_t k = 0; k < n; k++) {
		const char *name = s->bss->names[k];

		if (strnlen(name, sizeof(s->bss->names[k])) >= sizeof(s->bss->names[k]) - 1 ||
		    !ksym_parse_pS(name, &p[k]))
			return -ENOENT;
	}
	return 0;
}
