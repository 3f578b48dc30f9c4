// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writing a live JSON Lines record with parts of it encoded once. A storm's
 * records differ in a few members (time, pid, comm...): encoding the same
 * stack and the same device for each of them again was most of what a
 * record cost its consumer (issue 13). jansson still encodes every part:
 * the record with "K":null where a kept part goes, and each kept part once,
 * as members (JSON_EMBED: an object without its braces, "K":...), which
 * take that member's place as it is written.
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

/* The same head: all that iag_record_head_json() reads is the same. */
static bool same_head(const struct iag_record *a, const struct iag_record *b)
{
	return a->kind == b->kind && a->verdict == b->verdict && a->adapter == b->adapter &&
	       a->path_len == b->path_len &&
	       !memcmp(a->adapter_path, b->adapter_path, a->path_len * sizeof(int)) &&
	       a->addr == b->addr && same_str(a->device, b->device) &&
	       same_str(a->driver, b->driver) && same_str(a->sysfs, b->sysfs) &&
	       a->callback == b->callback && a->system_state == b->system_state;
}

/* Heads kept: a storm's few devices (beyond that, replaced in turn). */
#define HEADS_MAX	8

struct iag_live_head {
	struct iag_record rec;	/* what same_head() compares */
	char *text;		/* its members, encoded; NULL: slot unused */
	size_t len;
};

static void head_clear(struct iag_live_head *h)
{
	iag_record_free(&h->rec);
	free(h->text);
	h->text = NULL;
	h->len = 0;
}

/* Keep @r's head in @h (its fields and its encoding); false when out of memory. */
static bool keep_head(struct iag_live_head *h, const struct iag_record *r)
{
	json_t *o = iag_record_head_json(r);

	/* Only what same_head() compares (and frees: the names). */
	h->rec = (struct iag_record){ .kind = r->kind, .verdict = r->verdict,
				      .adapter = r->adapter, .addr = r->addr,
				      .callback = r->callback, .system_state = r->system_state };
	iag_record_take_device(&h->rec, r);	/* device, driver, sysfs, path */
	h->text = iag_json_members(o, &h->len);
	json_decref(o);
	/* A copy that failed (no memory) is not the same. */
	if (!h->text || !same_head(&h->rec, r)) {
		head_clear(h);
		return false;
	}
	return true;
}

const char *iag_live_head_text(struct iag_live *l, const struct iag_record *r, size_t *len)
{
	struct iag_live_head *h = NULL;

	if (!l->heads && !(l->heads = calloc(HEADS_MAX, sizeof(*l->heads))))
		return NULL;
	for (unsigned int i = 0; i < HEADS_MAX && !h; i++)
		if (l->heads[i].text && same_head(&l->heads[i].rec, r))
			h = &l->heads[i];
	if (!h) {
		h = &l->heads[l->next_head++ % HEADS_MAX];
		head_clear(h);
		if (!keep_head(h, r))
			return NULL;
	}
	*len = h->len;
	return h->text;
}

void iag_live_head_free(struct iag_live *l)
{
	for (unsigned int i = 0; l->heads && i < HEADS_MAX; i++)
		head_clear(&l->heads[i]);
	free(l->heads);
	l->heads = NULL;
	l->next_head = 0;
}
