// SPDX-License-Identifier: GPL-2.0-only
/*
 * Policy resolution. A rule names devices; each covered device is
 *  - the device itself,
 *  - every device it consumes through device links (supplier:*),
 *    transitively, each visited once (link cycles exist);
 * and each covered device that is, or sits below, an I2C client gives keys
 * for the whole I2C path to the root adapter:
 *  - (client adapter, client address),
 *  - (each adapter above, client address): a mux channel transfer reaches
 *    every parent adapter with the same address,
 *  - (mux parent adapter, mux client address): the mux selects its channel
 *    with a transfer of its own, itself seen on the adapters further up.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "policy.h"
#include "resolve.h"
#include "util.h"

#define MAX_CLOSURE	4096	/* devices per rule */
#define MAX_LEVELS	16	/* adapters from leaf to root */

struct rctx {
	const struct iag_policy *pol;
	struct iag_devmodel *m;
	struct iag_keyset *ks;
	struct iag_rule_match *rm;
	const struct iag_rule *rule;
	unsigned int flags;
	struct iag_strv no_addr;	/* this rule's clients with no address */
};

static void warn(struct rctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warn(struct rctx *c, const char *fmt, ...)
{
	va_list ap;
	char *s, **nv;

	va_start(ap, fmt);
	s = iag_vstrdupf(fmt, ap);
	va_end(ap);
	if (!s)
		return;
	if (!(c->flags & IAG_RESOLVE_QUIET))
		iag_warn("%s", s);
	nv = realloc(c->ks->warnings, (c->ks->n_warnings + 1) * sizeof(*nv));
	if (!nv) {
		free(s);
		return;
	}
	c->ks->warnings = nv;
	nv[c->ks->n_warnings++] = s;
}

static int add_key(struct rctx *c, int adapter, unsigned int addr,
		   const char *device, const char *why)
{
	struct iag_rule_match *rm = c->rm;
	struct iag_key *nk;

	for (size_t i = 0; i < rm->n_keys; i++)
		if (rm->keys[i].adapter == adapter && rm->keys[i].addr == addr)
			return 0;
	nk = realloc(rm->keys, (rm->n_keys + 1) * sizeof(*nk));
	if (!nk)
		return -ENOMEM;
	rm->keys = nk;
	nk += rm->n_keys;
	nk->adapter = adapter;
	nk->addr = addr;
	nk->rule_id = c->rule->id;
	nk->device = strdup(device ? device : "");
	nk->why = strdup(why);
	if (!nk->device || !nk->why) {
		free(nk->device);
		free(nk->why);
		return -ENOMEM;
	}
	rm->n_keys++;
	return 0;
}

/* Keys for every address on adapter @nr (and the path above it). */
static int adapter_keys(struct rctx *c, int nr, const char *why);

/*
 * The I2C path of a transfer to @addr on @adapter: the same address on every
 * adapter above, plus each mux's own address from its level up.
 */
static int path_keys(struct rctx *c, int adapter, unsigned int addr,
		     const char *device, const char *why)
{
	unsigned int active[MAX_LEVELS + 1];
	const char *active_dev[MAX_LEVELS + 1];
	char *owned[MAX_LEVELS] = { 0 };
	size_t n_active = 1, n_owned = 0;
	int cur = adapter, rc = 0;

	active[0] = addr;
	active_dev[0] = device;
	for (int level = 0; level < MAX_LEVELS && !rc; level++) {
		int parent;
		char *mux = NULL, *w;
		struct iag_devinfo mi = { 0 };

		if (iag_dev_adapter_parent(c->m, cur, &parent, &mux))
			break;
		if (mux && iag_dev_info(c->m, mux, &mi))
			memset(&mi, 0, sizeof(mi));
		for (size_t i = 0; i < n_active && !rc; i++) {
			if (asprintf(&w, "%s; %s as seen on i2c-%d through mux %s (i2c-%d is its channel)",
				     why, active_dev[i], parent,
				     mi.name ? mi.name : "?", cur) < 0) {
				rc = -ENOMEM;
				break;
			}
			rc = add_key(c, parent, active[i], active_dev[i], w);
			free(w);
		}
		if (!rc && mi.is_client && mi.addr != IAG_ADDR_NONE &&
		    n_active <= MAX_LEVELS && n_owned < MAX_LEVELS) {
			if (asprintf(&w, "%s; mux %s at 0x%02x on i2c-%d selects channel i2c-%d",
				     why, mi.name, mi.addr & IAG_I2C_ADDR_MASK,
				     mi.client_adapter, cur) < 0) {
				rc = -ENOMEM;
			} else {
				rc = add_key(c, mi.client_adapter,
					     iag_key_addr(mi.addr), mi.name, w);
				free(w);
				owned[n_owned] = strdup(mi.name);
				if (owned[n_owned]) {
					active[n_active] = iag_key_addr(mi.addr);
					active_dev[n_active++] = owned[n_owned++];
				}
			}
		}
		iag_devinfo_free(&mi);
		free(mux);
		cur = parent;
	}
	for (size_t i = 0; i < n_owned; i++)
		free(owned[i]);
	return rc;
}

static int client_keys(struct rctx *c, const struct iag_devinfo *ci,
		       const char *why)
{
	char *w;
	unsigned int addr;
	int rc;

	if (ci->addr == IAG_ADDR_NONE || ci->client_adapter < 0) {
		if (iag_strv_has(&c->no_addr, ci->name))
			return 0;	/* said once per rule */
		if (iag_strv_add(&c->no_addr, ci->name))
			return -ENOMEM;
		warn(c, "%s:%u:%u: rule %u: I2C client %s has an ACPI name, not an address, in sysfs: it gets no key; allow it with an explicit rule naming its address, 'i2c: %d-00AA' (AA from its ACPI resources or 'i2cdetect -y %d')",
		     c->pol->path, c->rule->line, c->rule->col, c->rule->id,
		     ci->name, ci->client_adapter, ci->client_adapter);
		return 0;
	}
	if (ci->addr & IAG_I2C_ADDR_SLAVE)	/* a slave backend, not a target */
		return 0;
	addr = iag_key_addr(ci->addr);
	if (asprintf(&w, "%s; client %s at 0x%02x on i2c-%d", why, ci->name,
		     addr & IAG_I2C_ADDR_MASK, ci->client_adapter) < 0)
		return -ENOMEM;
	rc = add_key(c, ci->client_adapter, addr, ci->name, w);
	free(w);
	if (!rc)
		rc = path_keys(c, ci->client_adapter, addr, ci->name, why);
	return rc;
}

static int adapter_keys(struct rctx *c, int nr, const char *why)
{
	struct iag_strv clients = { 0 };
	char *w, name[32];
	int rc;

	c->rm->broad = true;
	snprintf(name, sizeof(name), "i2c-%d", nr);
	if (asprintf(&w, "%s; every address on i2c-%d", why, nr) < 0)
		return -ENOMEM;
	rc = add_key(c, nr, IAG_ADDR_ANY, name, w);
	free(w);
	/* Known clients behind a mux channel: their addresses above it. */
	if (!rc && !iag_dev_clients_of(c->m, nr, &clients)) {
		for (size_t i = 0; i < clients.n && !rc; i++) {
			struct iag_devinfo ci;

			if (iag_dev_info(c->m, clients.v[i], &ci))
				continue;
			if (ci.is_client && ci.addr != IAG_ADDR_NONE &&
			    !(ci.addr & IAG_I2C_ADDR_SLAVE))
				rc = path_keys(c, nr, iag_key_addr(ci.addr), ci.name,
					       why);
			iag_devinfo_free(&ci);
		}
	}
	iag_strv_free(&clients);
	return rc;
}

static int add_device(struct iag_rule_match *rm, const char *sysfs,
		      const char *why)
{
	char **nd = realloc(rm->devices, (rm->n_devices + 1) * sizeof(*nd));
	char **nw;

	if (!nd)
		return -ENOMEM;
	rm->devices = nd;
	nw = realloc(rm->device_why, (rm->n_devices + 1) * sizeof(*nw));
	if (!nw)
		return -ENOMEM;
	rm->device_why = nw;
	nd[rm->n_devices] = strdup(sysfs);
	nw[rm->n_devices] = strdup(why);
	if (!nd[rm->n_devices] || !nw[rm->n_devices]) {
		free(nd[rm->n_devices]);
		free(nw[rm->n_devices]);
		return -ENOMEM;
	}
	rm->n_devices++;
	return 0;
}

/* The device, its suppliers (transitively), and their I2C keys. */
/* The devices a rule covers, breadth first, each with the chain that got there. */
struct closure {
	struct iag_strv queue;	/* canonical paths */
	char **why;		/* why[i]: the chain to queue.v[i] (malloc'd) */
	size_t n_why;
};

/* Queue @path unless seen (cycles end there); takes @why. 0 or -ENOMEM. */
static int closure_add(struct closure *cl, const char *path, char *why)
{
	char **nw;

	if (!why)
		return -ENOMEM;
	if (iag_strv_has(&cl->queue, path)) {
		free(why);
		return 0;
	}
	nw = realloc(cl->why, (cl->n_why + 1) * sizeof(*nw));
	if (!nw || iag_strv_add(&cl->queue, path)) {
		if (nw)
			cl->why = nw;
		free(why);
		return -ENOMEM;
	}
	cl->why = nw;
	cl->why[cl->n_why++] = why;
	return 0;
}

static char *strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *strdupf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = iag_vstrdupf(fmt, ap);
	va_end(ap);
	return s;
}

