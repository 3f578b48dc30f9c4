// SPDX-License-Identifier: GPL-2.0-only
/* status: what the running kernel supports, what is pinned. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <jansson.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "pins.h"
#include "probe.h"
#include "session.h"
#include "util.h"

static void status_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s status [--json]\n"
		"\n"
		"Show what the running kernel supports (BTF, the i2c_atomic tracepoints\n"
		"of the patch series, the enforcement hook, the kprobe fallback, bpffs,\n"
		"lockdown), the mode audit would use, and what is pinned under\n"
		IAG_PIN_DIR "/.\n"
		"\n"
		"Options:\n"
		"  -j, --json   one JSON object\n"
		"  -h, --help   this help\n"
		"\n"
		"Example:\n"
		"  %s status --json\n", iag_prog, iag_prog);
}

static const char *yesno(bool b)
{
	return b ? "yes" : "no";
}

static const char *tri(int v)
{
	return v > 0 ? "yes" : v == 0 ? "no" : "unknown";
}

static json_t *tri_json(int v)
{
	return v < 0 ? json_null() : json_boolean(v > 0);
}

/* Names pinned under the pin directory. */
static json_t *pinned_list(void)
{
	json_t *arr = json_array();
	struct dirent *de;
	DIR *d = opendir(iag_pin_dir());

	if (!d)
		return arr;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		json_array_append_new(arr, json_string(de->d_name));
	}
	closedir(d);
	return arr;
}

/* Our program names, as the kernel keeps them (BPF_OBJ_NAME_LEN - 1). */
static const char *const our_progs[] = {
	"tp_xfer", "tp_smbus_xfer", "tp_result", "tp_lock_busy", "tp_no_handler",
	"tp_context_xfer", "tp_denied", "enforce_check", "kp_xfer",
	"kp_smbus_xfer", "kp_xfer_ret", "kp_smbus_xfer_ret", "kp_xfer_flags",
	"kp_smbus_xfer_flags", "tp2_xfer", "tp2_smbus_xfer", "tp2_result",
	"tp2_lock_busy", "tp2_no_handler", "tp2_ctx_xfer", "tp2_denied", "tp2_refused",
	"kps_smbus_xfer", "kps_smbus_xfer_ret", "kp_calib", "kp_calib_ret",
	"kpt_xfer", "kpt_xfer_ret",
};

/* Which modes the verifier takes on this kernel (loaded, not attached). */
struct verified {
	int tp, kp, enf;		/* 0 loads, else -errno; 1 not tried */
	char tp_why[512], kp_why[512], enf_why[512];
};

static void verify_modes(const struct iag_probe *p, struct verified *v)
{
	const char *why;

	v->tp = v->kp = v->enf = 1;
	iag_probe_pick_mode(p, IAG_MODE_TRACEPOINT, &why);
	if (!why)
		v->tp = iag_session_try_load(p, IAG_MODE_TRACEPOINT, false, v->tp_why,
					     sizeof(v->tp_why));
	iag_probe_pick_mode(p, IAG_MODE_KPROBE, &why);
	if (!why)
		v->kp = iag_session_try_load(p, IAG_MODE_KPROBE, false, v->kp_why,
					     sizeof(v->kp_why));
	if (!iag_probe_enforce_blocker(p))
		v->enf = iag_session_try_load(p, IAG_MODE_TRACEPOINT, true, v->enf_why,
					      sizeof(v->enf_why));
}

static json_t *verified_json(int r, const char *why)
{
	if (r == 1)
		return json_null();
	return json_pack("{s:b, s:o}", "loads", r == 0, "reason",
			 r ? json_string(why) : json_null());
}

