// SPDX-License-Identifier: GPL-2.0-only
/* The BPF session: probe the kernel, open, load, attach, poll, detach. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "iag.skel.h"
#include "policy.h"
#include "probe.h"
#include "resolve.h"
#include "session.h"
#include "util.h"

struct iag_session {
	struct iag_bpf *skel;
	struct ring_buffer *rb;
	enum iag_mode mode;
	bool enforce;
	iag_event_fn fn;
	void *fn_ctx;
	int fn_err;
	unsigned long bad_records;
};

const char *iag_mode_name(enum iag_mode m)
{
	switch (m) {
	case IAG_MODE_AUTO: return "auto";
	case IAG_MODE_TRACEPOINT: return "tracepoint";
	case IAG_MODE_KPROBE: return "kprobe";
	}
	return "?";
}

int iag_mode_parse(const char *s)
{
	if (!strcmp(s, "auto"))
		return IAG_MODE_AUTO;
	if (!strcmp(s, "tracepoint"))
		return IAG_MODE_TRACEPOINT;
	if (!strcmp(s, "kprobe"))
		return IAG_MODE_KPROBE;
	return -1;
}

void iag_session_opts_default(struct iag_session_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = IAG_MODE_AUTO;
	o->stack_depth = 16;
	o->ringbuf_kb = 256;
}

enum iag_mode iag_session_mode(const struct iag_session *s)
{
	return s->mode;
}

unsigned long iag_session_bad_records(const struct iag_session *s)
{
	return s->bad_records;
}

/* libbpf's own messages: warnings always, the rest with -v. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && iag_verbose < 2)
		return 0;
	if (level == LIBBPF_INFO && iag_verbose < 1)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static bool is_tp_prog(const struct bpf_program *p)
{
	return !strncmp(bpf_program__name(p), "tp_", 3);
}

static bool is_kp_prog(const struct bpf_program *p)
{
	return !strncmp(bpf_program__name(p), "kp_", 3);
}

static bool is_end_prog(const struct bpf_program *p)
{
	const char *name = bpf_program__name(p);
	size_t len = strlen(name);

	return !strcmp(name, "tp_result") || (len > 4 && !strcmp(name + len - 4, "_ret"));
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct iag_session *s = ctx;
	const struct iag_event *ev = data;
	int r;

	if (size < sizeof(*ev) || ev->abi_version != IAG_ABI_VERSION) {
		s->bad_records++;
		return 0;
	}
	if (!s->fn)
		return 0;
	r = s->fn(ev, s->fn_ctx);
	if (r < 0) {
		s->fn_err = r;
		return r;	/* stops this poll round */
	}
	return 0;
}

static unsigned int pow2_at_least(unsigned int v)
{
	unsigned int p = 1;

	while (p < v && p < (1U << 30))
		p <<= 1;
	return p;
}

