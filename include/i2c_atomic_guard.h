/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * i2c-atomic-guard: the ABI shared by the BPF programs and the command.
 *
 * Fixed-size types only, no logic. Bump IAG_ABI_VERSION on any change to a
 * structure or an enum below: the BPF object carries the version in its
 * .rodata and the command refuses an object built for another one.
 */
#ifndef I2C_ATOMIC_GUARD_H
#define I2C_ATOMIC_GUARD_H

#include <linux/types.h>

#define IAG_ABI_VERSION		4

#define IAG_MAX_STACK		32	/* kernel frames kept per violation */
/*
 * Frames (below the probe's own) that make a stack's id in the aggregates
 * key: the code path into the I2C core. Deeper frames (in a hard IRQ: the
 * code it interrupted) would make every event of a storm a key of its own.
 */
#define IAG_KEY_FRAMES		8
/* A key stack: IAG_KEY_FRAMES and the probe's own (at most 4). */
#define IAG_KEY_STACK		(IAG_KEY_FRAMES + 4)
#define IAG_MAX_PATH		8	/* adapters from the leaf to the root */
#define IAG_COMM_LEN		16
#define IAG_ADDR_ANY		0xffff	/* adapter-wide allowlist key */
#define IAG_NO_RULE		0xffffffffu

/*
 * Each enum is an X-macro list that keeps a value next to its JSON name, as
 * the kernel's trace headers keep theirs with EM()/EMe(). The enum is made
 * here with IAG_ENUM; userspace makes its name table from the same list
 * (IAG_NAME, userspace/util.h). A value follows from its place in the list:
 * new ones go at the end.
 */
#define IAG_ENUM(val, name)	val,

/* What happened; the JSON "kind". */
#define IAG_KINDS(X)							\
	/* transfer in atomic mode */					\
	X(IAG_KIND_ATOMIC_XFER,		"atomic_xfer")			\
	/* atomic context, system running */				\
	X(IAG_KIND_ATOMIC_CONTEXT_XFER,	"atomic_context_xfer")		\
	/* atomic mode, bus lock held: -EAGAIN */			\
	X(IAG_KIND_LOCK_BUSY,		"lock_busy")			\
	/* atomic mode, adapter cannot */				\
	X(IAG_KIND_NO_ATOMIC_HANDLER,	"no_atomic_handler")		\
	/* refused by the enforce program */				\
	X(IAG_KIND_DENIED,		"denied")			\
	/* refused by the core before the start event */		\
	X(IAG_KIND_REFUSED,		"refused")			\
	/* atomic mode: bus found stuck before a transfer */		\
	X(IAG_KIND_BUS_STUCK,		"bus_stuck")			\
	/* the end of the recovery the core tried on it */		\
	X(IAG_KIND_BUS_RECOVERY,	"bus_recovery")

enum iag_kind {
	IAG_KIND_NONE = 0,		/* no event has it; has no name */
	IAG_KINDS(IAG_ENUM)
	IAG_KIND_MAX,
};

/* The JSON "verdict". */
#define IAG_VERDICTS(X)							\
	X(IAG_VERDICT_ALLOWED,		"allowed")			\
	X(IAG_VERDICT_VIOLATION,	"violation")			\
	X(IAG_VERDICT_DENIED,		"denied")

enum iag_verdict {
	IAG_VERDICT_NONE = 0,		/* not decided yet; has no name */
	IAG_VERDICTS(IAG_ENUM)
	IAG_VERDICT_MAX,
};

/* Which adapter callback serves the transfer; the JSON "callback". */
#define IAG_CALLBACKS(X)						\
	/* the sleeping handler runs */					\
	X(IAG_CB_NONE,			"none")				\
	X(IAG_CB_XFER_ATOMIC,		"xfer_atomic")			\
	X(IAG_CB_SMBUS_XFER_ATOMIC,	"smbus_xfer_atomic")		\
	/* SMBus over master_xfer_atomic */				\
	X(IAG_CB_SMBUS_EMULATED,	"smbus_emulated")		\
	/* stock kernel: not visible */					\
	X(IAG_CB_UNKNOWN,		"unknown")

