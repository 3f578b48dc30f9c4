// SPDX-License-Identifier: GPL-2.0-only
/* What the running kernel supports: BTF, the patch, hooks, kprobes, bpffs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "ksyms.h"
#include "probe.h"
#include "probe_btf.h"
#include "util.h"

#define BPF_FS_MAGIC_NR	0xcafe4a11

static const char *const tracepoints[] = {
	"i2c_atomic_xfer", "i2c_atomic_smbus_xfer", "i2c_atomic_result",
	"i2c_atomic_lock_busy", "i2c_atomic_no_handler",
	"i2c_atomic_context_xfer", "i2c_atomic_denied", "i2c_atomic_refused",
	/* the stuck-bus check (patch 8): not needed to watch transfers */
	"i2c_atomic_bus_stuck", "i2c_atomic_bus_recovery",
};

/* Bits of tp_mask: the transfer events (the first 8) and the stuck-bus pair. */
#define TP_SERIES_MASK	0xffU
#define TP_BUS_MASK	0x300U

#define HOOK "i2c_atomic_xfer_check"

const char *iag_pin_dir(void)
{
	const char *d = getenv("IAG_PIN_DIR");

	return d && *d ? d : IAG_PIN_DIR;
}

const char *iag_probe_tracepoint_name(unsigned int i)
{
	return IAG_NAME_OF(tracepoints, i);
}

bool iag_probe_has_tracepoint(const struct iag_probe *p, const char *name)
{
	int i = IAG_NAME_INDEX(tracepoints, name);

	return i >= 0 && (p->tp_mask & (1U << i));
}

/* Does @path have a line whose first word is @word? 1, 0, -1 no file. */
static int file_has_word(const char *path, const char *word)
{
	char line[512];
	size_t wl = strlen(word);
	FILE *f = fopen(path, "re");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, word, wl) &&
		    (line[wl] == '\n' || line[wl] == ' ' || line[wl] == '\t' ||
		     line[wl] == 0)) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * A kernel symbol: 1, 0, -errno unknown; @addr (if not NULL) gets the
 * address. Asked of the kernel; /proc/kallsyms (a slow file in a TCG VM)
 * only where the kernel cannot be asked.
 */
static int kallsyms_find(const char *sym, unsigned long long *addr)
{
	int r = iag_ksym_lookup(sym, addr);

	return r >= 0 ? r : iag_kallsyms_find("/proc/kallsyms", sym, addr);
}

static int kallsyms_has(const char *sym)
{
	return kallsyms_find(sym, NULL);
}

static int traceable(const char *fn)
{
	static const char *const lists[] = {
		"/sys/kernel/tracing/available_filter_functions",
		"/sys/kernel/debug/tracing/available_filter_functions",
	};
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		int r = file_has_word(lists[i], fn);

		if (r >= 0)
			return r;
	}
	return kallsyms_has(fn);
}

static void read_lockdown(char *out, size_t len)
{
	char buf[128], *l, *r;
	FILE *f = fopen("/sys/kernel/security/lockdown", "re");

	out[0] = 0;
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f)) {
		l = strchr(buf, '[');
		r = l ? strchr(l, ']') : NULL;
		if (l && r) {
			*r = 0;
			snprintf(out, len, "%s", l + 1);
		}
	}
	fclose(f);
}

static void read_caps(struct iag_probe *p)
{
	char line[256];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	p->cap_sys_admin = eff & (1ULL << 21);
	p->cap_perfmon = eff & (1ULL << 38);
	p->cap_bpf = eff & (1ULL << 39);
}

/* Why a probe program was refused: errno and the verifier's last line. */
static void probe_error(int e, char *log, char *err, size_t len)
{
	char *nl;

	while ((nl = strrchr(log, '\n')) && nl[1] == 0)
		*nl = 0;
	nl = strrchr(log, '\n');
	snprintf(err, len, "%s%s%s", strerror(e), log[0] ? ": " : "", nl ? nl + 1 : log);
}

/*
 * Load "r0 = 0; exit" as a @type tracing program on the function @btf_id
 * and attach it for a moment: 1 if both work, 0 with @err if not. It is
 * harmless while attached: an fentry that does nothing, or an fmod_ret
 * that returns 0 and so lets the function run. The attach is what tells
 * a kernel without BPF trampolines (arm64 GCC builds with -Os, 32-bit
 * arm): their verifier takes the program and the attach says -ENOTSUPP.
 * Returns TRY_OK, TRY_LOAD_REFUSED or TRY_ATTACH_REFUSED.
 */