/* The keys of device @di: an adapter's every address, or its I2C client's. */
static int device_keys(struct rctx *c, const struct iag_devinfo *di,
		       const char *why)
{
	struct iag_devinfo ci;
	char *client, *w;
	int rc = 0;

	if (di->is_adapter) {
		warn(c, "%s:%u:%u: rule %u covers adapter i2c-%d itself: every address on it is allowed",
		     c->pol->path, c->rule->line, c->rule->col, c->rule->id,
		     di->adapter_nr);
		return adapter_keys(c, di->adapter_nr, why);
	}
	client = iag_dev_client_ancestor(c->m, di->path);
	if (!client)
		return 0;
	if (!iag_dev_info(c->m, client, &ci)) {
		w = strcmp(ci.path, di->path) ?
		    strdupf("%s (below I2C client %s)", why, ci.name) : NULL;
		rc = client_keys(c, &ci, w ? w : why);
		free(w);
		iag_devinfo_free(&ci);
	}
	free(client);
	return rc;
}

/* Queue what device @i consumes (its device-link suppliers). */
static int queue_suppliers(struct rctx *c, struct closure *cl, size_t i,
			   const char *path)
{
	struct iag_strv sup = { 0 };
	int rc = 0;

	if (iag_dev_suppliers(c->m, path, &sup))
		return 0;
	for (size_t k = 0; k < sup.n && !rc; k++)
		rc = closure_add(cl, sup.v[k],
				 strdupf("%s -> consumes %s (device link)",
					 cl->why[i], strrchr(sup.v[k], '/') + 1));
	iag_strv_free(&sup);
	return rc;
}

