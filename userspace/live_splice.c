// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writing a live JSON Lines record with parts of it encoded once. A storm's
 * records differ in a few members (time, pid, comm, a repeat's count):
 * encoding the same stack, device and transfer for each of them again was
 * most of what a record cost its consumer (issue 13; tests/bench/consumer.c
 * counts it: 32,786 instructions per record, 17,515 with the head's
 * members up to "rule_text" and the tail kept too, 13,217 with the rest
 * of the record's object kept as well). jansson still encodes
 * every part: the record with "K":null where a kept part goes, and each
 * kept part once, as members (JSON_EMBED: an object without its braces,
 * "K":...), which take that member's place as it is written.
 */
#include <stdlib.h>
#include <string.h>

#include "live.h"
#include "record.h"

/*
 * The "K":null of @mark in @s (a record's encoding, starting at '{') from
 * @from on, or NULL. Only a member can match: in jansson's encoding the
 * quotes inside a string are escaped (\"), so a '"' after ',' or '{' opens
 * a key (a string that ends with ',' is followed by ',' ':' '}' or ']').
 */
static const char *find_member(const char *s, const char *from, const char *end,
			       const char *mark)
{
	size_t m = strlen(mark);
	const char *at = from;

	while ((at = memmem(at, end - at, mark, m))) {
		if (at > s && (at[-1] == ',' || at[-1] == '{'))
			return at;
		at++;
	}
	return NULL;
}

/* @s with each of @sp's texts in the place of its member, and a newline. */
static void put_spliced(FILE *out, const char *s, size_t n, const struct iag_splice *sp,
			size_t n_sp)
{
	const char *p = s, *end = s + n, *at;

	for (size_t i = 0; i < n_sp; i++) {
		if (!sp[i].text || !(at = find_member(s, p, end, sp[i].mark)))
			continue;
		fwrite(p, 1, at - p, out);
		fwrite(sp[i].text, 1, sp[i].len, out);
		p = at + strlen(sp[i].mark);
	}
	fwrite(p, 1, end - p, out);
	putc('\n', out);
}

void iag_live_write_json(FILE *out, const json_t *o, const struct iag_splice *sp,
			 size_t n_sp)
{
	/* Kept for the next record: no allocation per record. */
	static char buf[16384];
	size_t n = json_dumpb(o, buf, sizeof(buf), JSON_COMPACT);
	char *s = buf;

	if (n > sizeof(buf)) {
		s = json_dumps(o, JSON_COMPACT);
		n = s ? strlen(s) : 0;
	}
	if (n)
		put_spliced(out, s, n, sp, n_sp);
	if (s != buf)
		free(s);
}

char *iag_json_members(const json_t *o, size_t *len)
{
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_EMBED) : NULL;

	*len = s ? strlen(s) : 0;
	return s;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The same head and tail: all that they encode is the same. */
static bool same_head(const struct iag_record *a, const struct iag_record *b)
{
	return a->kind == b->kind && a->verdict == b->verdict && a->adapter == b->adapter &&
	       a->path_len == b->path_len &&
	       !memcmp(a->adapter_path, b->adapter_path, a->path_len * sizeof(int)) &&
	       a->addr == b->addr && same_str(a->device, b->device) &&
	       same_str(a->driver, b->driver) && same_str(a->sysfs, b->sysfs) &&
	       a->callback == b->callback && a->system_state == b->system_state &&
	       a->irqs_disabled == b->irqs_disabled && a->preempt_count == b->preempt_count &&
	       a->has_ret == b->has_ret && (!a->has_ret || a->ret == b->ret) &&
	       a->rule == b->rule && same_str(a->rule_text, b->rule_text) &&
	       a->flags == b->flags && a->msg_count == b->msg_count &&
	       a->smbus_protocol == b->smbus_protocol &&
	       a->smbus_command == b->smbus_command && a->smbus_read == b->smbus_read &&
	       a->scl == b->scl && a->sda == b->sda && a->recovery == b->recovery &&
	       a->pulses == b->pulses;
}

/* Heads kept: a storm's few devices (beyond that, replaced in turn). */
#define HEADS_MAX	8

struct iag_live_head {
	struct iag_record rec;	/* what same_head() compares */
	char *text;		/* its head's members, encoded; NULL: slot unused */
	size_t len;
	char *tail;		/* its tail's, or NULL: it has none */
	size_t tail_len;
};

static void head_clear(struct iag_live_head *h)
{
	iag_record_free(&h->rec);
	free(h->text);
	free(h->tail);
	*h = (struct iag_live_head){ .text = NULL };
	iag_record_init(&h->rec);
}

/* @r's members encoded by @enc (head or tail), in *@text; false when out of memory. */
static bool encode(json_t *(*enc)(const struct iag_record *), const struct iag_record *r,
		   char **text, size_t *len)
{
	json_t *o = enc(r);

	*text = iag_json_members(o, len);
	json_decref(o);
	return *text != NULL;
}

/* Keep @r's head and tail in @h (the fields and their encoding); false when out of memory. */
static bool keep_head(struct iag_live_head *h, const struct iag_record *r)
{
	/* Only what same_head() compares: no stack, time, task or count. */
	h->rec = *r;
	h->rec.device = h->rec.driver = h->rec.sysfs = h->rec.comm = NULL;
	h->rec.rule_text = r->rule_text ? strdup(r->rule_text) : NULL;
	h->rec.stack = NULL;
	h->rec.n_stack = 0;
	iag_record_take_device(&h->rec, r);	/* device, driver, sysfs, path */
	if (!encode(iag_record_head_json, r, &h->text, &h->len) ||
	    (iag_record_has_tail(r) &&
	     !encode(iag_record_tail_json, r, &h->tail, &h->tail_len)) ||
	    !same_head(&h->rec, r)) {	/* a copy that failed (no memory) is not the same */
		head_clear(h);
		return false;
	}
	return true;
}

bool iag_live_head_text(struct iag_live *l, const struct iag_record *r,
			struct iag_splice *head, struct iag_splice *tail)
{
	struct iag_live_head *h = NULL;

	if (!l->heads && !(l->heads = calloc(HEADS_MAX, sizeof(*l->heads))))
		return false;
	for (unsigned int i = 0; i < HEADS_MAX && !h; i++)
		if (l->heads[i].text && same_head(&l->heads[i].rec, r))
			h = &l->heads[i];
	if (!h) {
		h = &l->heads[l->next_head++ % HEADS_MAX];
		head_clear(h);
		if (!keep_head(h, r))
			return false;
	}
	head->text = h->text;
	head->len = h->len;
	tail->text = h->tail;
	tail->len = h->tail_len;
	return true;
}

/* What decides which members the rest of a record has. */
enum { SHAPE_TS = 1, SHAPE_STACK = 2, SHAPE_TAIL = 4, SHAPE_COUNT = 8, SHAPE_LOST = 16,
       SHAPES = 32 };

static unsigned int shape_of(const struct iag_record *r, bool stack_kept)
{
	return (r->has_ts ? SHAPE_TS : 0) | (stack_kept ? SHAPE_STACK : 0) |
	       (iag_record_has_tail(r) ? SHAPE_TAIL : 0) |
	       (r->count != 1 || r->last_ts_ns ? SHAPE_COUNT : 0) |
	       (r->first_record_lost ? SHAPE_LOST : 0);
}

/*
 * Building a record's object and freeing it cost more than encoding it
 * (issue 13): the object of each shape is kept, and a record only puts its
 * own values into it.
 */
json_t *iag_live_rest_json(struct iag_live *l, const struct iag_record *r, bool stack_kept)
{
	unsigned int k = shape_of(r, stack_kept);
	json_t *o;

	if (!l->shapes && !(l->shapes = calloc(SHAPES, sizeof(*l->shapes))))
		return NULL;
	if (l->shapes[k]) {
		iag_record_json_own(l->shapes[k], r);
		return json_incref(l->shapes[k]);
	}
	o = iag_record_to_json_head(r, false);
	if (o && stack_kept && json_object_set_new_nocheck(o, "stack", json_null())) {
		json_decref(o);
		o = NULL;
	}
	l->shapes[k] = o;
	return json_incref(o);
}

void iag_live_head_free(struct iag_live *l)
{
	for (unsigned int i = 0; l->shapes && i < SHAPES; i++)
		json_decref(l->shapes[i]);
	free(l->shapes);
	l->shapes = NULL;
	for (unsigned int i = 0; l->heads && i < HEADS_MAX; i++)
		head_clear(&l->heads[i]);
	free(l->heads);
	l->heads = NULL;
	l->next_head = 0;
}