enum { TRY_LOAD_REFUSED, TRY_OK, TRY_ATTACH_REFUSED };

static int try_tracing(int btf_id, enum bpf_attach_type type, char *err, size_t len)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[4096] = "";
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = type,
		    .attach_btf_id = btf_id,
		    .log_buf = log,
		    .log_size = sizeof(log),
		    .log_level = 1);
	int fd, link;

	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "iag_probe", "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), &opts);
	if (fd < 0) {
		probe_error(errno, log, err, len);
		return TRY_LOAD_REFUSED;
	}
	link = bpf_link_create(fd, 0, type, NULL);
	if (link < 0) {
		int e = errno;

		snprintf(err, len, "loads, but the attach is refused: %s%s",
			 e == 524 ? "ENOTSUPP" : strerror(e),
			 e == 524 ? " (no BPF trampolines: on arm64, CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS, which GCC builds get only without CC_OPTIMIZE_FOR_SIZE)" : "");
		close(fd);
		return TRY_ATTACH_REFUSED;
	}
	close(link);
	close(fd);
	return TRY_OK;
}

/* Number of parameters of the tracepoint's BTF prototype (typedef @id, btf_trace_NAME); -1. */
static int tp_params(const struct btf *btf, int id)
{
	const struct btf_type *t;

	t = btf__type_by_id(btf, id);		/* typedef -> pointer -> proto */
	t = t ? btf__type_by_id(btf, t->type) : NULL;
	t = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL;
	return t && btf_is_func_proto(t) ? btf_vlen(t) : -1;
}

/* @name of @kind in vmlinux BTF or, with CONFIG_I2C=m, in i2c_core's. */
static int find_in(const struct iag_btf_names *bn, const char *name, __u32 kind,
		   const struct btf **where)
{
	return iag_btf_names_find(bn, name, kind, where);
}

/* Every name the probe asks BTF about, found in one pass: @vm (or NULL) and @mod. */
static void btf_names(struct iag_btf_names *bn, const struct btf *vm, const struct btf *mod)
{
	static const char *const funcs[] = {
		"__i2c_transfer", "__i2c_smbus_xfer", HOOK,
		"preempt_schedule", "__might_resched", "preempt_count_add",	/* kconfig */
	};
	char name[128];
	size_t i;

	iag_btf_names_init(bn, vm, mod);
	for (i = 0; i < IAG_ARRAY_SIZE(tracepoints); i++) {
		snprintf(name, sizeof(name), "btf_trace_%s", tracepoints[i]);
		iag_btf_names_add(bn, name, BTF_KIND_TYPEDEF);
	}
	for (i = 0; i < IAG_ARRAY_SIZE(funcs); i++)
		iag_btf_names_add(bn, funcs[i], BTF_KIND_FUNC);
	iag_btf_names_add(bn, "task_struct", BTF_KIND_STRUCT);
	iag_btf_names_scan(bn);
}

static void probe_tracepoints(struct iag_probe *p, const struct iag_btf_names *bn)
{
	const struct btf *where;
	char name[128];
	size_t i;
	int id;

	for (i = 0; i < IAG_ARRAY_SIZE(tracepoints); i++) {
		snprintf(name, sizeof(name), "btf_trace_%s", tracepoints[i]);
		id = find_in(bn, name, BTF_KIND_TYPEDEF, &where);
		if (id > 0) {
			p->tp_mask |= 1U << i;
			/* i2c_atomic_xfer: ctx + 4 args in the first series, + 7 in the second. */
			if (i == 0)
				p->tp_gen = tp_params(where, id) >= 8 ? 2 : 1;
		}
	}
	iag_probe_tp_summary(p);
}

void iag_probe_tp_summary(struct iag_probe *p)
{
	p->n_tracepoints = __builtin_popcount(p->tp_mask & TP_SERIES_MASK);
	/* xfer, smbus_xfer, result: enough to watch atomic mode. */
	p->tp_core = (p->tp_mask & 7) == 7;
	p->refused_tp = p->tp_mask & (1U << 7);
	/* All the series' events: the second has refused, the first does not. */
	p->tracepoints = p->tp_gen == 2 ? (p->tp_mask & TP_SERIES_MASK) == TP_SERIES_MASK :
			 (p->tp_mask & 0x7f) == 0x7f;
	/* The stuck-bus check (patch 8): its programs are the second series'. */
	p->bus_events = p->tp_gen == 2 && (p->tp_mask & TP_BUS_MASK) == TP_BUS_MASK;
}

