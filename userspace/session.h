/* SPDX-License-Identifier: GPL-2.0-only */
/* The BPF session: probe the kernel, open, load, attach, poll, detach. */
#ifndef IAG_SESSION_H
#define IAG_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "../include/i2c_atomic_guard.h"

struct iag_keyset;		/* resolve.h */

enum iag_mode {
	IAG_MODE_AUTO = 0,	/* tracepoint if the kernel has them, else kprobe */
	IAG_MODE_TRACEPOINT,	/* patched kernel: tp_btf on i2c_atomic events */
	IAG_MODE_KPROBE,	/* stock kernel: kprobes on __i2c_transfer & co */
};

struct iag_session_opts {
	enum iag_mode mode;
	bool enforce;		/* attach the fmod_ret program on the hook */
	bool report_all;	/* --all: records for allowed transfers too */
	unsigned int stack_depth;	/* frames per violation, <= IAG_MAX_STACK */
	unsigned int ringbuf_kb;	/* ring buffer size, power of two */
	bool no_aggregate;	/* --no-aggregate: a record for every violation */
	/* The allowlist, filled after the load and before the attach; NULL: empty. */
	const struct iag_keyset *keys;
};

struct iag_counters {
	__u64 v[IAG_CNT_MAX];	/* summed over CPUs */
};

struct iag_session;

typedef int (*iag_event_fn)(const struct iag_event *ev, void *ctx);

/*
 * Open, load, fill the allowlist with opts->keys, attach. On failure returns NULL, sets *exit_code to
 * IAG_EXIT_UNSUPPORTED (kernel lacks it, message says what) or
 * IAG_EXIT_INTERNAL, and has reported the error through iag_err().
 */
struct iag_session *iag_session_open(const struct iag_session_opts *opts,
				     int *exit_code);
/* Replace the whole allowlist in one step; on failure the old one stays whole. */
int iag_session_set_keys(struct iag_session *s, const struct iag_keyset *ks);
/* Poll the ring buffer; calls @fn per record. Returns records or -errno. */
int iag_session_poll(struct iag_session *s, int timeout_ms,
		     iag_event_fn fn, void *ctx);
int iag_session_counters(struct iag_session *s, struct iag_counters *c);
enum iag_mode iag_session_mode(const struct iag_session *s);
/*
 * Pin maps and links under /sys/fs/bpf/i2c-atomic-guard/ (0600), replacing
 * a set pinned before only once this one is attached and pinned; the info
 * map records @policy_path (for `policy refresh`), @flags (IAG_PIN_*) and
 * the key count.
 */
int iag_session_pin(struct iag_session *s, const char *policy_path, __u32 flags,
		    size_t n_keys);
struct iag_probe;
/*
 * Load (verifier, no attach) the programs a session of @mode would: 0, or
 * -errno with @why saying what the kernel refused.
 */
int iag_session_try_load(const struct iag_probe *pr, enum iag_mode mode, bool enforce,
			 char *why, size_t len);
void iag_session_close(struct iag_session *s);
/*
 * The aggregates map (struct iag_agg_key -> struct iag_agg_val), for
 * live_agg.c; -1 when not loaded.
 */
int iag_session_aggregates_fd(const struct iag_session *s);
/*
 * The frames of key stack @id (iag_event.stack_key) from the stacks map
 * into @frames (IAG_MAX_STACK entries): how many, or -errno.
 */
int iag_session_stack(const struct iag_session *s, __u64 id, __u64 *frames);
/*
 * Where the kernel's entry code lies, asked of the kernel (5.16 and later),
 * into *@lo and *@hi and into the programs, which from then on end a key
 * stack at its first frame there (a hard IRQ's entry: below it is the
 * interrupted code). -ENOENT where it cannot be asked: stacks stay whole.
 */
int iag_session_entry_text(struct iag_session *s, unsigned long long *lo,
			   unsigned long long *hi);
/* Records lost by userspace (short or foreign records), not by the kernel. */
unsigned long iag_session_bad_records(const struct iag_session *s);

/* session_opts.c: the options as the command line gives them. */
const char *iag_mode_name(enum iag_mode m);

/*
 * The options audit and enforce share: getopt values for --stack-depth and
 * --ringbuf-kb (--mode is 'm'). iag_session_opt() parses one into @so; it
 * returns 0, or IAG_EXIT_USAGE after saying which value of @cmd was wrong.
 */
enum { IAG_OPT_STACK = 300, IAG_OPT_RB, IAG_OPT_NO_AGG };
int iag_session_opt(struct iag_session_opts *so, int opt, const char *arg,
		    const char *cmd);

/* "auto", "tracepoint", "kprobe" -> mode; -1 if unknown. */
int iag_mode_parse(const char *s);
/* Defaults: auto mode, audit, stack 16 frames, 64 KiB ring buffer. */
void iag_session_opts_default(struct iag_session_opts *o);
#endif
