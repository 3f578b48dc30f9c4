// SPDX-License-Identifier: GPL-2.0-only
/* status: what the running kernel supports, what is pinned. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <jansson.h>
#include <unistd.h>

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

int do_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *mode_why, *enf_why, *tp_why;
	struct verified v;
	struct iag_probe p;
	enum iag_mode mode;
	json_t *pinned, *loaded;
	size_t n_tp, n_kp, n_enf;
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			iag_json = true;
			break;
		case 'h':
			status_usage(stdout);
			return IAG_EXIT_OK;
		default:
			status_usage(stderr);
			return IAG_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		iag_err("status: unexpected argument '%s'", argv[optind]);
		return IAG_EXIT_USAGE;
	}

	iag_probe_kernel(&p, true);
	mode = iag_probe_pick_mode(&p, IAG_MODE_AUTO, &mode_why);
	/* Why not tracepoint mode, when auto falls back to kprobes. */
	iag_probe_pick_mode(&p, IAG_MODE_TRACEPOINT, &tp_why);
	enf_why = iag_probe_enforce_blocker(&p);
	/* A mode counts only once the verifier took its programs here. */
	verify_modes(&p, &v);
	if (!mode_why && mode == IAG_MODE_TRACEPOINT && v.tp) {
		tp_why = v.tp_why;
		mode = IAG_MODE_KPROBE;
		mode_why = v.kp == 0 ? NULL : v.kp == 1 ? v.tp_why : v.kp_why;
	} else if (!mode_why && mode == IAG_MODE_KPROBE && v.kp) {
		mode_why = v.kp_why;
	}
	if (!enf_why && v.enf)
		enf_why = v.enf_why;
	pinned = pinned_list();
	loaded = loaded_list();
	/* One session loads exactly one tp_result or kp_xfer_ret. */
	n_tp = count_named(loaded, "tp_result") + count_named(loaded, "tp2_result");
	n_kp = count_named(loaded, "kp_xfer_ret");
	n_enf = count_named(loaded, "enforce_check");

	if (iag_json) {
		json_t *o = json_object();
		char *s;

		json_object_set_new(o, "kernel", json_string(p.release));
		json_object_set_new(o, "btf", json_boolean(p.btf));
		json_object_set_new(o, "i2c_core", json_boolean(p.i2c_core));
		json_object_set_new(o, "tracepoints", json_boolean(p.tracepoints));
		json_object_set_new(o, "tracepoints_found", json_integer(p.n_tracepoints));
		{
			json_t *tps = json_array();

			for (i = 0; i < IAG_PROBE_N_TRACEPOINTS; i++)
				if (p.tp_mask & (1U << i))
					json_array_append_new(tps, json_string(iag_probe_tracepoint_name(i)));
			json_object_set_new(o, "tracepoint_events", tps);
		}
		json_object_set_new(o, "enforce_hook", json_boolean(p.hook));
		json_object_set_new(o, "error_injection", tri_json(p.hook_errinj));
		json_object_set_new(o, "fmod_ret", tri_json(p.fmod_ret));
		json_object_set_new(o, "trampolines", tri_json(p.trampolines));
		json_object_set_new(o, "trampolines_reason", p.trampolines == 0 ?
				    json_string(p.trampolines_err) : json_null());
		json_object_set_new(o, "kprobe", json_boolean(p.kprobe));
		json_object_set_new(o, "bpffs", json_boolean(p.bpffs));
		json_object_set_new(o, "lockdown", p.lockdown[0] ? json_string(p.lockdown) : json_null());
		json_object_set_new(o, "cap_sys_admin", json_boolean(p.cap_sys_admin));
		json_object_set_new(o, "cap_bpf", json_boolean(p.cap_bpf));
		json_object_set_new(o, "cap_perfmon", json_boolean(p.cap_perfmon));
		json_object_set_new(o, "atomic_log_switch", json_boolean(p.atomic_log));
		json_object_set_new(o, "audit_mode", mode_why ? json_null() : json_string(iag_mode_name(mode)));
		json_object_set_new(o, "audit_unavailable", mode_why ? json_string(mode_why) : json_null());
		json_object_set_new(o, "audit_mode_reason",
				    !mode_why && mode == IAG_MODE_KPROBE && tp_why ?
				    json_string(tp_why) : json_null());
		json_object_set_new(o, "callback_kind", json_boolean(!mode_why && mode == IAG_MODE_TRACEPOINT));
		json_object_set_new(o, "enforce", json_boolean(!enf_why));
		json_object_set_new(o, "enforce_unavailable", enf_why ? json_string(enf_why) : json_null());
		json_object_set_new(o, "pin_dir", json_string(iag_pin_dir()));
		json_object_set_new(o, "pinned", pinned);
		json_object_set_new(o, "pin_info", pin_info_json());
		json_object_set_new(o, "tracepoint_series", json_integer(p.tp_gen));
		json_object_set_new(o, "i2c_module_btf", json_boolean(p.i2c_module_btf));
		json_object_set_new(o, "system_state_symbol", json_boolean(p.system_state_sym));
		json_object_set_new(o, "kconfig", json_pack("{s:b, s:b, s:s}",
				    "preempt_count", p.preempt_count, "preempt_rcu",
				    p.preempt_rcu, "source", p.kconfig_src));
		json_object_set_new(o, "verified", json_pack("{s:o, s:o, s:o}",
				    "tracepoint", verified_json(v.tp, v.tp_why),
				    "kprobe", verified_json(v.kp, v.kp_why),
				    "enforce", verified_json(v.enf, v.enf_why)));
		json_object_set_new(o, "loaded", loaded);
		json_object_set_new(o, "sessions_tracepoint", json_integer(n_tp));
		json_object_set_new(o, "sessions_kprobe", json_integer(n_kp));
		json_object_set_new(o, "enforcing", json_boolean(n_enf > 0));
		s = json_dumps(o, JSON_COMPACT);
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(o);
		return IAG_EXIT_OK;
	}

	printf("kernel:        %s\n", p.release);
	printf("btf:           %s\n", p.btf ? "yes (/sys/kernel/btf/vmlinux)" : "no");
	printf("i2c core:      %s\n", yesno(p.i2c_core));
	printf("tracepoints:   %s (%d of %d i2c_atomic events", p.tracepoints ? "yes" :
	       p.tp_core ? "partly" : "no", p.n_tracepoints, IAG_PROBE_N_TRACEPOINTS);
	if (p.n_tracepoints && !p.tracepoints) {
		const char *sep = "; missing: ";

		for (i = 0; i < IAG_PROBE_N_TRACEPOINTS; i++) {
			if (p.tp_mask & (1U << i))
				continue;
			printf("%s%s", sep, iag_probe_tracepoint_name(i));
			sep = ", ";
		}
	}
	printf(")\n");
	printf("enforce hook:  %s", p.hook ? "yes (i2c_atomic_xfer_check)" : "no");
	if (p.hook)
		printf(", error injection: %s, fmod_ret: %s%s%s", tri(p.hook_errinj),
		       tri(p.fmod_ret), p.fmod_ret == 0 ? ": " : "",
		       p.fmod_ret == 0 ? p.fmod_ret_err : "");
	printf("\n");
	printf("kprobe:        %s (__i2c_transfer, __i2c_smbus_xfer)\n", yesno(p.kprobe));
	printf("trampolines:   %s%s\n", p.trampolines == 1 ?
	       "yes (fentry/fexit in kprobe mode, fmod_ret for enforce)" :
	       p.trampolines == 0 ? "no, kprobe pairs instead: " : "unknown",
	       p.trampolines == 0 ? p.trampolines_err : "");
	printf("series:        %s\n", p.tp_gen == 2 ? "second (state, interrupts, preempt count in the events)" :
	       p.tp_gen == 1 ? "first (the programs read state and preempt count)" : "none");
	printf("kernel config: PREEMPT_COUNT=%c PREEMPT_RCU=%c (from %s)%s\n",
	       p.preempt_count ? 'y' : 'n', p.preempt_rcu ? 'y' : 'n', p.kconfig_src,
	       p.i2c_module_btf ? "; i2c core in module BTF" : "");
	printf("verified:      tracepoint %s, kprobe %s, enforce %s (loaded, not attached)\n",
	       v.tp == 0 ? "loads" : v.tp == 1 ? "not tried" : "refused",
	       v.kp == 0 ? "loads" : v.kp == 1 ? "not tried" : "refused",
	       v.enf == 0 ? "loads" : v.enf == 1 ? "not tried" : "refused");
	printf("bpffs:         %s\n", p.bpffs ? "mounted at /sys/fs/bpf" : "not mounted at /sys/fs/bpf");
	printf("lockdown:      %s\n", p.lockdown[0] ? p.lockdown : "unknown (no securityfs)");
	printf("capabilities:  %s%s%s\n", p.cap_sys_admin ? "CAP_SYS_ADMIN " : "",
	       p.cap_bpf ? "CAP_BPF " : "", p.cap_perfmon ? "CAP_PERFMON" : "");
	printf("log switch:    %s\n", p.atomic_log ?
	       "yes (/sys/module/i2c_core/parameters/atomic_log)" : "no");
	if (mode_why)
		printf("audit:         unavailable: %s\n", mode_why);
	else
		printf("audit:         %s mode%s%s%s\n", iag_mode_name(mode),
		       mode == IAG_MODE_KPROBE && tp_why ? ": " : "",
		       mode == IAG_MODE_KPROBE && tp_why ? tp_why : "",
		       mode == IAG_MODE_KPROBE ?
		       " (callback kind from the adapter, no lock_busy/no_handler events)" : "");
	if (enf_why)
		printf("enforce:       unavailable: %s\n", enf_why);
	else
		printf("enforce:       available\n");
	if (!json_array_size(pinned)) {
		printf("pinned:        nothing under %s\n", iag_pin_dir());
	} else {
		printf("pinned:        %s/", iag_pin_dir());
		for (i = 0; i < json_array_size(pinned); i++)
			printf("%s%s", i ? ", " : "",
			       json_string_value(json_array_get(pinned, i)));
		printf("\n");
		{
			struct iag_pin_info pi;

			if (!iag_pin_info_read(&pi))
				printf("pin info:      abi %u, pin layout %u, generation %llu, %u keys from %s%s\n",
				       pi.abi_version, pi.pin_version,
				       (unsigned long long)pi.generation, pi.n_keys,
				       pi.policy_path[0] ? pi.policy_path : "(none)",
				       pi.flags & IAG_PIN_MODE_OVERRIDE ? " (--override-mode)" : "");
		}
	}
	if (!json_array_size(loaded))
		printf("loaded:        no i2c-atomic-guard programs\n");
	else
		printf("loaded:        %zu programs: %zu tracepoint session%s, %zu kprobe session%s, %s\n",
		       json_array_size(loaded), n_tp, n_tp == 1 ? "" : "s", n_kp,
		       n_kp == 1 ? "" : "s", n_enf ? "enforcing" : "not enforcing");
	json_decref(pinned);
	json_decref(loaded);
	return IAG_EXIT_OK;
}