static json_t *pin_info_json(void)
{
	struct iag_pin_info pi;

	if (iag_pin_info_read(&pi))
		return json_null();
	return json_pack("{s:i, s:i, s:I, s:s, s:s, s:i, s:b, s:b}", "abi_version",
			 (int)pi.abi_version, "pin_version", (int)pi.pin_version,
			 "generation", (json_int_t)pi.generation, "tool_version",
			 pi.tool_version, "policy", pi.policy_path, "keys", (int)pi.n_keys,
			 "override_mode", !!(pi.flags & IAG_PIN_MODE_OVERRIDE),
			 "insecure_policy", !!(pi.flags & IAG_PIN_INSECURE));
}

static bool is_ours(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(our_progs) / sizeof(our_progs[0]); i++)
		if (!strncmp(name, our_progs[i], BPF_OBJ_NAME_LEN - 1))
			return true;
	return false;
}

/* Our programs loaded in the kernel now: [{"id":N,"name":"tp_xfer"}...]. */
static json_t *loaded_list(void)
{
	json_t *arr = json_array();
	__u32 id = 0;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && is_ours(info.name)) {
			json_t *o = json_object();

			json_object_set_new(o, "id", json_integer(id));
			json_object_set_new(o, "name", json_string(info.name));
			json_array_append_new(arr, o);
		}
		close(fd);
	}
	return arr;
}

static size_t count_named(json_t *loaded, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < json_array_size(loaded); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(loaded, i), "name")), name))
			n++;
	return n;
}

/* Everything status says, gathered before it says any of it. */
struct status {
	struct iag_probe p;
	struct verified v;
	enum iag_mode mode;		/* the mode audit would use */
	const char *mode_why;		/* why audit cannot run at all, or NULL */
	const char *tp_why;		/* why not tracepoint mode, or NULL */
	const char *enf_why;		/* why enforce cannot run, or NULL */
	json_t *pinned, *loaded;	/* pinned_list(), loaded_list() */
	size_t n_tp, n_kp, n_enf;	/* our sessions loaded now, by kind */
};

static void gather(struct status *st)
{
	struct verified *v = &st->v;

	iag_probe_kernel(&st->p, IAG_PROBE_FMOD_RET | IAG_PROBE_KPROBE | IAG_PROBE_TRACEABLE);
	st->mode = iag_probe_pick_mode(&st->p, IAG_MODE_AUTO, &st->mode_why);
	/* Why not tracepoint mode, when auto falls back to kprobes. */
	iag_probe_pick_mode(&st->p, IAG_MODE_TRACEPOINT, &st->tp_why);
	st->enf_why = iag_probe_enforce_blocker(&st->p);
	/* A mode counts only once the verifier took its programs here. */
	verify_modes(&st->p, v);
	if (!st->mode_why && st->mode == IAG_MODE_TRACEPOINT && v->tp) {
		st->tp_why = v->tp_why;
		st->mode = IAG_MODE_KPROBE;
		st->mode_why = v->kp == 0 ? NULL : v->kp == 1 ? v->tp_why : v->kp_why;
	} else if (!st->mode_why && st->mode == IAG_MODE_KPROBE && v->kp) {
		st->mode_why = v->kp_why;
	}
	if (!st->enf_why && v->enf)
		st->enf_why = v->enf_why;
	st->pinned = pinned_list();
	st->loaded = loaded_list();
	/* One session loads exactly one tp_result or kp_xfer_ret. */
	st->n_tp = count_named(st->loaded, "tp_result") + count_named(st->loaded, "tp2_result");
	st->n_kp = count_named(st->loaded, "kp_xfer_ret");
	st->n_enf = count_named(st->loaded, "enforce_check");
}

static json_t *tracepoints_json(const struct iag_probe *p)
{
	json_t *tps = json_array();

	for (unsigned int i = 0; i < IAG_PROBE_N_TRACEPOINTS; i++)
		if (p->tp_mask & (1U << i))
			json_array_append_new(tps, json_string(iag_probe_tracepoint_name(i)));
	return tps;
}

