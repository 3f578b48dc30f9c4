// SPDX-License-Identifier: GPL-2.0-only
/* The BPF session: probe the kernel, open, load, attach, poll, detach. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "iag.skel.h"
#include "pins.h"
#include "probe.h"
#include "resolve.h"
#include "session.h"
#include "session_int.h"
#include "util.h"


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

static bool has_prefix(const struct bpf_program *p, const char *prefix)
{
	return !strncmp(bpf_program__name(p), prefix, strlen(prefix));
}

static bool is_end_prog(const struct bpf_program *p)
{
	const char *name = bpf_program__name(p);
	size_t len = strlen(name);

	return !strcmp(name, "tp_result") || !strcmp(name, "tp2_result") ||
	       (len > 4 && !strcmp(name + len - 4, "_ret"));
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
	if (ev->stack_key && !ev->stack_len) {
		/* A repeat's key stack, kept once in the stacks map. */
		struct iag_event full = *ev;
		int n = iag_session_stack(s, ev->stack_key, full.stack);

		full.stack_len = n > 0 ? n : 0;
		r = s->fn(&full, s->fn_ctx);
	} else {
		r = s->fn(ev, s->fn_ctx);
	}
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

/* Is @prog one that a session of @mode (and @tp_gen series) loads? */
static bool wanted(const struct bpf_program *prog, enum iag_mode mode, bool enforce,
		   const struct iag_probe *pr)
{
	const char *tp = strchr(bpf_program__section_name(prog), '/');
	int gen = has_prefix(prog, "tp2_") ? 2 : has_prefix(prog, "tp_") ? 1 : 0;

	if (gen) {
		if (mode != IAG_MODE_TRACEPOINT || gen != pr->tp_gen)
			return false;
		/* An older patch series: watch what it has. */
		if (tp && !iag_probe_has_tracepoint(pr, tp + 1)) {
			if (iag_verbose)
				iag_warn("kernel has no %s tracepoint: not watched", tp + 1);
			return false;
		}
		return true;
	}
	if (mode != IAG_MODE_KPROBE)
		return !has_prefix(prog, "kp") && enforce;	/* enforce_check */
	/* A kprobe pair only where the probe did not see the fentry it stands for attach. */
	if (has_prefix(prog, "kps_"))
		return pr->smbus_fentry != 1;
	if (has_prefix(prog, "kpt_"))
		return pr->trampolines != 1;
	if (has_prefix(prog, "kp_calib"))
		return pr->smbus_fentry != 1 || pr->trampolines != 1;
	return has_prefix(prog, "kp_");
}

/*
 * Open the object and load the programs of @mode through the verifier;
 * nothing is attached. On failure @why says what failed.
 */