static int cover(struct rctx *c, const struct iag_strv *seeds)
{
	struct closure cl = { 0 };
	int rc = 0;

	for (size_t i = 0; i < seeds->n && !rc; i++)
		rc = closure_add(&cl, seeds->v[i],
				 strdupf("rule %u (%s %s) names %s", c->rule->id,
					 iag_selector_name(c->rule->sel),
					 c->rule->value,
					 strrchr(seeds->v[i], '/') + 1));
	for (size_t i = 0; i < cl.queue.n && !rc; i++) {
		struct iag_devinfo di;

		if (i >= MAX_CLOSURE) {
			warn(c, "%s:%u:%u: rule %u covers more than %d devices; the rest are ignored",
			     c->pol->path, c->rule->line, c->rule->col,
			     c->rule->id, MAX_CLOSURE);
			break;
		}
		if (iag_dev_info(c->m, cl.queue.v[i], &di))
			continue;
		rc = add_device(c->rm, di.sysfs, cl.why[i]);
		if (!rc)
			rc = device_keys(c, &di, cl.why[i]);
		if (!rc)
			rc = queue_suppliers(c, &cl, i, di.path);
		iag_devinfo_free(&di);
	}
	for (size_t i = 0; i < cl.n_why; i++)
		free(cl.why[i]);
	free(cl.why);
	iag_strv_free(&cl.queue);
	return rc;
}