/* What the running kernel offers, and what this process may do with it. */
static void kernel_json(json_t *o, const struct iag_probe *p)
{
	json_object_set_new(o, "kernel", json_string(p->release));
	json_object_set_new(o, "btf", json_boolean(p->btf));
	json_object_set_new(o, "i2c_core", json_boolean(p->i2c_core));
	json_object_set_new(o, "tracepoints", json_boolean(p->tracepoints));
	json_object_set_new(o, "tracepoints_found", json_integer(p->n_tracepoints));
	json_object_set_new(o, "tracepoint_events", tracepoints_json(p));
	json_object_set_new(o, "bus_events", json_boolean(p->bus_events));
	json_object_set_new(o, "enforce_hook", json_boolean(p->hook));
	json_object_set_new(o, "error_injection", tri_json(p->hook_errinj));
	json_object_set_new(o, "fmod_ret", tri_json(p->fmod_ret));
	json_object_set_new(o, "trampolines", tri_json(p->trampolines));
	json_object_set_new(o, "trampolines_reason", p->trampolines == 0 ?
			    json_string(p->trampolines_err) : json_null());
	json_object_set_new(o, "kprobe", json_boolean(p->kprobe));
	json_object_set_new(o, "bpffs", json_boolean(p->bpffs));
	json_object_set_new(o, "lockdown", p->lockdown[0] ? json_string(p->lockdown) : json_null());
	json_object_set_new(o, "cap_sys_admin", json_boolean(p->cap_sys_admin));
	json_object_set_new(o, "cap_bpf", json_boolean(p->cap_bpf));
	json_object_set_new(o, "cap_perfmon", json_boolean(p->cap_perfmon));
	json_object_set_new(o, "atomic_log_switch", json_boolean(p->atomic_log));
}

/* audit records stuck buses: tracepoint mode on a kernel with patch 8's events. */
static bool audit_sees_buses(const struct status *st)
{
	return !st->mode_why && st->mode == IAG_MODE_TRACEPOINT && st->p.bus_events;
}

/* Which command can run here, in which mode, or why not. */
static void modes_json(json_t *o, const struct status *st)
{
	bool kprobe = !st->mode_why && st->mode == IAG_MODE_KPROBE;

	json_object_set_new(o, "audit_mode", st->mode_why ? json_null() :
			    json_string(iag_mode_name(st->mode)));
	json_object_set_new(o, "audit_unavailable", st->mode_why ?
			    json_string(st->mode_why) : json_null());
	json_object_set_new(o, "audit_mode_reason", kprobe && st->tp_why ?
			    json_string(st->tp_why) : json_null());
	json_object_set_new(o, "callback_kind",
			    json_boolean(!st->mode_why && st->mode == IAG_MODE_TRACEPOINT));
	json_object_set_new(o, "audit_bus_events", json_boolean(audit_sees_buses(st)));
	json_object_set_new(o, "enforce", json_boolean(!st->enf_why));
	json_object_set_new(o, "enforce_unavailable", st->enf_why ?
			    json_string(st->enf_why) : json_null());
}

/* The kernel's build: the series it carries, its BTF and config, the verifier. */
static void build_json(json_t *o, const struct status *st)
{
	const struct iag_probe *p = &st->p;

	json_object_set_new(o, "tracepoint_series", json_integer(p->tp_gen));
	json_object_set_new(o, "i2c_module_btf", json_boolean(p->i2c_module_btf));
	json_object_set_new(o, "system_state_symbol", json_boolean(p->system_state_sym));
	json_object_set_new(o, "kconfig", json_pack("{s:b, s:b, s:s}",
			    "preempt_count", p->preempt_count, "preempt_rcu",
			    p->preempt_rcu, "source", p->kconfig_src));
	json_object_set_new(o, "verified", json_pack("{s:o, s:o, s:o}",
			    "tracepoint", verified_json(st->v.tp, st->v.tp_why),
			    "kprobe", verified_json(st->v.kp, st->v.kp_why),
			    "enforce", verified_json(st->v.enf, st->v.enf_why)));
}