static int session_load(struct iag_session *s, const struct iag_session_opts *opts,
			const struct iag_probe *pr, char *why, size_t len)
{
	unsigned int rb_bytes, page = sysconf(_SC_PAGESIZE);
	struct bpf_program *prog;
	char kconfig[128];
	LIBBPF_OPTS(bpf_object_open_opts, oo,
		    .kconfig = iag_probe_kconfig_text(pr, kconfig, sizeof(kconfig)));
	int err;

	s->skel = iag_bpf__open_opts(&oo);
	if (!s->skel) {
		err = -errno;
		snprintf(why, len, "cannot open the BPF object: %s", strerror(-err));
		return err;
	}
	if (s->skel->rodata->abi_version != IAG_ABI_VERSION) {
		snprintf(why, len, "BPF object has ABI version %u, this binary %u",
			 s->skel->rodata->abi_version, IAG_ABI_VERSION);
		return -EINVAL;
	}
	s->skel->rodata->report_all = opts->report_all;
	s->skel->rodata->stack_depth = opts->stack_depth > IAG_MAX_STACK ?
				       IAG_MAX_STACK : opts->stack_depth;
	/* No ksym: where the programs read system_state, the probe found it. */
	if (s->mode == IAG_MODE_KPROBE || pr->tp_gen < 2)
		s->skel->rodata->system_state_addr = pr->system_state_addr;
	/* tp_btf stacks start in bpf_prog_* and bpf_trace_run*: userspace drops them. */
	s->skel->rodata->stack_extra = s->mode == IAG_MODE_TRACEPOINT ? 3 : 0;
	/* Only kprobe mode's hot path asks whether any level is open. */
	s->skel->rodata->track_levels_open = s->mode == IAG_MODE_KPROBE;

	s->skel->rodata->aggregate = !opts->no_aggregate;
	rb_bytes = pow2_at_least((opts->ringbuf_kb ? opts->ringbuf_kb : 64) * 1024);
	if (rb_bytes < page)
		rb_bytes = page;
	err = bpf_map__set_max_entries(s->skel->maps.events, rb_bytes);
	if (err) {
		snprintf(why, len, "ring buffer size %u: %s", rb_bytes, strerror(-err));
		return err;
	}
	/*
	 * Only kprobe mode keeps levels by task (tracepoint mode: per CPU); an
	 * LRU map is kept at one entry per CPU at least.
	 */
	if (s->mode == IAG_MODE_TRACEPOINT)
		err = bpf_map__set_max_entries(s->skel->maps.task_levels,
					       libbpf_num_possible_cpus() > 0 ?
					       libbpf_num_possible_cpus() : 1);
	if (err) {
		snprintf(why, len, "task map: %s", strerror(-err));
		return err;
	}
	bpf_object__for_each_program(prog, s->skel->obj)
		bpf_program__set_autoload(prog, wanted(prog, s->mode, s->enforce, pr));

	err = iag_bpf__load(s->skel);
	if (err)
		snprintf(why, len, "loading the BPF programs (%s mode%s) failed: %s%s%s",
			 iag_mode_name(s->mode), s->enforce ? ", enforce" : "", strerror(-err),
			 err == -EPERM && !pr->lockdown[0] ?
			 " (kernel lockdown? mount securityfs on /sys/kernel/security to see)" : "",
			 iag_verbose > 1 ? "" : " (run with -v -v for the verifier log)");
	return err;
}

/* The kprobe pairs and their calibration: attached by attach_kprobe_pairs(). */
static bool is_kprobe_pair(const struct bpf_program *p)
{
	return has_prefix(p, "kps_") || has_prefix(p, "kpt_") || has_prefix(p, "kp_calib");
}

/* The fentry trio on __i2c_smbus_xfer(), replaced by the kprobes where needed. */
static bool is_smbus_fentry(const struct bpf_program *p)
{
	const char *n = bpf_program__name(p);

	return !strcmp(n, "kp_smbus_xfer") || !strcmp(n, "kp_smbus_xfer_ret") ||
	       !strcmp(n, "kp_smbus_xfer_flags");
}

/*
 * What a kprobe and kretprobe pair adds to the preempt count: measured on a
 * system call this process makes with a count of zero. 0 or -errno.
 */
static int calibrate_kprobe(struct iag_session *s)
{
	static const char *const fns[] = {
		"__x64_sys_getppid", "__arm64_sys_getppid", "__se_sys_getppid", "sys_getppid",
	};
	struct bpf_link *in = NULL, *out = NULL;
	size_t i;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]) && !in; i++) {
		out = bpf_program__attach_kprobe(s->skel->progs.kp_calib_ret, true, fns[i]);
		in = out ? bpf_program__attach_kprobe(s->skel->progs.kp_calib, false, fns[i]) : NULL;
		if (!in) {
			bpf_link__destroy(out);
			out = NULL;
		}
	}
	if (!in)
		return -ENOENT;
	s->skel->bss->kp_calib_tgid = getpid();
	s->skel->data->kp_calib_pc = ~0U;
	syscall(SYS_getppid);
	bpf_link__destroy(in);
	bpf_link__destroy(out);
	if (s->skel->data->kp_calib_pc == ~0U)
		return -ENODATA;
	s->skel->bss->kp_probe_offset = s->skel->data->kp_calib_pc & 0xff;
	if (iag_verbose)
		iag_info("kprobe path adds %u to the preempt count (calibrated)",
			 s->skel->bss->kp_probe_offset);
	return 0;
}

