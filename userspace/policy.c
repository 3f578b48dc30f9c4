// SPDX-License-Identifier: GPL-2.0-only
/*
 * The YAML policy: the entry points (a buffer, a file), diagnostics, names
 * and the checks that come before YAML (size, UTF-8, NUL). The YAML layer is
 * policy_yaml.c, a rule's validation policy_rule.c, trust policy_trust.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devmodel.h"
#include "policy.h"
#include "util.h"
#include "policy_parse.h"

static const char *const sel_names[IAG_SEL_MAX] = { IAG_SELECTORS(IAG_NAME) };

const char *iag_selector_name(enum iag_selector s)
{
	const char *name = IAG_NAME_OF(sel_names, s);

	return name ? name : "?";
}

int iag_selector_from_name(const char *key)
{
	return IAG_NAME_INDEX(sel_names, key);
}

const char *iag_policy_mode_name(enum iag_policy_mode m)
{
	return m == IAG_POLICY_ENFORCE ? "enforce" : "audit";
}

/* ---- diagnostics ------------------------------------------------------ */

void iag_diag_init(struct iag_diag *d, const char *file)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->file, sizeof(d->file), "%s", file ? file : "<buffer>");
}

void iag_diag_add(struct iag_diag *d, unsigned int line, unsigned int col,
		  const char *fmt, ...)
{
	va_list ap;

	d->total++;
	if (d->n >= IAG_DIAG_MAX)
		return;
	d->e[d->n].line = line;
	d->e[d->n].col = col;
	va_start(ap, fmt);
	vsnprintf(d->e[d->n].msg, sizeof(d->e[d->n].msg), fmt, ap);
	va_end(ap);
	d->n++;
}

const char *iag_diag_text(const struct iag_diag *d, size_t i, char *buf,
			  size_t len)
{
	const struct iag_diag_entry *e = &d->e[i];

	if (e->line)
		snprintf(buf, len, "%s:%u:%u: %s", d->file, e->line, e->col,
			 e->msg);
	else
		snprintf(buf, len, "%s: %s", d->file, e->msg);
	return buf;
}

void iag_diag_print(const struct iag_diag *d, FILE *f)
{
	char buf[600];

	for (size_t i = 0; i < d->n; i++)
		fprintf(f, "%s\n", iag_diag_text(d, i, buf, sizeof(buf)));
	if (d->total > d->n)
		fprintf(f, "%s: %zu more errors not shown\n", d->file,
			d->total - d->n);
}

/* ---- small helpers ---------------------------------------------------- */

int iag_parse_i2c_name(const char *s, int *bus, unsigned int *addr)
{
	const char *p = s;
	unsigned long b = 0, a = 0;
	int nd = 0;

	if (!*p || *p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		b = b * 10 + (unsigned long)(*p - '0');
		if (b > INT_MAX)
			return -EINVAL;
		p++;
	}
	if (*p++ != '-')
		return -EINVAL;
	for (; *p; p++, nd++) {
		int v;

		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			v = *p - 'A' + 10;
		else
			return -EINVAL;
		a = a * 16 + (unsigned long)v;
	}
	if (nd != 4)
		return -EINVAL;
	/* 7-bit, or the kernel's ten-bit marker 0xa000 (I2C_ADDR_OFFSET_TEN_BIT) */
	if (a > 0x7f && (a < IAG_I2C_ADDR_TEN ||
			 a > (IAG_I2C_ADDR_TEN | IAG_I2C_ADDR_MASK)))
		return -ERANGE;
	*bus = (int)b;
	*addr = (unsigned int)a;
	return 0;
}

/*
 * Find the first byte that is not UTF-8 (overlongs, surrogates and code
 * points above U+10FFFF included). Returns its offset or -1; @line/@col are
 * the 1-based position, columns counted in characters as libyaml does.
 */
static long utf8_check(const unsigned char *s, size_t len, unsigned int *line,
		       unsigned int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0, n; i < len; i += n) {
		n = iag_utf8_seq(s + i, len - i);
		if (!n)
			return (long)i;
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
	return -1;
}

void iag_policy_free(struct iag_policy *pol)
{
	if (!pol)
		return;
	for (size_t i = 0; i < pol->n_rules; i++) {
		free(pol->rules[i].value);
		free(pol->rules[i].reason);
	}
	free(pol->rules);
	free(pol->path);
	free(pol);
}

#define UTF8_BOM	"\xef\xbb\xbf"

int iag_policy_parse_buf(const char *buf, size_t len, const char *name,
			 struct iag_policy **out, struct iag_diag *diag)
{
	struct pctx c = { 0 };
	unsigned int line, col;
	long bad;
	int ret;

