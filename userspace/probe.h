/* SPDX-License-Identifier: GPL-2.0-only */
/* What the running kernel supports: BTF, the patch, hooks, kprobes, bpffs. */
#ifndef IAG_PROBE_H
#define IAG_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include "session.h"

#define IAG_PIN_DIR	"/sys/fs/bpf/i2c-atomic-guard"

/* The pin directory: $IAG_PIN_DIR if set (tests, a second bpffs), else IAG_PIN_DIR. */
const char *iag_pin_dir(void);

struct iag_probe {
	char release[128];	/* uname -r */
	bool btf;		/* /sys/kernel/btf/vmlinux loads */
	bool i2c_core;		/* __i2c_transfer in kallsyms or BTF */
	int n_tracepoints;	/* transfer events found (of IAG_PROBE_N_SERIES_TP) */
	unsigned int tp_mask;	/* bit i: iag_probe_tracepoint_name(i) found */
	bool tracepoints;	/* all of them */
	bool tp_core;		/* at least xfer, smbus_xfer and result */
	bool bus_events;	/* i2c_atomic_bus_stuck and _bus_recovery (patch 8) */
	bool hook;		/* i2c_atomic_xfer_check in BTF */
	int hook_errinj;	/* in error_injection/list: 1, 0, -1 unknown */
	int fmod_ret;		/* an fmod_ret program loads on it: 1, 0, -1 not tried */
	char fmod_ret_err[256];	/* why not */
	int trampolines;	/* an fentry attaches to __i2c_transfer: 1, 0, -1 not tried */
	char trampolines_err[256];	/* why not */
	int smbus_fentry;	/* an fentry attaches to __i2c_smbus_xfer (7 args): 1, 0, -1 not tried */
	bool kprobe;		/* __i2c_transfer and __i2c_smbus_xfer traceable */
	bool bpffs;		/* bpffs mounted at /sys/fs/bpf */
	char lockdown[32];	/* "none", "integrity", "confidentiality", "" */
	bool cap_sys_admin, cap_bpf, cap_perfmon;
	bool atomic_log;	/* /sys/module/i2c_core/parameters/atomic_log */
	bool i2c_module_btf;	/* the i2c core is a module with its own BTF */
	int tp_gen;		/* 0 no tracepoints, 1 first series, 2 with state args */
	bool refused_tp;	/* i2c_atomic_refused (second series) */
	bool kprobe_probed;	/* the kprobe-mode facts below were gathered */
	bool system_state_sym;	/* system_state in /proc/kallsyms (KALLSYMS_ALL) */
	unsigned long long system_state_addr;	/* its address, for the programs */
	/* Kernel config the programs need (their __kconfig externs). */
	bool preempt_count;	/* CONFIG_PREEMPT_COUNT */
	bool preempt_rcu;	/* CONFIG_PREEMPT_RCU */
	char kconfig_src[300];	/* where they came from: a file, or "BTF" */
};

/* The series' events: the 8 transfer events first, then the stuck-bus pair. */
#define IAG_PROBE_N_TRACEPOINTS	10
#define IAG_PROBE_N_SERIES_TP	8
/* "i2c_atomic_xfer", ...: the i-th event of the patch series, or NULL. */
const char *iag_probe_tracepoint_name(unsigned int i);
/* n_tracepoints, tp_core, tracepoints, refused_tp, bus_events from tp_mask, tp_gen. */
void iag_probe_tp_summary(struct iag_probe *p);
/* Is the i2c_atomic event @name in the kernel's BTF? */
bool iag_probe_has_tracepoint(const struct iag_probe *p, const char *name);

/* What iag_probe_kernel() finds out besides the basics (BTF, tracepoints, hook). */
#define IAG_PROBE_FMOD_RET	1U	/* whether an fmod_ret program loads on the hook, and
					 * whether it is on the error-injection list */
#define IAG_PROBE_KPROBE	2U	/* kprobe mode's: system_state, trampolines (always
					 * without the second series' tracepoints) */
#define IAG_PROBE_TRACEABLE	4U	/* with KPROBE: the ftrace lists too (status) */

/* Fill @p; never fails (unknowns are reported as such). */
void iag_probe_kernel(struct iag_probe *p, unsigned int what);
/* The IAG_PROBE_KPROBE facts, if @p does not have them yet (a fallback to kprobe mode). */
void iag_probe_kprobe_mode(struct iag_probe *p);

/* The mode a session would use for @want; NULL *why if possible. */
enum iag_mode iag_probe_pick_mode(const struct iag_probe *p, enum iag_mode want,
				  const char **why);
/* NULL if the kernel can watch at all, else the reason. */
const char *iag_probe_watch_blocker(const struct iag_probe *p);
/* "CONFIG_PREEMPT_COUNT=y\nCONFIG_PREEMPT_RCU=n\n": libbpf's kconfig option. */
const char *iag_probe_kconfig_text(const struct iag_probe *p, char *buf, size_t len);

/* NULL if the kernel can enforce, else the exact reason. */
const char *iag_probe_enforce_blocker(const struct iag_probe *p);

#endif