static int resolve_rule(struct rctx *c)
{
	const struct iag_rule *r = c->rule;
	struct iag_strv seeds = { 0 };
	char *p = NULL, *w;
	int rc = 0;

	switch (r->sel) {
	case IAG_SEL_DEVICE:
		p = iag_dev_from_sysfs(c->m, r->value);
		if (p)
			rc = iag_strv_add(&seeds, p);
		break;
	case IAG_SEL_I2C:
		p = iag_dev_client(c->m, r->adapter, r->addr);
		if (p) {
			rc = iag_strv_add(&seeds, p);
		} else {
			/* The name is the key, device or not. */
			if (asprintf(&w, "rule %u (i2c %s) names address 0x%02x on i2c-%d (no such client in sysfs)",
				     r->id, r->value, r->addr & IAG_I2C_ADDR_MASK,
				     r->adapter) < 0)
				return -ENOMEM;
			rc = add_key(c, r->adapter, iag_key_addr(r->addr), r->value,
				     w);
			if (!rc)
				rc = path_keys(c, r->adapter, iag_key_addr(r->addr),
					       r->value, w);
			free(w);
		}
		break;
	case IAG_SEL_DRIVER:
		rc = iag_dev_by_driver(c->m, r->value, &seeds);
		break;
	case IAG_SEL_COMPATIBLE:
		rc = iag_dev_by_compatible(c->m, r->value, &seeds);
		break;
	case IAG_SEL_ADAPTER:
		p = iag_dev_adapter(c->m, r->adapter);
		warn(c, "%s:%u:%u: rule %u (adapter %s) allows every address on that adapter: broad",
		     c->pol->path, r->line, r->col, r->id, r->value);
		if (asprintf(&w, "rule %u (adapter %s)", r->id, r->value) < 0)
			return -ENOMEM;
		rc = adapter_keys(c, r->adapter, w);
		if (!rc && p) {
			char *sys = iag_dev_sysfs_path(c->m, p);

			rc = add_device(c->rm, sys ? sys : p, w);
			free(sys);
		}
		free(w);
		break;
	default:
		return -EINVAL;
	}
	if (rc < 0 && rc != -ENOENT)
		goto out;
	rc = 0;
	c->rm->matched = seeds.n > 0 || (r->sel == IAG_SEL_ADAPTER && p);
	if (seeds.n)
		rc = cover(c, &seeds);
	if (!rc && !c->rm->n_keys)
		c->ks->n_allow_nothing++;
	if (!rc && c->rm->matched && !c->rm->n_keys && !c->no_addr.n)
		warn(c, "%s:%u:%u: rule %u (%s %s) covers %zu devices, none of them an I2C client or below one: it allows no transfer",
		     c->pol->path, r->line, r->col, r->id,
		     iag_selector_name(r->sel), r->value, c->rm->n_devices);
	if (!c->rm->matched) {
		c->ks->n_unmatched++;
		warn(c, "%s:%u:%u: rule %u (%s %s) matches no device under %s",
		     c->pol->path, r->line, r->col, r->id,
		     iag_selector_name(r->sel), r->value,
		     iag_devmodel_root(c->m));
	}
out:
	free(p);
	iag_strv_free(&seeds);
	return rc;
}

const struct iag_key *iag_keyset_lookup_ten(const struct iag_keyset *ks,
					    int adapter, unsigned int addr,
					    bool ten)
{
	if (ten)
		addr = (addr & IAG_I2C_ADDR_MASK) | IAG_I2C_ADDR_TEN;
	return iag_keyset_lookup(ks, adapter, addr);
}