/* One JSON object, its keys always in the same order. */
static void print_json(struct status *st)
{
	json_t *o = json_object();
	char *s;

	kernel_json(o, &st->p);
	modes_json(o, st);
	json_object_set_new(o, "pin_dir", json_string(iag_pin_dir()));
	json_object_set(o, "pinned", st->pinned);
	json_object_set_new(o, "pin_info", pin_info_json());
	build_json(o, st);
	json_object_set(o, "loaded", st->loaded);
	json_object_set_new(o, "sessions_tracepoint", json_integer(st->n_tp));
	json_object_set_new(o, "sessions_kprobe", json_integer(st->n_kp));
	json_object_set_new(o, "enforcing", json_boolean(st->n_enf > 0));
	s = json_dumps(o, JSON_COMPACT);
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(o);
}

static void print_tracepoints_text(const struct iag_probe *p)
{
	const char *sep = "; missing: ";

	printf("tracepoints:   %s (%d of %d i2c_atomic events", p->tracepoints ? "yes" :
	       p->tp_core ? "partly" : "no", p->n_tracepoints, IAG_PROBE_N_SERIES_TP);
	for (unsigned int i = 0; p->n_tracepoints && !p->tracepoints &&
	     i < IAG_PROBE_N_SERIES_TP; i++) {
		if (p->tp_mask & (1U << i))
			continue;
		printf("%s%s", sep, iag_probe_tracepoint_name(i));
		sep = ", ";
	}
	printf(")\n");
}

static const char *verified_text(int r)
{
	return r == 0 ? "loads" : r == 1 ? "not tried" : "refused";
}

/* The kernel, the lines in the order of the JSON keys. */
static void print_kernel_text(const struct status *st)
{
	const struct iag_probe *p = &st->p;

	printf("kernel:        %s\n", p->release);
	printf("btf:           %s\n", p->btf ? "yes (/sys/kernel/btf/vmlinux)" : "no");
	printf("i2c core:      %s\n", yesno(p->i2c_core));
	print_tracepoints_text(p);
	printf("enforce hook:  %s", p->hook ? "yes (i2c_atomic_xfer_check)" : "no");
	if (p->hook)
		printf(", error injection: %s, fmod_ret: %s%s%s", tri(p->hook_errinj),
		       tri(p->fmod_ret), p->fmod_ret == 0 ? ": " : "",
		       p->fmod_ret == 0 ? p->fmod_ret_err : "");
	printf("\n");
	printf("kprobe:        %s (__i2c_transfer, __i2c_smbus_xfer)\n", yesno(p->kprobe));
	printf("trampolines:   %s%s\n", p->trampolines == 1 ?
	       "yes (fentry/fexit in kprobe mode, fmod_ret for enforce)" :
	       p->trampolines == 0 ? "no, kprobe pairs instead: " : "unknown",
	       p->trampolines == 0 ? p->trampolines_err : "");
	printf("series:        %s\n", p->tp_gen == 2 ? "second (state, interrupts, preempt count in the events)" :
	       p->tp_gen == 1 ? "first (the programs read state and preempt count)" : "none");
	printf("kernel config: PREEMPT_COUNT=%c PREEMPT_RCU=%c (from %s)%s\n",
	       p->preempt_count ? 'y' : 'n', p->preempt_rcu ? 'y' : 'n', p->kconfig_src,
	       p->i2c_module_btf ? "; i2c core in module BTF" : "");
	printf("verified:      tracepoint %s, kprobe %s, enforce %s (loaded, not attached)\n",
	       verified_text(st->v.tp), verified_text(st->v.kp), verified_text(st->v.enf));
	printf("bpffs:         %s\n", p->bpffs ? "mounted at /sys/fs/bpf" : "not mounted at /sys/fs/bpf");
	printf("lockdown:      %s\n", p->lockdown[0] ? p->lockdown : "unknown (no securityfs)");
	printf("capabilities:  %s%s%s\n", p->cap_sys_admin ? "CAP_SYS_ADMIN " : "",
	       p->cap_bpf ? "CAP_BPF " : "", p->cap_perfmon ? "CAP_PERFMON" : "");
	printf("log switch:    %s\n", p->atomic_log ?
	       "yes (/sys/module/i2c_core/parameters/atomic_log)" : "no");
}