enum iag_callback {
	IAG_CALLBACKS(IAG_ENUM)
	IAG_CB_MAX,
};

/*
 * What the core does about a stuck bus: the kernel's enum
 * i2c_atomic_recovery (include/trace/events/i2c_atomic.h, patch 8) and its
 * names (recovery= of the printed events), same values; the JSON
 * "recovery".
 */
#define IAG_RECOVERIES(X)						\
	/* the generic SCL recovery runs */				\
	X(IAG_RECOVERY_TRIED,		"tried")			\
	/* none: the driver's own recover_bus() */			\
	X(IAG_RECOVERY_DRIVER,		"driver_recovery")		\
	/* none: pinctrl or prepare/unprepare hooks */			\
	X(IAG_RECOVERY_HOOKS,		"sleeping_hooks")		\
	/* none: a recovery GPIO can sleep */				\
	X(IAG_RECOVERY_GPIO_CANSLEEP,	"gpio_cansleep")		\
	/* none: driver callbacks, no atomic transfer callback */	\
	X(IAG_RECOVERY_NO_ATOMIC_XFER,	"no_atomic_xfer")		\
	/* a value this ABI does not know */				\
	X(IAG_RECOVERY_UNKNOWN,		"unknown")

enum iag_recovery {
	IAG_RECOVERIES(IAG_ENUM)
	IAG_RECOVERY_MAX,
};

/* enum system_states of include/linux/kernel.h, 6.12 order. */
#define IAG_STATES(X)							\
	X(IAG_STATE_BOOTING,		"booting")			\
	X(IAG_STATE_SCHEDULING,		"scheduling")			\
	X(IAG_STATE_FREEING_INITMEM,	"freeing_initmem")		\
	X(IAG_STATE_RUNNING,		"running")			\
	X(IAG_STATE_HALT,		"halt")				\
	X(IAG_STATE_POWER_OFF,		"power_off")			\
	X(IAG_STATE_RESTART,		"restart")			\
	X(IAG_STATE_SUSPEND,		"suspend")

enum iag_system_state {
	IAG_STATES(IAG_ENUM)
	IAG_STATE_MAX,
};

/* Per-CPU counters, an array map indexed by these; the summary's names. */
#define IAG_COUNTERS(X)							\
	/* outermost transfers and failure events seen */		\
	X(IAG_CNT_SEEN,			"seen")				\
	X(IAG_CNT_ALLOWED,		"allowed")			\
	X(IAG_CNT_VIOLATIONS,		"violations")			\
	X(IAG_CNT_DENIED,		"denied")			\
	/* ring buffer full: record lost, counted */			\
	X(IAG_CNT_DROPPED,		"dropped")			\
	/* inner levels of mux / emulated transfers */			\
	X(IAG_CNT_NESTED,		"nested")			\
	/* buses found stuck (bus_stuck events) */			\
	X(IAG_CNT_BUS_STUCK,		"bus_stuck")			\
	/* recoveries that freed the bus (ret 0) */			\
	X(IAG_CNT_BUS_RECOVERED,	"bus_recovered")			\
	/* repeats counted in the aggregates map, not sent as records */ \
	X(IAG_CNT_AGGREGATED,		"aggregated")

enum iag_counter {
	IAG_COUNTERS(IAG_ENUM)
	IAG_CNT_MAX,
};

