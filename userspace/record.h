/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The JSON event record of DESIGN.md ("Event record"), as a userspace
 * struct: built from a ring-buffer struct iag_event, from a JSON object
 * (recorded JSON Lines) or from a console log; written back as JSON.
 * Shared by audit, ci and report.
 *
 * Strings from sysfs may hold any byte. JSON (jansson) needs UTF-8: every
 * byte that is not part of valid UTF-8 is written as the four characters
 * "\xNN" (iag_json_str()).
 */
#ifndef IAG_RECORD_H
#define IAG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include <linux/types.h>

#include "../include/i2c_atomic_guard.h"
#include "util.h"

struct iag_devmodel;

/* A 10-bit address: the kernel's I2C_M_TEN (msg) == I2C_CLIENT_TEN (SMBus). */
#define IAG_FLAG_TEN		0x0010

struct iag_record {
	int kind;		/* enum iag_kind; 0 unknown */
	int verdict;		/* enum iag_verdict; 0 not decided yet */
	bool has_ts;
	uint64_t ts_ns;
	int adapter;		/* leaf adapter, -1 unknown */
	int adapter_path[IAG_MAX_PATH];	/* leaf first, root last */
	size_t path_len;
	int addr;		/* -1 unknown */
	char *device;		/* "1-0050" or NULL */
	char *driver;
	char *sysfs;
	int callback;		/* enum iag_callback */
	int system_state;	/* enum iag_system_state, -1 unknown */
	int irqs_disabled;	/* 0, 1, -1 unknown */
	long preempt_count;	/* -1 unknown */
	bool has_ret;
	int ret;
	long rule;		/* rule id, -1 none */
	char *rule_text;	/* "i2c: 0-0058" or NULL */
	char **stack;
	size_t n_stack;
	char *comm;
	long pid;		/* -1 unknown */
	long flags;		/* -1 unknown */
	int msg_count;		/* -1 unknown */
	int smbus_protocol;	/* -1: not SMBus */
	int smbus_command;
	int smbus_read;		/* 0/1, -1 unknown */
	unsigned long line;	/* input line it came from, 0 if none */
	/* bus_stuck (lines before) and bus_recovery (after): 0, 1, -1 unknown */
	int scl, sda;
	int recovery;		/* bus_stuck: enum iag_recovery, -1 unknown */
	int pulses;		/* bus_recovery: SCL pulses, -1 unknown */
	/*
	 * Events the record stands for: 1, or the repeats of an earlier
	 * record counted in the kernel's aggregates map (JSON "count", with
	 * "first_ts_ns" and "last_ts_ns" of those repeats).
	 */
	unsigned long count;
	uint64_t first_ts_ns, last_ts_ns;
	bool first_record_lost;	/* repeats whose first record the ring lost */
};

/* A bus_stuck or bus_recovery record: not a transfer. */
static inline bool iag_kind_is_bus(int kind)
{
	return kind == IAG_KIND_BUS_STUCK || kind == IAG_KIND_BUS_RECOVERY;
}

void iag_record_init(struct iag_record *r);
void iag_record_free(struct iag_record *r);
int iag_record_copy(struct iag_record *dst, const struct iag_record *src);

/* Names of the enums as the record spells them; NULL if out of range. */
const char *iag_kind_name(int kind);
const char *iag_verdict_name(int verdict);
const char *iag_callback_name(int cb);
const char *iag_state_name(int state);
const char *iag_counter_name(int counter);	/* enum iag_counter */
const char *iag_recovery_name(int how);		/* enum iag_recovery */
/* Reverse: -1 if unknown. */
int iag_kind_from_name(const char *s);
int iag_verdict_from_name(const char *s);
int iag_callback_from_name(const char *s);
int iag_state_from_name(const char *s);
int iag_recovery_from_name(const char *s);

/* A ring-buffer record; stack entries as "0xffff..." (symbolize later). */
int iag_record_from_event(struct iag_record *r, const struct iag_event *ev);
/* The same without its stack (live output builds it once per stack). */
int iag_record_from_event_fields(struct iag_record *r, const struct iag_event *ev);

/* Encode (new reference; NULL on ENOMEM). */
json_t *iag_record_to_json(const struct iag_record *r);
/*
 * The record's members that stay the same for a storm's records, encoded
 * once by live_splice.c while they do: its head, from "kind" to
 * "rule_text" (kind, verdict, adapter, adapter_path, addr, device,
 * driver, sysfs, callback, system_state, irqs_disabled, preempt_count,
 * ret, rule, rule_text), and its tail, from "flags" to "pulses" (the
 * transfer's flags, SMBus protocol, command and direction, messages, and a
 * bus record's lines, recovery and pulses), which a record may not have.
 */
json_t *iag_record_head_json(const struct iag_record *r);
json_t *iag_record_tail_json(const struct iag_record *r);
bool iag_record_has_tail(const struct iag_record *r);
/*
 * The record, with its head and tail (@head), or with "kind":null in the
 * head's place and "flags":null in the tail's (where it has one).
 */
json_t *iag_record_to_json_head(const struct iag_record *r, bool head);
/*
 * Into @o, made by iag_record_to_json_head() for a record of the same
 * shape (the same members present), @r's own members: time, comm, pid and
 * count. Its other members are left as they are.
 */
void iag_record_json_own(json_t *o, const struct iag_record *r);
/*
 * Decode one JSON object. Returns 0, 1 for a summary record (skipped by
 * callers), or -EINVAL with @err set ("field 'addr' must be an integer").
 */
int iag_record_from_json(struct iag_record *r, const json_t *o, char *err,
			 size_t errlen);

/* device/driver/sysfs from the device model (keeps what is already set). */
void iag_record_fill_device(struct iag_record *r, struct iag_devmodel *m);
/*
 * The same from a record that holds them (@names' device, driver, sysfs,
 * and its adapter path where @r has no more than its leaf).
 */
void iag_record_take_device(struct iag_record *r, const struct iag_record *names);
/* "1-0050" from adapter and addr if no device name is known. */
void iag_record_default_device(struct iag_record *r);

/* JSON string of arbitrary bytes: invalid UTF-8 bytes become "\xNN". */
json_t *iag_json_str(const char *s);
json_t *iag_json_strn(const char *s, size_t len);
/* Same as a malloc'd C string. */
char *iag_utf8_sanitize(const char *s, size_t len);

/*
 * Write a JSON object readably and line by line: one member per line, and
 * each element of an array member compact on a line of its own (so one
 * record, one key, one error per line: grep-friendly).
 */
int iag_json_dump_lines(const json_t *o, FILE *f);
/* The same on stdout, and the reference released (takes @o). */
void iag_json_print(json_t *o);

#endif