static void print_modes_text(const struct status *st)
{
	bool kprobe = st->mode == IAG_MODE_KPROBE;

	if (st->mode_why)
		printf("audit:         unavailable: %s\n", st->mode_why);
	else
		printf("audit:         %s mode%s%s%s\n", iag_mode_name(st->mode),
		       kprobe && st->tp_why ? ": " : "", kprobe && st->tp_why ? st->tp_why : "",
		       kprobe ? " (callback kind from the adapter, no lock_busy/no_handler events)" : "");
	if (audit_sees_buses(st))
		printf("stuck buses:   seen by audit (i2c_atomic_bus_stuck, i2c_atomic_bus_recovery)\n");
	else
		printf("stuck buses:   not seen by audit: %s\n", !st->p.bus_events ?
		       "kernel without the stuck-bus check (series patch 8)" :
		       "audit would not use tracepoint mode");
	if (st->enf_why)
		printf("enforce:       unavailable: %s\n", st->enf_why);
	else
		printf("enforce:       available\n");
}

static void print_pins_text(const struct status *st)
{
	struct iag_pin_info pi;

	if (!json_array_size(st->pinned)) {
		printf("pinned:        nothing under %s\n", iag_pin_dir());
		return;
	}
	printf("pinned:        %s/", iag_pin_dir());
	for (size_t i = 0; i < json_array_size(st->pinned); i++)
		printf("%s%s", i ? ", " : "", json_string_value(json_array_get(st->pinned, i)));
	printf("\n");
	if (!iag_pin_info_read(&pi))
		printf("pin info:      abi %u, pin layout %u, generation %llu, %u keys from %s%s\n",
		       pi.abi_version, pi.pin_version, (unsigned long long)pi.generation,
		       pi.n_keys, pi.policy_path[0] ? pi.policy_path : "(none)",
		       pi.flags & IAG_PIN_MODE_OVERRIDE ? " (--override-mode)" : "");
}

static void print_loaded_text(const struct status *st)
{
	if (!json_array_size(st->loaded))
		printf("loaded:        no i2c-atomic-guard programs\n");
	else
		printf("loaded:        %zu programs: %zu tracepoint session%s, %zu kprobe session%s, %s\n",
		       json_array_size(st->loaded), st->n_tp, st->n_tp == 1 ? "" : "s", st->n_kp,
		       st->n_kp == 1 ? "" : "s", st->n_enf ? "enforcing" : "not enforcing");
}

int do_status(int argc, char **argv)
{
	static const struct option opts[] = {
		IAG_CLI_OPT_JSON, IAG_CLI_OPT_HELP,
		{ NULL, 0, NULL, 0 },
	};
	struct iag_cli cli;
	struct status st;
	int rc;

	iag_cli_init(&cli, "status", status_usage, 0);
	rc = iag_cli_parse(&cli, argc, argv, "jh", opts, NULL, NULL);
	if (rc < 0)
		rc = iag_cli_no_operands(&cli, argc, argv);
	if (rc >= 0)
		return rc;
	iag_json = cli.json;
	gather(&st);
	if (iag_json) {
		print_json(&st);
	} else {
		print_kernel_text(&st);
		print_modes_text(&st);
		print_pins_text(&st);
		print_loaded_text(&st);
	}
	json_decref(st.pinned);
	json_decref(st.loaded);
	return IAG_EXIT_OK;
}