/* The end's kretprobe, then the start's kprobe: a pair or -errno. */
static int attach_pair(struct bpf_program *in, struct bpf_link **in_link,
		       struct bpf_program *out, struct bpf_link **out_link)
{
	*out_link = bpf_program__attach(out);
	if (*out_link)
		*in_link = bpf_program__attach(in);
	if (!*in_link) {
		int err = -errno;

		iag_err("attaching the kprobes %s/%s failed: %s", bpf_program__name(in),
			bpf_program__name(out), strerror(-err));
		return err;
	}
	return 0;
}

/*
 * Kprobe pairs where fentry/fexit cannot go: on __i2c_smbus_xfer() where
 * this kernel's trampolines take at most six arguments (it has seven), and
 * on __i2c_transfer() too (@xfer_too) where the kernel has no trampolines.
 */
static int attach_kprobe_pairs(struct iag_session *s, bool xfer_too)
{
	struct iag_bpf *k = s->skel;
	int err = calibrate_kprobe(s);

	if (err) {
		iag_err("I2C transfers can be watched only by kprobes here, and calibrating them failed: %s",
			strerror(-err));
		return err;
	}
	err = attach_pair(k->progs.kps_smbus_xfer, &k->links.kps_smbus_xfer,
			  k->progs.kps_smbus_xfer_ret, &k->links.kps_smbus_xfer_ret);
	if (!err && xfer_too)
		err = attach_pair(k->progs.kpt_xfer, &k->links.kpt_xfer,
				  k->progs.kpt_xfer_ret, &k->links.kpt_xfer_ret);
	return err;
}

/* Not attached by session_attach()'s loop in this session. */
static bool attached_elsewhere(const struct iag_session *s, const struct bpf_program *p,
			       bool smbus_by_kprobe)
{
	if (!bpf_program__autoload(p) || is_kprobe_pair(p))
		return true;
	/* No trampolines: no fentry/fexit, nor the kprobes noting flags for them. */
	if (s->no_trampolines && has_prefix(p, "kp_"))
		return true;
	return smbus_by_kprobe && is_smbus_fentry(p);
}

/*
 * Ends of transfers first, then the starts: a transfer that begins while we
 * attach must not push a depth that nothing pops.
 */
static int session_attach(struct iag_session *s)
{
	unsigned int n = s->skel->skeleton->prog_cnt, i;
	bool smbus_by_kprobe = false;

	for (i = 0; i < 2 * n; i++) {
		struct bpf_prog_skeleton *ps = &s->skel->skeleton->progs[i % n];
		int err;

		if ((i < n) != is_end_prog(*ps->prog) ||
		    attached_elsewhere(s, *ps->prog, smbus_by_kprobe))
			continue;
		*ps->link = bpf_program__attach(*ps->prog);
		if (!*ps->link) {
			err = -errno;
			/* -ENOTSUPP: more arguments than this kernel's trampolines take. */
			if (err == -524 && is_smbus_fentry(*ps->prog)) {
				smbus_by_kprobe = true;
				continue;
			}
			iag_err("attaching %s failed: %s", ps->name, strerror(-err));
			return err;
		}
	}
	if (s->mode != IAG_MODE_KPROBE || !(smbus_by_kprobe || s->no_trampolines))
		return 0;
	return attach_kprobe_pairs(s, s->no_trampolines);
}

/* Why the kernel cannot run a session of @opts, or NULL; *mode is picked. */
static const char *session_blocker(const struct iag_session_opts *opts,
				   const struct iag_probe *pr, enum iag_mode *mode)
{
	const char *why, *mode_why;

	/* For enforce, the reason it cannot comes first: that is the question. */
	why = opts->enforce ? iag_probe_enforce_blocker(pr) : NULL;
	*mode = iag_probe_pick_mode(pr, opts->mode, &mode_why);
	if (!why)
		why = mode_why;
	if (!why && opts->enforce && *mode != IAG_MODE_TRACEPOINT)
		why = "enforcement needs tracepoint mode (the patched kernel's hook), not kprobe mode";
	if (!why && *mode == IAG_MODE_KPROBE && !pr->system_state_sym)
		why = "kprobe mode reads system_state, which /proc/kallsyms does not list (CONFIG_KALLSYMS_ALL=y needed)";
	if (!why && *mode == IAG_MODE_TRACEPOINT && pr->tp_gen < 2 && !pr->system_state_sym)
		why = "this patch series' tracepoints carry no system state and /proc/kallsyms has no system_state (CONFIG_KALLSYMS_ALL=y needed)";
	return why;
}

