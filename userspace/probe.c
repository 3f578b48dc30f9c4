// SPDX-License-Identifier: GPL-2.0-only
/* What the running kernel supports: BTF, the patch, hooks, kprobes, bpffs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "probe.h"

#define BPF_FS_MAGIC_NR	0xcafe4a11

static const char *const tracepoints[] = {
	"i2c_atomic_xfer", "i2c_atomic_smbus_xfer", "i2c_atomic_result",
	"i2c_atomic_lock_busy", "i2c_atomic_no_handler",
	"i2c_atomic_context_xfer", "i2c_atomic_denied",
};

#define HOOK "i2c_atomic_xfer_check"

const char *iag_pin_dir(void)
{
	const char *d = getenv("IAG_PIN_DIR");

	return d && *d ? d : IAG_PIN_DIR;
}

const char *iag_probe_tracepoint_name(unsigned int i)
{
	return i < sizeof(tracepoints) / sizeof(tracepoints[0]) ? tracepoints[i] : NULL;
}

bool iag_probe_has_tracepoint(const struct iag_probe *p, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(tracepoints) / sizeof(tracepoints[0]); i++)
		if (!strcmp(name, tracepoints[i]))
			return p->tp_mask & (1U << i);
	return false;
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

/* /proc/kallsyms: "addr type name [mod]". 1, 0, -1 unreadable. */
static int kallsyms_has(const char *sym)
{
	char line[512], name[256];
	FILE *f = fopen("/proc/kallsyms", "re");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*c %255s", name) == 1 && !strcmp(name, sym)) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
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

/* Load "r0 = 0; exit" as fmod_ret on the hook: what the verifier says. */
static int try_fmod_ret(int btf_id, char *err, size_t len)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[4096] = "";
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_MODIFY_RETURN,
		    .attach_btf_id = btf_id,
		    .log_buf = log,
		    .log_size = sizeof(log),
		    .log_level = 1);
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "iag_probe", "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), &opts);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	{
		int e = errno;
		char *nl;

		/* The verifier's reason is the last non-empty log line. */
		while ((nl = strrchr(log, '\n')) && nl[1] == 0)
			*nl = 0;
		nl = strrchr(log, '\n');
		snprintf(err, len, "%s%s%s", strerror(e), log[0] ? ": " : "",
			 nl ? nl + 1 : log);
	}
	return 0;
}

void iag_probe_kernel(struct iag_probe *p, bool want_fmod_ret)
{
	struct utsname u;
	struct statfs sfs;
	struct btf *btf;
	size_t i;
	int r;

	memset(p, 0, sizeof(*p));
	p->hook_errinj = -1;
	p->fmod_ret = -1;
	if (!uname(&u))
		snprintf(p->release, sizeof(p->release), "%s", u.release);

	btf = btf__load_vmlinux_btf();
	if (libbpf_get_error(btf))
		btf = NULL;
	p->btf = btf != NULL;

	r = kallsyms_has("__i2c_transfer");
	p->i2c_core = r > 0 ||
		(btf && btf__find_by_name_kind(btf, "__i2c_transfer", BTF_KIND_FUNC) > 0);

	if (btf) {
		char name[128];
		int id;

		for (i = 0; i < sizeof(tracepoints) / sizeof(tracepoints[0]); i++) {
			snprintf(name, sizeof(name), "btf_trace_%s", tracepoints[i]);
			if (btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0) {
				p->n_tracepoints++;
				p->tp_mask |= 1U << i;
			}
		}
		/* xfer, smbus_xfer, result: enough to watch atomic mode. */
		p->tp_core = (p->tp_mask & 7) == 7;
		p->tracepoints = p->n_tracepoints ==
				 (int)(sizeof(tracepoints) / sizeof(tracepoints[0]));
		id = btf__find_by_name_kind(btf, HOOK, BTF_KIND_FUNC);
		p->hook = id > 0;
		if (p->hook) {
			r = file_has_word("/sys/kernel/debug/error_injection/list", HOOK);
			p->hook_errinj = r;
			if (want_fmod_ret)
				p->fmod_ret = try_fmod_ret(id, p->fmod_ret_err,
							   sizeof(p->fmod_ret_err));
		}
	}
	/* kprobe at the entry, fexit (needs the function in BTF) at the end. */
	p->kprobe = p->i2c_core && traceable("__i2c_transfer") > 0 &&
		    traceable("__i2c_smbus_xfer") > 0 && btf &&
		    btf__find_by_name_kind(btf, "__i2c_transfer", BTF_KIND_FUNC) > 0 &&
		    btf__find_by_name_kind(btf, "__i2c_smbus_xfer", BTF_KIND_FUNC) > 0;
	p->bpffs = !statfs("/sys/fs/bpf", &sfs) && (unsigned long)sfs.f_type == BPF_FS_MAGIC_NR;
	read_lockdown(p->lockdown, sizeof(p->lockdown));
	read_caps(p);
	p->atomic_log = !access("/sys/module/i2c_core/parameters/atomic_log", F_OK);
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
	if (p->hook_errinj == 0)
		return "i2c_atomic_xfer_check is not on the error-injection list (CONFIG_FUNCTION_ERROR_INJECTION=y needed): cannot enforce";
	if (p->fmod_ret == 0) {
		static char buf[256];

		snprintf(buf, sizeof(buf),
			 "kernel refuses an fmod_ret program on i2c_atomic_xfer_check (%s): cannot enforce",
			 p->fmod_ret_err);
		return buf;
	}
	return NULL;
}