const struct iag_key *iag_keyset_lookup(const struct iag_keyset *ks,
					int adapter, unsigned int addr)
{
	const struct iag_key *any = NULL;

	for (size_t i = 0; i < ks->n; i++) {
		if (ks->keys[i].adapter != adapter)
			continue;
		if (ks->keys[i].addr == addr)
			return &ks->keys[i];
		if (ks->keys[i].addr == IAG_ADDR_ANY && !any)
			any = &ks->keys[i];
	}
	return any;
}

/* Merge the per-rule keys into the unique set; the first rule wins. */
static int merge(struct iag_keyset *ks)
{
	for (size_t r = 0; r < ks->n_rules; r++) {
		const struct iag_rule_match *rm = &ks->rules[r];

		for (size_t k = 0; k < rm->n_keys; k++) {
			const struct iag_key *src = &rm->keys[k];
			struct iag_key *nk;
			bool dup = false;

			for (size_t i = 0; i < ks->n && !dup; i++)
				dup = ks->keys[i].adapter == src->adapter &&
				      ks->keys[i].addr == src->addr;
			if (dup)
				continue;
			nk = realloc(ks->keys, (ks->n + 1) * sizeof(*nk));
			if (!nk)
				return -ENOMEM;
			ks->keys = nk;
			nk[ks->n] = *src;
			nk[ks->n].device = strdup(src->device);
			nk[ks->n].why = strdup(src->why);
			if (!nk[ks->n].device || !nk[ks->n].why) {
				free(nk[ks->n].device);
				free(nk[ks->n].why);
				return -ENOMEM;
			}
			ks->n++;
		}
	}
	return 0;
}

int iag_resolve_ex(const struct iag_policy *pol, const char *sysfs_root,
		   unsigned int flags, struct iag_keyset *out)
{
	struct rctx c = { .pol = pol, .ks = out, .flags = flags };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	c.m = iag_devmodel_open(sysfs_root ? sysfs_root : "/sys");
	if (!c.m) {
		rc = -errno ? -errno : -ENOENT;
		return rc;
	}
	out->rules = calloc(pol->n_rules ? pol->n_rules : 1,
			    sizeof(*out->rules));
	if (!out->rules) {
		iag_devmodel_close(c.m);
		return -ENOMEM;
	}
	out->n_rules = pol->n_rules;
	for (size_t i = 0; i < pol->n_rules && !rc; i++) {
		c.rule = &pol->rules[i];
		c.rm = &out->rules[i];
		c.rm->rule_id = pol->rules[i].id;
		rc = resolve_rule(&c);
		iag_strv_free(&c.no_addr);
	}
	if (!rc)
		rc = merge(out);
	iag_devmodel_close(c.m);
	if (rc)
		iag_keyset_free(out);
	return rc;
}

int iag_resolve(const struct iag_policy *pol, const char *sysfs_root,
		struct iag_keyset *out)
{
	return iag_resolve_ex(pol, sysfs_root, 0, out);
}

static void free_keys(struct iag_key *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(k[i].device);
		free(k[i].why);
	}
	free(k);
}

void iag_keyset_free(struct iag_keyset *ks)
{
	if (!ks)
		return;
	free_keys(ks->keys, ks->n);
	for (size_t r = 0; r < ks->n_rules; r++) {
		struct iag_rule_match *rm = &ks->rules[r];

		for (size_t i = 0; i < rm->n_devices; i++) {
			free(rm->devices[i]);
			free(rm->device_why[i]);
		}
		free(rm->devices);
		free(rm->device_why);
		free_keys(rm->keys, rm->n_keys);
	}
	free(ks->rules);
	for (size_t i = 0; i < ks->n_warnings; i++)
		free(ks->warnings[i]);
	free(ks->warnings);
	memset(ks, 0, sizeof(*ks));
}

const char *iag_key_addr_str(unsigned int addr, char *buf, size_t len)
{
	if (addr == IAG_ADDR_ANY)
		snprintf(buf, len, "any");
	else if (iag_i2c_addr_is_ten(addr))
		snprintf(buf, len, "0x%03x/10-bit", addr & IAG_I2C_ADDR_MASK);
	else
		snprintf(buf, len, "0x%02x", addr);
	return buf;
}
