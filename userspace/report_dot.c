// SPDX-License-Identifier: GPL-2.0-only
/* The DOT report: the device hierarchy for dot(1), coloured by verdict. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "report.h"
#include "report_fmt.h"
#include "table.h"
#include "util.h"

/* ---- DOT -------------------------------------------------------------- */

struct dot {
	FILE *out;
	struct iag_strv nodes;		/* ids already written */
	struct iag_strv edges;
	struct rf_group *g;		/* records by device, for the colours */
	size_t ng;
};

static void dot_node(struct dot *d, const char *id, const char *label,
		     const char *attrs)
{
	char *eid, *el;

	if (iag_strv_has(&d->nodes, id))
		return;
	iag_strv_add(&d->nodes, id);
	eid = iag_esc_dot(id);
	el = iag_esc_dot(label);
	fprintf(d->out, "  \"%s\" [label=\"%s\"%s%s];\n", eid ? eid : "",
		el ? el : "", attrs ? ", " : "", attrs ? attrs : "");
	free(eid);
	free(el);
}

static void dot_edge(struct dot *d, const char *from, const char *to,
		     const char *attrs)
{
	char *key, *ef, *et;

	if (asprintf(&key, "%s\x01%s", from, to) < 0)
		return;
	if (iag_strv_has(&d->edges, key)) {
		free(key);
		return;
	}
	iag_strv_add(&d->edges, key);
	free(key);
	ef = iag_esc_dot(from);
	et = iag_esc_dot(to);
	fprintf(d->out, "  \"%s\" -> \"%s\"%s%s%s;\n", ef ? ef : "",
		et ? et : "", attrs ? " [" : "", attrs ? attrs : "",
		attrs ? "]" : "");
	free(ef);
	free(et);
}

static const char *verdict_attrs(const struct rf_group *g)
{
	if (!g)
		return NULL;
	if (g->violations)
		return "style=filled, fillcolor=\"#f4a6a6\", color=red, penwidth=2";
	if (g->denied)
		return "style=filled, fillcolor=\"#f6c98e\", color=darkorange, penwidth=2";
	return "style=filled, fillcolor=\"#b7e4b7\", color=darkgreen";
}

static const struct rf_group *find_group(const struct rf_group *g, size_t ng,
				      const char *name)
{
	for (size_t k = 0; k < ng; k++)
		if (!strcmp(g[k].name, name))
			return &g[k];
	return NULL;
}

static void dot_client(struct dot *d, const struct rf_group *g, size_t ng,
		       const char *name, const char *driver,
		       const char *label_attr)
{
	char id[300], *label;
	const struct rf_group *gr = find_group(g, ng, name);

	snprintf(id, sizeof(id), "d:%s", name);
	if (asprintf(&label, "%s\n%s%s%s", name, driver ? driver : "(no driver)",
		     label_attr ? "\n" : "", label_attr ? label_attr : "") < 0)
		return;
	dot_node(d, id, label, verdict_attrs(gr));
	free(label);
}

#define DOT_ID_MAX	300

static void dot_adapter(struct dot *d, int nr)
{
	char id[32], lab[32];

	snprintf(id, sizeof(id), "a:%d", nr);
	snprintf(lab, sizeof(lab), "i2c-%d", nr);
	dot_node(d, id, lab, "shape=ellipse");
}

/* An adapter from the sysfs, with its name under the number. */
static void sysfs_adapter_node(struct dot *d, struct iag_devmodel *m, int nr)
{
	char *ap = iag_dev_adapter(m, nr), *label, id[32];
	struct iag_devinfo ai = { 0 };

	if (ap)
		iag_dev_info(m, ap, &ai);
	snprintf(id, sizeof(id), "a:%d", nr);
	if (asprintf(&label, "i2c-%d\n%s", nr, ai.label ? ai.label : "") >= 0) {
		dot_node(d, id, label, "shape=ellipse");
		free(label);
	}
	iag_devinfo_free(&ai);
	free(ap);
}

/* Channel adapter @nr: its parent, through the mux device when known. */
static void sysfs_mux(struct dot *d, struct iag_devmodel *m, int nr)
{
	char id[32], pid[32], mid[DOT_ID_MAX], *mux = NULL;
	struct iag_devinfo mi = { 0 };
	int parent;

	if (iag_dev_adapter_parent(m, nr, &parent, &mux))
		return;
	snprintf(id, sizeof(id), "a:%d", nr);
	snprintf(pid, sizeof(pid), "a:%d", parent);
	if (mux && !iag_dev_info(m, mux, &mi)) {
		snprintf(mid, sizeof(mid), "d:%s", mi.name);
		if (mi.is_client)
			dot_client(d, d->g, d->ng, mi.name, mi.driver, "(mux)");
		else
			dot_node(d, mid, mi.name, NULL);
		dot_edge(d, pid, mid, mi.is_client ? NULL :
			 "label=\"muxes\", style=dotted");
		dot_edge(d, mid, id, "label=\"channel\"");
	} else {
		dot_edge(d, pid, id, "label=\"mux\", style=dashed");
	}
	iag_devinfo_free(&mi);
	free(mux);
}