/* Ring buffer record. */
struct iag_event {
	__u32 abi_version;
	__u8 kind;		/* enum iag_kind */
	__u8 verdict;		/* enum iag_verdict */
	__u8 callback;		/* enum iag_callback */
	__u8 system_state;	/* enum iag_system_state */
	__u64 ts_ns;		/* bpf_ktime_get_boot_ns() */
	__s32 adapter;		/* leaf adapter number */
	__u16 addr;
	__u16 flags;		/* first message's flags, or SMBus flags */
	__s32 ret;		/* result of the transfer, or the errno */
	__u32 pid;
	__u32 preempt_count;	/* as the caller had it */
	__u32 rule_id;		/* allowlist value, or IAG_NO_RULE */
	__u8 irqs_disabled;	/* 0, 1, or 2 = unknown */
	__u8 path_len;		/* entries used in adapter_path */
	__u8 is_smbus;
	__u8 smbus_protocol;
	__u8 smbus_command;
	__u8 smbus_read;
	__u16 msg_count;
	__s32 adapter_path[IAG_MAX_PATH];	/* leaf first, root last */
	__u32 stack_len;	/* entries used in stack */
	/* bus_stuck: the lines before; bus_recovery: after (-1: unreadable) */
	__s8 scl;
	__s8 sda;
	__u8 recovery;		/* bus_stuck: enum iag_recovery */
	__u8 pulses;		/* bus_recovery: SCL pulses given (at most 9) */
	__u32 first_of_aggregate;	/* 1: its repeats go to the aggregates map */
	__u32 pad;
	/*
	 * The stack's id: a hash of its top frames (the stacks map holds
	 * them), never 0; 0 when there is no key (no stack asked for, or not
	 * aggregating).
	 */
	__u64 stack_key;
	__u64 stack[IAG_MAX_STACK];
	char comm[IAG_COMM_LEN];
};

/*
 * In-kernel aggregation (issue 13): the first violation or denial of each
 * key is a record; its repeats only add to the key's value in the
 * aggregates hash map, which userspace reads once per batch. A storm, or
 * atomic mode where userspace cannot read, then loses nothing: every key
 * has its exact count. The key is the record's fields that userspace shows
 * per device and stack.
 */
struct iag_agg_key {
	__u64 stack_key;	/* iag_event.stack_key */
	__s32 adapter;
	__u16 addr;
	__u16 flags;		/* IAG_KEY_TEN or 0 */
	__u8 kind;
	__u8 verdict;
	__u8 system_state;
	__u8 callback;
	__u32 pad;
};

/* The stacks map's value: a key stack's frames, zero after the last. */
struct iag_key_stack {
	__u64 ip[IAG_KEY_STACK];
};

struct iag_agg_val {
	__u64 count;		/* repeats: events of this key after its record */
	__u64 first_ns;		/* ts_ns of the first repeat, 0 while none */
	__u64 last_ns;		/* ts_ns of the latest repeat */
	__u32 first_lost;	/* the key's first record did not fit in the ring */
	__u32 pad;
};

/* key.flags: the kernel's I2C_M_TEN (message flags) == I2C_CLIENT_TEN (SMBus flags). */
#define IAG_KEY_TEN		0x0010

/* Allowlist hash map key: one client address, or IAG_ADDR_ANY. */
struct iag_allow_key {
	__s32 adapter;
	__u16 addr;
	__u16 flags;		/* IAG_KEY_TEN for a 10-bit address, else 0 */
};

struct iag_allow_val {
	__u32 rule_id;		/* index of the policy rule, for reports */
};

/*
 * The allowlist is a one-slot array of maps (key 0) holding a hash map of
 * iag_allow_key -> iag_allow_val: a new policy is built in a new inner map
 * and swapped in with one update, so no program ever sees a mix.
 */
#define IAG_ALLOW_SLOT		0

/*
 * What a pinned set is: one entry (key 0) of the pinned "info" array map,
 * so that `bpftool map dump pinned .../info` shows it.
 */
#define IAG_PIN_VERSION		1	/* layout of the pin directory */
#define IAG_PIN_PATH_LEN	256
#define IAG_PIN_MODE_OVERRIDE	0x1	/* loaded with --override-mode */
#define IAG_PIN_INSECURE	0x2	/* loaded with --insecure-policy */

struct iag_pin_info {
	__u32 abi_version;	/* IAG_ABI_VERSION of the programs pinned */
	__u32 pin_version;	/* IAG_PIN_VERSION */
	__u64 generation;	/* bumped by every pin or upgrade */
	__u32 flags;		/* IAG_PIN_* */
	__u32 n_keys;		/* keys in the allowlist now */
	char tool_version[32];
	char policy_path[IAG_PIN_PATH_LEN];	/* absolute; for `policy refresh` */
};

#endif /* I2C_ATOMIC_GUARD_H */
