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

int rf_write_dot(const struct iag_report *rep, struct iag_devmodel *m,
		     FILE *out)
{
	size_t ng;
	struct rf_group *g = rf_make_groups(rep, &ng);
	struct dot d = { .out = out };
	char id[300], pid[300], sum[300];

	if (!g)
		return -ENOMEM;
	rf_summary_line(rep, sum, sizeof(sum));
	fprintf(out, "digraph \"i2c-atomic-guard\" {\n");
	fprintf(out, "  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
	{
		char *s = iag_esc_dot(sum);

		fprintf(out, "  label=\"atomic-mode I2C transfers: %s\";\n  labelloc=t;\n",
			s ? s : "");
		free(s);
	}
	/* The hierarchy from sysfs, when there is one. */
	if (m && iag_devmodel_has_i2c(m)) {
		int *nrs;
		size_t na;

		if (!iag_dev_adapters(m, &nrs, &na)) {
			for (size_t i = 0; i < na; i++) {
				char *ap = iag_dev_adapter(m, nrs[i]);
				struct iag_devinfo ai = { 0 };
				char *label;

				if (ap)
					iag_dev_info(m, ap, &ai);
				snprintf(id, sizeof(id), "a:%d", nrs[i]);
				if (asprintf(&label, "i2c-%d\n%s", nrs[i],
					     ai.label ? ai.label : "") >= 0) {
					dot_node(&d, id, label, "shape=ellipse");
					free(label);
				}
				iag_devinfo_free(&ai);
				free(ap);
			}
			for (size_t i = 0; i < na; i++) {
				int parent;
				char *mux = NULL;
				struct iag_strv cl = { 0 };

				snprintf(id, sizeof(id), "a:%d", nrs[i]);
				if (!iag_dev_adapter_parent(m, nrs[i], &parent, &mux)) {
					struct iag_devinfo mi = { 0 };

					snprintf(pid, sizeof(pid), "a:%d", parent);
					if (mux && !iag_dev_info(m, mux, &mi)) {
						char mid[300];

						if (mi.is_client)
							dot_client(&d, g, ng, mi.name,
								   mi.driver, "(mux)");
						else {
							snprintf(mid, sizeof(mid), "d:%s", mi.name);
							dot_node(&d, mid, mi.name, NULL);
						}
						snprintf(mid, sizeof(mid), "d:%s", mi.name);
						dot_edge(&d, pid, mid, mi.is_client ? NULL :
							 "label=\"muxes\", style=dotted");
						dot_edge(&d, mid, id, "label=\"channel\"");
					} else {
						dot_edge(&d, pid, id, "label=\"mux\", style=dashed");
					}
					iag_devinfo_free(&mi);
					free(mux);
				}
				if (!iag_dev_clients_of(m, nrs[i], &cl)) {
					for (size_t k = 0; k < cl.n; k++) {
						struct iag_devinfo ci;
						struct iag_strv cons = { 0 };
						char cid[300];

						if (iag_dev_info(m, cl.v[k], &ci))
							continue;
						dot_client(&d, g, ng, ci.name, ci.driver, NULL);
						snprintf(cid, sizeof(cid), "d:%s", ci.name);
						dot_edge(&d, id, cid, NULL);
						if (!iag_dev_consumers(m, ci.path, &cons)) {
							for (size_t j = 0; j < cons.n; j++) {
								const char *b = strrchr(cons.v[j], '/');
								char uid[300];

								b = b ? b + 1 : cons.v[j];
								snprintf(uid, sizeof(uid), "d:%s", b);
								dot_node(&d, uid, b, "shape=note");
								dot_edge(&d, uid, cid,
									 "label=\"consumes\", style=dashed");
							}
						}
						iag_strv_free(&cons);
						iag_devinfo_free(&ci);
					}
				}
				iag_strv_free(&cl);
			}
			free(nrs);
		}
	}
	/* Whatever the records name (all of it when the sysfs is gone). */
	for (size_t i = 0; i < rep->n; i++) {
		const struct iag_record *r = &rep->rec[i];
		char *name = rf_group_name(r), cid[300], lab[32];

		if (!name)
			continue;
		for (size_t k = 0; k < r->path_len; k++) {
			snprintf(id, sizeof(id), "a:%d", r->adapter_path[k]);
			snprintf(lab, sizeof(lab), "i2c-%d", r->adapter_path[k]);
			dot_node(&d, id, lab, "shape=ellipse");
			int known;

			/* the sysfs already drew this level through its mux */
			if (k + 1 < r->path_len && m && iag_devmodel_has_i2c(m) &&
			    !iag_dev_adapter_parent(m, r->adapter_path[k], &known, NULL) &&
			    known == r->adapter_path[k + 1])
				continue;
			if (k + 1 < r->path_len) {
				snprintf(pid, sizeof(pid), "a:%d",
					 r->adapter_path[k + 1]);
				snprintf(lab, sizeof(lab), "i2c-%d",
					 r->adapter_path[k + 1]);
				dot_node(&d, pid, lab, "shape=ellipse");
				dot_edge(&d, pid, id, "label=\"mux\", style=dashed");
			}
		}
		snprintf(id, sizeof(id), "a:%d", r->adapter);
		snprintf(lab, sizeof(lab), "i2c-%d", r->adapter);
		dot_node(&d, id, lab, "shape=ellipse");
		if (r->addr >= 0) {
			dot_client(&d, g, ng, name, r->driver, NULL);
			snprintf(cid, sizeof(cid), "d:%s", name);
			dot_edge(&d, id, cid, NULL);
		}
		free(name);
	}
	fprintf(out, "}\n");
	iag_strv_free(&d.nodes);
	iag_strv_free(&d.edges);
	rf_free_groups(g, ng);
	return 0;
}