/* A client of adapter node @aid and the devices that consume it. */
static void sysfs_client(struct dot *d, struct iag_devmodel *m,
			 const char *aid, const char *path)
{
	struct iag_strv cons = { 0 };
	struct iag_devinfo ci;
	char cid[DOT_ID_MAX], uid[DOT_ID_MAX];

	if (iag_dev_info(m, path, &ci))
		return;
	dot_client(d, d->g, d->ng, ci.name, ci.driver, NULL);
	snprintf(cid, sizeof(cid), "d:%s", ci.name);
	dot_edge(d, aid, cid, NULL);
	if (!iag_dev_consumers(m, ci.path, &cons)) {
		for (size_t j = 0; j < cons.n; j++) {
			const char *b = strrchr(cons.v[j], '/');

			b = b ? b + 1 : cons.v[j];
			snprintf(uid, sizeof(uid), "d:%s", b);
			dot_node(d, uid, b, "shape=note");
			dot_edge(d, uid, cid, "label=\"consumes\", style=dashed");
		}
	}
	iag_strv_free(&cons);
	iag_devinfo_free(&ci);
}

/* The hierarchy from sysfs: adapters, muxes, clients, consumers. */
static void dot_sysfs(struct dot *d, struct iag_devmodel *m)
{
	int *nrs;
	size_t na;

	if (iag_dev_adapters(m, &nrs, &na))
		return;
	for (size_t i = 0; i < na; i++)
		sysfs_adapter_node(d, m, nrs[i]);
	for (size_t i = 0; i < na; i++) {
		struct iag_strv cl = { 0 };
		char id[32];

		sysfs_mux(d, m, nrs[i]);
		snprintf(id, sizeof(id), "a:%d", nrs[i]);
		if (!iag_dev_clients_of(m, nrs[i], &cl))
			for (size_t k = 0; k < cl.n; k++)
				sysfs_client(d, m, id, cl.v[k]);
		iag_strv_free(&cl);
	}
	free(nrs);
}

/* What one record names: its adapter path and its client. */
static void dot_record(struct dot *d, struct iag_devmodel *m,
		       const struct iag_record *r)
{
	char *name = rf_group_name(r), id[32], pid[32], cid[DOT_ID_MAX];
	bool have_sysfs = m && iag_devmodel_has_i2c(m);
	int known;

	if (!name)
		return;
	for (size_t k = 0; k < r->path_len; k++) {
		dot_adapter(d, r->adapter_path[k]);
		if (k + 1 >= r->path_len)
			continue;
		/* the sysfs already drew this level through its mux */
		if (have_sysfs &&
		    !iag_dev_adapter_parent(m, r->adapter_path[k], &known, NULL) &&
		    known == r->adapter_path[k + 1])
			continue;
		snprintf(id, sizeof(id), "a:%d", r->adapter_path[k]);
		snprintf(pid, sizeof(pid), "a:%d", r->adapter_path[k + 1]);
		dot_adapter(d, r->adapter_path[k + 1]);
		dot_edge(d, pid, id, "label=\"mux\", style=dashed");
	}
	dot_adapter(d, r->adapter);
	if (r->addr >= 0) {
		snprintf(id, sizeof(id), "a:%d", r->adapter);
		dot_client(d, d->g, d->ng, name, r->driver, NULL);
		snprintf(cid, sizeof(cid), "d:%s", name);
		dot_edge(d, id, cid, NULL);
	}
	free(name);
}

int rf_write_dot(const struct iag_report *rep, struct iag_devmodel *m,
		 FILE *out)
{
	struct dot d = { .out = out };
	char sum[300], *s;

	d.g = rf_make_groups(rep, &d.ng);
	if (!d.g)
		return -ENOMEM;
	rf_summary_line(rep, sum, sizeof(sum));
	s = iag_esc_dot(sum);
	fprintf(out, "digraph \"i2c-atomic-guard\" {\n");
	fprintf(out, "  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
	fprintf(out, "  label=\"atomic-mode I2C transfers: %s\";\n  labelloc=t;\n",
		s ? s : "");
	free(s);
	if (m && iag_devmodel_has_i2c(m))
		dot_sysfs(&d, m);
	/* whatever the records name (all of it when the sysfs is gone) */
	for (size_t i = 0; i < rep->n; i++)
		dot_record(&d, m, &rep->rec[i]);
	fprintf(out, "}\n");
	iag_strv_free(&d.nodes);
	iag_strv_free(&d.edges);
	rf_free_groups(d.g, d.ng);
	return 0;
}