/* CONFIG_NAME from a kernel config: 1 y/m, 0 not set, -1 not found. */
static int kconfig_value(gzFile f, const char *opt)
{
	char line[512];
	size_t ol = strlen(opt);

	gzrewind(f);
	while (gzgets(f, line, sizeof(line))) {
		if (!strncmp(line, opt, ol) && line[ol] == '=')
			return line[ol + 1] == 'y' || line[ol + 1] == 'm';
		if (!strncmp(line, "# ", 2) && !strncmp(line + 2, opt, ol) &&
		    !strncmp(line + 2 + ol, " is not set", 11))
			return 0;
	}
	return -1;
}

/*
 * PREEMPT_COUNT and PREEMPT_RCU: from /proc/config.gz or /boot/config-R;
 * without either, from BTF: preemptible RCU gives task_struct its
 * rcu_read_lock_nesting, and the count exists when the kernel can preempt
 * (preempt_schedule) or checks sleeping in atomic context (__might_resched).
 */
static void probe_kconfig(struct iag_probe *p, const struct iag_btf_names *bn)
{
	const struct btf *vm = bn->vm, *where;
	char path[256];
	gzFile f = gzopen("/proc/config.gz", "r");
	int id;

	snprintf(path, sizeof(path), "/proc/config.gz");
	if (!f) {
		snprintf(path, sizeof(path), "/boot/config-%s", p->release);
		f = gzopen(path, "r");
	}
	if (f) {
		int pc = kconfig_value(f, "CONFIG_PREEMPT_COUNT");
		int pr = kconfig_value(f, "CONFIG_PREEMPT_RCU");

		gzclose(f);
		if (pc >= 0 || pr >= 0) {
			p->preempt_count = pc > 0;
			p->preempt_rcu = pr > 0;
			snprintf(p->kconfig_src, sizeof(p->kconfig_src), "%s", path);
			return;
		}
	}
	snprintf(p->kconfig_src, sizeof(p->kconfig_src), "BTF");
	if (!vm)
		return;
	p->preempt_count = find_in(bn, "preempt_schedule", BTF_KIND_FUNC, &where) > 0 ||
			   find_in(bn, "__might_resched", BTF_KIND_FUNC, &where) > 0 ||
			   find_in(bn, "preempt_count_add", BTF_KIND_FUNC, &where) > 0;
	id = find_in(bn, "task_struct", BTF_KIND_STRUCT, &where);
	if (id > 0 && where == vm) {
		const struct btf_type *t = btf__type_by_id(vm, id);
		const struct btf_member *m = btf_members(t);
		int i;

		for (i = 0; i < btf_vlen(t); i++, m++)
			if (!strcmp(btf__name_by_offset(vm, m->name_off), "rcu_read_lock_nesting"))
				p->preempt_rcu = true;
	}
}

const char *iag_probe_kconfig_text(const struct iag_probe *p, char *buf, size_t len)
{
	snprintf(buf, len, "CONFIG_PREEMPT_COUNT=%c\nCONFIG_PREEMPT_RCU=%c\n",
		 p->preempt_count ? 'y' : 'n', p->preempt_rcu ? 'y' : 'n');
	return buf;
}

/*
 * What kprobe mode needs (and tracepoint mode on the first series, which
 * reads system_state too): the address of system_state, whether fentry
 * attaches, and (@what & IAG_PROBE_TRACEABLE) the ftrace lists. Kernel
 * symbol files are read here only, so a tracepoint session never pays for
 * them.
 */
