// SPDX-License-Identifier: GPL-2.0-only
/* Errors through one function, and small helpers shared by every command. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util.h"

const char *iag_prog = "i2c-atomic-guard";
bool iag_json;
int iag_verbose;

bool iag_stop_times(void)
{
	return iag_verbose || getenv("IAG_STOP_TIMES");
}

static void say(const char *level, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (iag_json) {
		/* One JSON object per line on stderr: scripts parse both. */
		json_t *o = json_pack("{s:s, s:s}", "level", level, "message", msg);
		char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

		if (s)
			fprintf(stderr, "%s\n", s);
		else
			fprintf(stderr, "%s: %s: %s\n", iag_prog, level, msg);
		free(s);
		json_decref(o);
		return;
	}
	fprintf(stderr, "%s: %s: %s\n", iag_prog, level, msg);
}

void iag_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("error", fmt, ap);
	va_end(ap);
}

void iag_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("warning", fmt, ap);
	va_end(ap);
}

void iag_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *iag_name_of(const char *const *tab, size_t n, long i)
{
	return i >= 0 && (size_t)i < n ? tab[i] : NULL;
}

int iag_name_index(const char *const *tab, size_t n, const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (tab[i] && !strcmp(tab[i], name))
			return (int)i;
	return -1;
}

long iag_parse_duration(const char *s)
{
	char *end;
	long v, mult = 1;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || v < 0)
		return -1;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		mult = 1;
	else if (!strcmp(end, "m"))
		mult = 60;
	else if (!strcmp(end, "h"))
		mult = 3600;
	else
		return -1;
	if (v > 0x7fffffffL / mult)
		return -1;
	return v * mult;
}

/* Length of the valid UTF-8 sequence at @s (max @n), 0 if invalid. */
size_t iag_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c;
	size_t len;
	uint32_t cp;

	if (!n)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlongs, surrogates and code points above U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

char *iag_vstrdupf(const char *fmt, va_list ap)
{
	char *s;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

int iag_grow(void *arrp, size_t *cap, size_t n, size_t elem, size_t first)
{
	void **arr = arrp, *na;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : first;
	if (nc < n + 1 || nc > SIZE_MAX / elem)
		return -ENOMEM;
	na = realloc(*arr, nc * elem);
	if (!na)
		return -ENOMEM;
	*arr = na;
	*cap = nc;
	return 0;
}