struct iag_session *iag_session_open(const struct iag_session_opts *opts,
				     int *exit_code)
{
	struct iag_session *s;
	struct iag_probe pr;
	struct bpf_program *prog;
	const char *why, *mode_why;
	enum iag_mode mode;
	unsigned int i, rb_bytes, page = sysconf(_SC_PAGESIZE);
	int err;

	*exit_code = IAG_EXIT_INTERNAL;
	libbpf_set_print(libbpf_print);

	iag_probe_kernel(&pr, opts->enforce);
	/* For enforce, the reason it cannot comes first: that is the question. */
	why = opts->enforce ? iag_probe_enforce_blocker(&pr) : NULL;
	mode = iag_probe_pick_mode(&pr, opts->mode, &mode_why);
	if (!why)
		why = mode_why;
	if (!why && opts->enforce && mode != IAG_MODE_TRACEPOINT)
		why = "enforcement needs tracepoint mode (the patched kernel's hook), not kprobe mode";
	if (why) {
		iag_err("%s", why);
		*exit_code = IAG_EXIT_UNSUPPORTED;
		return NULL;
	}

	s = calloc(1, sizeof(*s));
	if (!s) {
		iag_err("out of memory");
		return NULL;
	}
	s->mode = mode;
	s->enforce = opts->enforce;

	s->skel = iag_bpf__open();
	if (!s->skel) {
		iag_err("cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	if (s->skel->rodata->abi_version != IAG_ABI_VERSION) {
		iag_err("BPF object has ABI version %u, this binary %u",
			s->skel->rodata->abi_version, IAG_ABI_VERSION);
		goto fail;
	}
	s->skel->rodata->report_all = opts->report_all;
	s->skel->rodata->stack_depth = opts->stack_depth > IAG_MAX_STACK ?
				       IAG_MAX_STACK : opts->stack_depth;
	/* tp_btf stacks start in bpf_prog_* and bpf_trace_run*: userspace drops them. */
	s->skel->rodata->stack_extra = mode == IAG_MODE_TRACEPOINT ? 3 : 0;

	rb_bytes = pow2_at_least((opts->ringbuf_kb ? opts->ringbuf_kb : 256) * 1024);
	if (rb_bytes < page)
		rb_bytes = page;
	err = bpf_map__set_max_entries(s->skel->maps.events, rb_bytes);
	if (err) {
		iag_err("ring buffer size %u: %s", rb_bytes, strerror(-err));
		goto fail;
	}

	bpf_object__for_each_program(prog, s->skel->obj) {
		const char *sec = bpf_program__section_name(prog);
		bool on;

		if (is_tp_prog(prog)) {
			const char *tp = strchr(sec, '/');

			on = mode == IAG_MODE_TRACEPOINT;
			/* An older patch series: watch what it has. */
			if (on && tp && !iag_probe_has_tracepoint(&pr, tp + 1)) {
				on = false;
				if (iag_verbose)
					iag_warn("kernel has no %s tracepoint: not watched", tp + 1);
			}
		}
		else if (is_kp_prog(prog))
			on = mode == IAG_MODE_KPROBE;
		else	/* enforce_check */
			on = opts->enforce;
		bpf_program__set_autoload(prog, on);
	}

	err = iag_bpf__load(s->skel);
	if (err) {
		iag_err("loading the BPF programs (%s mode) failed: %s%s%s",
			iag_mode_name(mode), strerror(-err),
			err == -EPERM && !pr.lockdown[0] ?
			" (kernel lockdown? mount securityfs on /sys/kernel/security to see)" : "",
			iag_verbose ? "" : " (run with -v -v for the verifier log)");
		*exit_code = err == -EPERM ? IAG_EXIT_UNSUPPORTED : IAG_EXIT_INTERNAL;
		goto fail;
	}

	/*
	 * Ends of transfers first, then the starts: a transfer that begins
	 * while we attach must not push a depth that nothing pops.
	 */
	for (i = 0; i < 2 * (unsigned int)s->skel->skeleton->prog_cnt; i++) {
		unsigned int n = s->skel->skeleton->prog_cnt;
		struct bpf_prog_skeleton *ps = &s->skel->skeleton->progs[i % n];

		if (!bpf_program__autoload(*ps->prog) || (i < n) != is_end_prog(*ps->prog))
			continue;
		*ps->link = bpf_program__attach(*ps->prog);
		if (!*ps->link) {
			err = -errno;
			iag_err("attaching %s failed: %s", ps->name, strerror(-err));
			goto fail;
		}
	}

	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_record, s, NULL);
	if (!s->rb) {
		iag_err("ring buffer: %s", strerror(errno));
		goto fail;
	}
	*exit_code = IAG_EXIT_OK;
	return s;
fail:
	iag_session_close(s);
	return NULL;
}

static bool keyset_has(const struct iag_keyset *ks, const struct iag_allow_key *k)
{
	size_t i;

	for (i = 0; ks && i < ks->n; i++)
		if (ks->keys[i].adapter == k->adapter && ks->keys[i].addr == k->addr)
			return true;
	return false;
}

int iag_session_set_keys(struct iag_session *s, const struct iag_keyset *ks)
{
	int fd = bpf_map__fd(s->skel->maps.allow);
	struct iag_allow_key key, next, *stale = NULL;
	size_t i, n_stale = 0, cap = 0;
	int err = 0;

	/* New keys first, so no allowed transfer is refused meanwhile. */
	for (i = 0; ks && i < ks->n; i++) {
		struct iag_allow_key k = {
			.adapter = ks->keys[i].adapter,
			.addr = (__u16)ks->keys[i].addr,
		};
		struct iag_allow_val v = { .rule_id = ks->keys[i].rule_id };

		if (bpf_map_update_elem(fd, &k, &v, BPF_ANY)) {
			err = -errno;
			iag_err("allowlist update (adapter %d, addr 0x%x): %s",
				k.adapter, k.addr, strerror(errno));
			return err;
		}
	}
	/* Then drop what the new set does not have. */
	if (bpf_map_get_next_key(fd, NULL, &next))
		return 0;
	do {
		key = next;
		if (keyset_has(ks, &key))
			continue;
		if (n_stale == cap) {
			struct iag_allow_key *p;

			cap = cap ? cap * 2 : 64;
			p = realloc(stale, cap * sizeof(*p));
			if (!p) {
				free(stale);
				return -ENOMEM;
			}
			stale = p;
		}
		stale[n_stale++] = key;
	} while (!bpf_map_get_next_key(fd, &key, &next));
	for (i = 0; i < n_stale; i++)
		bpf_map_delete_elem(fd, &stale[i]);
	free(stale);
	return err;
}