int iag_session_try_load(const struct iag_probe *pr, enum iag_mode mode, bool enforce,
			 char *why, size_t len)
{
	struct iag_session_opts opts;
	struct iag_session s = { 0 };
	const char *blocker;
	int err;

	iag_session_opts_default(&opts);
	opts.mode = mode;
	opts.enforce = enforce;
	opts.ringbuf_kb = 4;
	blocker = session_blocker(&opts, pr, &s.mode);
	if (blocker) {
		snprintf(why, len, "%s", blocker);
		return -EOPNOTSUPP;
	}
	s.enforce = enforce;
	libbpf_set_print(libbpf_print);
	err = session_load(&s, &opts, pr, why, len);
	iag_bpf__destroy(s.skel);
	return err;
}

/* Milliseconds since @t0 (CLOCK_MONOTONIC), and @t0 moved to now: -v start-up phases. */
static double lap_ms(struct timespec *t0)
{
	struct timespec t;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &t);
	ms = (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
	*t0 = t;
	return ms;
}

struct iag_session *iag_session_open(const struct iag_session_opts *opts,
				     int *exit_code)
{
	struct timespec t0;
	double ms_probe, ms_load, ms_attach;
	struct iag_session *s;
	struct iag_probe pr;
	const char *why;
	enum iag_mode mode;
	char msg[512];
	int err;

	*exit_code = IAG_EXIT_INTERNAL;
	libbpf_set_print(libbpf_print);
	clock_gettime(CLOCK_MONOTONIC, &t0);

	/* Tracepoint mode reads no kernel symbol file (start-up: issue 13). */
	iag_probe_kernel(&pr, (opts->enforce ? IAG_PROBE_FMOD_RET : 0) |
			      (opts->mode == IAG_MODE_KPROBE ? IAG_PROBE_KPROBE : 0));
	why = session_blocker(opts, &pr, &mode);
	if (why) {
		iag_err("%s", why);
		*exit_code = IAG_EXIT_UNSUPPORTED;
		return NULL;
	}
	ms_probe = lap_ms(&t0);

	s = calloc(1, sizeof(*s));
	if (!s) {
		iag_err("out of memory");
		return NULL;
	}
	s->mode = mode;
	s->tp_gen = pr.tp_gen;
	s->enforce = opts->enforce;
	s->no_trampolines = pr.trampolines == 0;
	if (s->no_trampolines && iag_verbose)
		iag_info("fentry refused (%s): kprobe pairs instead", pr.trampolines_err);

	/* Load, fill, attach: no program runs before the allowlist is whole. */
	err = session_load(s, opts, &pr, msg, sizeof(msg));
	if (err && opts->mode == IAG_MODE_AUTO && mode == IAG_MODE_TRACEPOINT && !opts->enforce)
		iag_probe_kprobe_mode(&pr);	/* only now: what kprobe mode needs */
	if (err && opts->mode == IAG_MODE_AUTO && mode == IAG_MODE_TRACEPOINT &&
	    !opts->enforce && pr.kprobe && pr.system_state_sym) {
		/* What status reports too: tracepoint mode refused, kprobe mode next. */
		iag_warn("%s; trying kprobe mode", msg);
		iag_bpf__destroy(s->skel);
		s->skel = NULL;
		s->mode = IAG_MODE_KPROBE;
		s->no_trampolines = pr.trampolines == 0;
		err = session_load(s, opts, &pr, msg, sizeof(msg));
	}
	if (err) {
		iag_err("%s", msg);
		/* The verifier or the kernel said no: what status reports too. */
		*exit_code = err == -ENOMEM ? IAG_EXIT_INTERNAL : IAG_EXIT_UNSUPPORTED;
		goto fail;
	}
	ms_load = lap_ms(&t0);
	if (opts->keys && iag_session_set_keys(s, opts->keys))
		goto fail;
	if (session_attach(s))
		goto fail;
	ms_attach = lap_ms(&t0);
	if (iag_verbose)
		iag_info("start-up: probe %.1f ms, load %.1f ms, allowlist and attach %.1f ms",
			 ms_probe, ms_load, ms_attach);

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

/* The info entry of a new pinned set: what, from which policy, which generation. */
static void fill_pin_info(struct iag_pin_info *pi, const char *policy_path, __u32 flags,
			  size_t n_keys)
{
	struct iag_pin_info old;
	char *abs = policy_path ? realpath(policy_path, NULL) : NULL;

	memset(pi, 0, sizeof(*pi));
	pi->abi_version = IAG_ABI_VERSION;
	pi->pin_version = IAG_PIN_VERSION;
	pi->generation = iag_pin_info_read(&old) ? 1 : old.generation + 1;
	pi->flags = flags;
	pi->n_keys = n_keys;
	snprintf(pi->tool_version, sizeof(pi->tool_version), "abi%u-pin%u", IAG_ABI_VERSION,
		 IAG_PIN_VERSION);
	snprintf(pi->policy_path, sizeof(pi->policy_path), "%s",
		 abs ? abs : policy_path ? policy_path : "");
	free(abs);
}

int iag_session_pin(struct iag_session *s, const char *policy_path, __u32 flags,
		    size_t n_keys)
{
	unsigned int n = s->skel->skeleton->prog_cnt, i, k = 0;
	struct iag_pin_obj objs[5 + 32];
	static char names[32][64];
	struct iag_pin_info pi;
	__u32 zero = 0, id;

	fill_pin_info(&pi, policy_path, flags, n_keys);
	/* A pinned allowlist always holds a set: a later swap makes its map like it. */
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.allow), &zero, &id) &&
	    iag_session_set_keys(s, NULL))
		return -EIO;
	if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.info), &zero, &pi, BPF_ANY)) {
		iag_err("pin info: %s", strerror(errno));
		return -errno;
	}
	objs[k++] = (struct iag_pin_obj){ "allow", bpf_map__fd(s->skel->maps.allow) };
	objs[k++] = (struct iag_pin_obj){ "counters", bpf_map__fd(s->skel->maps.counters) };
	objs[k++] = (struct iag_pin_obj){ "info", bpf_map__fd(s->skel->maps.info) };
	/* Repeats keep counting with nobody reading: bpftool can dump them. */
	objs[k++] = (struct iag_pin_obj){ "aggregates", bpf_map__fd(s->skel->maps.aggregates) };
	objs[k++] = (struct iag_pin_obj){ "stacks", bpf_map__fd(s->skel->maps.stacks) };
	for (i = 0; i < n && k < sizeof(objs) / sizeof(objs[0]); i++) {
		struct bpf_prog_skeleton *ps = &s->skel->skeleton->progs[i];

		if (!*ps->link)
			continue;
		snprintf(names[i], sizeof(names[i]), "link_%s", ps->name);
		objs[k++] = (struct iag_pin_obj){ names[i], bpf_link__fd(*ps->link) };
	}
	return iag_pin_replace(objs, k);
}

void iag_session_close(struct iag_session *s)
{
	struct timespec t0;

	if (!s)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ring_buffer__free(s->rb);
	/* Tracepoint links go in a few ms each: a thread apiece would cost more. */
	if (s->skel && s->mode == IAG_MODE_KPROBE)
		iag_session_detach(s);
	iag_bpf__destroy(s->skel);
	/* Part of the time a stop takes (it must stay under a second). */
	if (iag_stop_times())
		iag_info("stop: detach and unload %.1f ms", lap_ms(&t0));
	free(s);
}