	*out = NULL;
	iag_diag_init(diag, name);
	/* editors on some systems start UTF-8 files with a byte order mark */
	if (len >= sizeof(UTF8_BOM) - 1 && !memcmp(buf, UTF8_BOM, sizeof(UTF8_BOM) - 1)) {
		buf += sizeof(UTF8_BOM) - 1;
		len -= sizeof(UTF8_BOM) - 1;
	}
	if (len > IAG_POLICY_MAX_SIZE) {
		iag_diag_add(diag, 0, 0,
			     "policy too large (%zu bytes, limit %d): not a policy file",
			     len, IAG_POLICY_MAX_SIZE);
		return -EFBIG;
	}
	bad = utf8_check((const unsigned char *)buf, len, &line, &col);
	if (bad >= 0) {
		iag_diag_add(diag, line, col,
			     "invalid UTF-8 (byte 0x%02x): the policy must be UTF-8 text",
			     (unsigned char)buf[bad]);
		return -EINVAL;
	}
	if (memchr(buf, '\0', len)) {
		const char *z = memchr(buf, '\0', len);

		utf8_check((const unsigned char *)buf, (size_t)(z - buf),
			   &line, &col);
		iag_diag_add(diag, line, col,
			     "NUL byte: the policy must be text");
		return -EINVAL;
	}
	c.d = diag;
	c.pol = calloc(1, sizeof(*c.pol));
	if (!c.pol)
		return -ENOMEM;
	c.pol->path = strdup(name ? name : "<buffer>");
	ret = pp_collect(&c, buf, len);
	if (!ret && !diag->n)
		pp_walk(&c);
	for (size_t i = 0; i < c.n; i++)
		free(c.ev[i].value);
	free(c.ev);
	if (ret == -ENOMEM || !c.pol->path) {
		iag_diag_add(diag, 0, 0, "out of memory");
		iag_policy_free(c.pol);
		return -ENOMEM;
	}
	if (ret || diag->total) {
		iag_policy_free(c.pol);	/* all or nothing */
		return -EINVAL;
	}
	*out = c.pol;
	return 0;
}

/* Open @path read-only as a regular file of acceptable size: fd or -errno. */
static int open_policy(const char *path, struct stat *st, struct iag_diag *diag)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY), err;

	if (fd < 0) {
		err = -errno;
		iag_diag_add(diag, 0, 0, "cannot open: %s", strerror(errno));
		return err;
	}
	if (fstat(fd, st)) {
		err = -errno;
		iag_diag_add(diag, 0, 0, "cannot stat: %s", strerror(errno));
	} else if (S_ISDIR(st->st_mode)) {
		iag_diag_add(diag, 0, 0, "is a directory, not a policy file");
		err = -EISDIR;
	} else if (!S_ISREG(st->st_mode)) {
		iag_diag_add(diag, 0, 0,
			     "is not a regular file (%s): refusing to read it",
			     S_ISFIFO(st->st_mode) ? "a FIFO" :
			     S_ISSOCK(st->st_mode) ? "a socket" :
			     S_ISCHR(st->st_mode) ? "a character device" :
			     S_ISBLK(st->st_mode) ? "a block device" : "special");
		err = -EINVAL;
	} else if (st->st_size > IAG_POLICY_MAX_SIZE) {
		iag_diag_add(diag, 0, 0,
			     "policy too large (%lld bytes, limit %d bytes)",
			     (long long)st->st_size, IAG_POLICY_MAX_SIZE);
		err = -EFBIG;
	} else {
		return fd;
	}
	close(fd);
	return err;
}

/* At most limit + 1 bytes (the file may grow under us), NUL-terminated. */
static int read_policy(int fd, char **out, size_t *out_len,
		       struct iag_diag *diag)
{
	char *buf = malloc(IAG_POLICY_MAX_SIZE + 2);
	size_t len = 0;
	int err;

	if (!buf)
		return -ENOMEM;
	while (len <= IAG_POLICY_MAX_SIZE) {
		ssize_t n = read(fd, buf + len, IAG_POLICY_MAX_SIZE + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			iag_diag_add(diag, 0, 0, "read error: %s", strerror(errno));
			free(buf);
			return err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (len > IAG_POLICY_MAX_SIZE) {
		iag_diag_add(diag, 0, 0, "policy too large (limit %d bytes)",
			     IAG_POLICY_MAX_SIZE);
		free(buf);
		return -EFBIG;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

int iag_policy_load(const char *path, struct iag_policy **out,
		    struct iag_diag *diag)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, ret;

	*out = NULL;
	iag_diag_init(diag, path);
	fd = open_policy(path, &st, diag);
	if (fd < 0)
		return fd;
	ret = read_policy(fd, &buf, &len, diag);
	if (!ret) {
		ret = iag_policy_parse_buf(buf, len, path, out, diag);
		free(buf);
	}
	if (!ret) {
		(*out)->has_stat = true;
		(*out)->uid = st.st_uid;
		(*out)->gid = st.st_gid;
		(*out)->st_mode = st.st_mode;
		iag_policy_trust_scan(*out, fd, path);
	}
	close(fd);
	return ret;
}