static void probe_kprobe_facts(struct iag_probe *p, const struct iag_btf_names *bn,
			       unsigned int what)
{
	const struct btf *btf = bn->vm, *where;
	unsigned long long addr = 0;
	char smbus_err[256];
	bool in_btf;
	int r, id;

	p->kprobe_probed = true;
	p->system_state_sym = kallsyms_find("system_state", &addr) > 0 && addr;
	p->system_state_addr = p->system_state_sym ? addr : 0;
	if (!p->i2c_core)
		p->i2c_core = kallsyms_has("__i2c_transfer") > 0;
	if (!btf)
		return;
	/*
	 * fentry/fexit in kprobe mode, or kprobe pairs where they cannot go:
	 * __i2c_smbus_xfer() first, whose seven arguments not every kernel's
	 * trampolines take. If it attaches, trampolines work and the session
	 * loads no kprobe pair (their verification is a sixth of a TCG VM's
	 * start-up, issue 13); each try costs a trampoline, so one try here.
	 */
	id = find_in(bn, "__i2c_smbus_xfer", BTF_KIND_FUNC, &where);
	r = id > 0 && where == btf ?
	    try_tracing(id, BPF_TRACE_FENTRY, smbus_err, sizeof(smbus_err)) : TRY_LOAD_REFUSED;
	p->smbus_fentry = r == TRY_OK ? 1 : r == TRY_ATTACH_REFUSED ? 0 : -1;
	if (r != TRY_OK) {
		id = find_in(bn, "__i2c_transfer", BTF_KIND_FUNC, &where);
		r = id > 0 && where == btf ?
		    try_tracing(id, BPF_TRACE_FENTRY, p->trampolines_err,
				sizeof(p->trampolines_err)) : TRY_LOAD_REFUSED;
	}
	/* A refused load (no privilege, lockdown) tells nothing about trampolines. */
	p->trampolines = r == TRY_OK ? 1 : r == TRY_ATTACH_REFUSED ? 0 : -1;
	/* kprobe at the entry, fexit (needs the function in BTF) at the end. */
	in_btf = find_in(bn, "__i2c_transfer", BTF_KIND_FUNC, &where) > 0 &&
		 find_in(bn, "__i2c_smbus_xfer", BTF_KIND_FUNC, &where) > 0;
	/*
	 * The ftrace lists (a third of a second to read in a TCG VM) only say
	 * in advance what the attach says anyway: status reads them, a session
	 * reads them only to explain a refused attach.
	 */
	p->kprobe = p->i2c_core && in_btf;
	if (p->kprobe && (what & IAG_PROBE_TRACEABLE))
		p->kprobe = traceable("__i2c_transfer") > 0 && traceable("__i2c_smbus_xfer") > 0;
}

void iag_probe_kernel(struct iag_probe *p, unsigned int what)
{
	const struct btf *where;
	struct btf *btf, *mod = NULL;
	struct iag_btf_names bn;
	struct utsname u;
	struct statfs sfs;
	int r, id;

	memset(p, 0, sizeof(*p));
	p->hook_errinj = -1;
	p->fmod_ret = -1;
	p->trampolines = -1;
	p->smbus_fentry = -1;
	if (!uname(&u))
		snprintf(p->release, sizeof(p->release), "%s", u.release);

	btf = btf__load_vmlinux_btf();
	if (libbpf_get_error(btf))
		btf = NULL;
	p->btf = btf != NULL;
	/* CONFIG_I2C=m: the core, its tracepoints and the hook are in i2c_core's BTF. */
	if (btf && !access("/sys/kernel/btf/i2c_core", R_OK)) {
		mod = btf__load_module_btf("i2c_core", btf);
		if (libbpf_get_error(mod))
			mod = NULL;
		p->i2c_module_btf = mod != NULL;
	}
	btf_names(&bn, btf, mod);
	/* BTF first: /proc/kallsyms only where BTF does not say. */
	p->i2c_core = find_in(&bn, "__i2c_transfer", BTF_KIND_FUNC, &where) > 0;

	if (btf) {
		probe_tracepoints(p, &bn);
		id = find_in(&bn, HOOK, BTF_KIND_FUNC, &where);
		p->hook = id > 0;
		/* Only enforcing asks (and status): a debugfs file audit need not read. */
		if (p->hook && (what & IAG_PROBE_FMOD_RET)) {
			r = file_has_word("/sys/kernel/debug/error_injection/list", HOOK);
			p->hook_errinj = r;
			/* A module function's BTF id needs its BTF object: libbpf's own load checks that. */
			if (where == btf)
				p->fmod_ret = try_tracing(id, BPF_MODIFY_RETURN, p->fmod_ret_err,
							  sizeof(p->fmod_ret_err)) == TRY_OK;
		}
	}
	/* Without the second series' tracepoints, a session needs kprobe mode's facts. */
	if ((what & IAG_PROBE_KPROBE) || p->tp_gen < 2)
		probe_kprobe_facts(p, &bn, what);
	p->bpffs = !statfs("/sys/fs/bpf", &sfs) && (unsigned long)sfs.f_type == BPF_FS_MAGIC_NR;
	read_lockdown(p->lockdown, sizeof(p->lockdown));
	read_caps(p);
	p->atomic_log = !access("/sys/module/i2c_core/parameters/atomic_log", F_OK);
	probe_kconfig(p, &bn);
	btf__free(mod);
	btf__free(btf);
}