int iag_session_poll(struct iag_session *s, int timeout_ms, iag_event_fn fn, void *ctx)
{
	int n;

	s->fn = fn;
	s->fn_ctx = ctx;
	s->fn_err = 0;
	n = ring_buffer__poll(s->rb, timeout_ms);
	if (s->fn_err)
		return s->fn_err;
	if (n == -EINTR)
		return 0;
	return n;
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

static int pin_one(const char *name, int (*pin)(const void *, const char *),
		   const void *obj)
{
	char path[256];
	int err;

	snprintf(path, sizeof(path), "%s/%s", iag_pin_dir(), name);
	err = pin(obj, path);
	if (err) {
		iag_err("pinning %s: %s", path, strerror(-err));
		return err;
	}
	if (chmod(path, 0600)) {
		err = -errno;
		iag_err("chmod 0600 %s: %s", path, strerror(errno));
		return err;
	}
	return 0;
}

static int pin_map(const void *m, const char *path)
{
	return bpf_map__pin((struct bpf_map *)m, path);
}

static int pin_link(const void *l, const char *path)
{
	return bpf_link__pin((struct bpf_link *)l, path);
}

int iag_session_pin(struct iag_session *s)
{
	const char *dir = iag_pin_dir();
	char name[128], path[512];
	unsigned int i;
	int err;

	if (mkdir(dir, 0700) && errno != EEXIST) {
		err = -errno;
		iag_err("mkdir %s: %s", dir, strerror(errno));
		return err;
	}
	snprintf(path, sizeof(path), "%s/allow", dir);
	if (!access(path, F_OK)) {
		iag_err("%s already holds a pinned policy: run 'enforce --unpin' first", dir);
		return -EEXIST;
	}
	err = pin_one("allow", pin_map, s->skel->maps.allow);
	if (!err)
		err = pin_one("counters", pin_map, s->skel->maps.counters);
	for (i = 0; !err && i < (unsigned int)s->skel->skeleton->prog_cnt; i++) {
		struct bpf_prog_skeleton *ps = &s->skel->skeleton->progs[i];

		if (!*ps->link)
			continue;
		snprintf(name, sizeof(name), "link_%s", ps->name);
		err = pin_one(name, pin_link, *ps->link);
	}
	return err;
}

void iag_session_close(struct iag_session *s)
{
	if (!s)
		return;
	ring_buffer__free(s->rb);
	iag_bpf__destroy(s->skel);
	free(s);
}

int iag_load_policy_keys(const char *path, struct iag_policy **pol,
			 struct iag_keyset *ks)
{
	struct iag_diag diag;
	int err;

	*pol = NULL;
	memset(ks, 0, sizeof(*ks));
	iag_diag_init(&diag, path);
	err = iag_policy_load(path, pol, &diag);
	if (err) {
		if (diag.n)
			iag_diag_print(&diag, stderr);
		else
			iag_err("%s: %s", path, strerror(-err));
		*pol = NULL;
		return IAG_EXIT_USAGE;
	}
	err = iag_resolve(*pol, "/sys", ks);
	if (err) {
		iag_err("%s: resolving against /sys: %s", path, strerror(-err));
		return IAG_EXIT_USAGE;
	}
	if (iag_verbose) {
		size_t i;

		for (i = 0; i < ks->n; i++)
			fprintf(stderr, "%s: key adapter %d addr 0x%x rule %u%s%s\n",
				iag_prog, ks->keys[i].adapter, ks->keys[i].addr,
				ks->keys[i].rule_id, ks->keys[i].why ? ": " : "",
				ks->keys[i].why ? ks->keys[i].why : "");
	}
	return IAG_EXIT_OK;
}

void iag_policy_keys_free(struct iag_policy *pol, struct iag_keyset *ks)
{
	if (ks && ks->keys)
		iag_keyset_free(ks);
	iag_policy_free(pol);
}

int iag_policy_reresolve(const struct iag_policy *pol, struct iag_keyset *ks)
{
	struct iag_keyset fresh = { 0 };
	int err;

	err = iag_resolve(pol, "/sys", &fresh);
	if (err) {
		if (fresh.keys)
			iag_keyset_free(&fresh);
		return err;
	}
	if (ks->keys)
		iag_keyset_free(ks);
	*ks = fresh;
	return 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int iag_session_opt(struct iag_session_opts *so, int opt, const char *arg,
		    const char *cmd)
{
	unsigned long v;
	int m;

	switch (opt) {
	case 'm':
		m = iag_mode_parse(arg);
		if (m < 0) {
			iag_err("%s: bad --mode '%s' (auto, tracepoint or kprobe)", cmd, arg);
			return IAG_EXIT_USAGE;
		}
		so->mode = m;
		return 0;
	case IAG_OPT_STACK:
		if (parse_uint(arg, IAG_MAX_STACK, &v)) {
			iag_err("%s: bad --stack-depth '%s' (0..%d)", cmd, arg, IAG_MAX_STACK);
			return IAG_EXIT_USAGE;
		}
		so->stack_depth = v;
		return 0;
	case IAG_OPT_RB:
		if (parse_uint(arg, 1UL << 20, &v) || v < 4 || (v & (v - 1))) {
			iag_err("%s: bad --ringbuf-kb '%s' (a power of two, 4..1048576)", cmd, arg);
			return IAG_EXIT_USAGE;
		}
		so->ringbuf_kb = v;
		return 0;
	}
	return IAG_EXIT_USAGE;
}