void iag_probe_kprobe_mode(struct iag_probe *p)
{
	struct btf *btf, *mod = NULL;
	struct iag_btf_names bn;

	if (p->kprobe_probed)
		return;
	btf = btf__load_vmlinux_btf();
	if (libbpf_get_error(btf))
		btf = NULL;
	if (btf && p->i2c_module_btf) {
		mod = btf__load_module_btf("i2c_core", btf);
		if (libbpf_get_error(mod))
			mod = NULL;
	}
	btf_names(&bn, btf, mod);
	probe_kprobe_facts(p, &bn, 0);
	btf__free(mod);
	btf__free(btf);
}

const char *iag_probe_watch_blocker(const struct iag_probe *p)
{
	if (!p->cap_sys_admin && !(p->cap_bpf && p->cap_perfmon))
		return "needs root (CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON)";
	if (!p->btf)
		return "kernel has no BTF (/sys/kernel/btf/vmlinux; CONFIG_DEBUG_INFO_BTF=y needed)";
	if (!strcmp(p->lockdown, "confidentiality"))
		return "kernel lockdown is 'confidentiality': BPF may not read kernel memory";
	if (!p->i2c_core)
		return "kernel has no I2C core (__i2c_transfer not found; CONFIG_I2C)";
	return NULL;
}

enum iag_mode iag_probe_pick_mode(const struct iag_probe *p, enum iag_mode want,
				  const char **why)
{
	*why = iag_probe_watch_blocker(p);
	if (*why)
		return want;
	switch (want) {
	case IAG_MODE_TRACEPOINT:
		if (!p->tp_core)
			*why = p->n_tracepoints ?
				"kernel lacks i2c_atomic_xfer, i2c_atomic_smbus_xfer or i2c_atomic_result (patch series incomplete)" :
				"kernel has no i2c_atomic tracepoints (unpatched kernel)";
		return want;
	case IAG_MODE_KPROBE:
		if (!p->kprobe)
			*why = "__i2c_transfer/__i2c_smbus_xfer cannot be probed (CONFIG_KPROBES, CONFIG_FUNCTION_TRACER, both in BTF)";
		return want;
	case IAG_MODE_AUTO:
	default:
		if (p->tp_core)
			return IAG_MODE_TRACEPOINT;
		if (p->kprobe)
			return IAG_MODE_KPROBE;
		*why = "kernel has neither the i2c_atomic tracepoints nor probe-able __i2c_transfer";
		return IAG_MODE_AUTO;
	}
}

const char *iag_probe_enforce_blocker(const struct iag_probe *p)
{
	const char *why = iag_probe_watch_blocker(p);

	if (why)
		return why;
	if (!p->hook)
		return "kernel has no i2c_atomic_xfer_check() policy hook (unpatched kernel): cannot enforce";
	if (!p->tp_core || !iag_probe_has_tracepoint(p, "i2c_atomic_denied"))
		return "kernel has the policy hook but not the i2c_atomic tracepoints it needs (xfer, smbus_xfer, result, denied): cannot enforce";
	/* The second series registers the hook in a BTF fmodret set: no error injection needed. */
	if (p->fmod_ret < 0 && p->hook_errinj == 0 && p->tp_gen < 2)
		return "i2c_atomic_xfer_check is not on the error-injection list (CONFIG_FUNCTION_ERROR_INJECTION=y needed): cannot enforce";
	if (p->fmod_ret == 0) {
		static char buf[400];

		snprintf(buf, sizeof(buf),
			 "kernel refuses an fmod_ret program on i2c_atomic_xfer_check (%s): cannot enforce",
			 p->fmod_ret_err);
		return buf;
	}
	return NULL;
}
