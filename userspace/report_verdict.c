// SPDX-License-Identifier: GPL-2.0-only
/*
 * Verdicts of a report, recomputed from what the kernel saw: the record's
 * adapter and address (and whether the address is a 10-bit one) against
 * the keys of the policy. Names a record declares (device, driver, sysfs)
 * are for people to read; they decide nothing, since whoever wrote the
 * record could have written any name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "policy.h"
#include "report.h"
#include "resolve.h"

static bool record_ten_bit(const struct iag_record *r)
{
	return r->flags >= 0 && (r->flags & IAG_FLAG_TEN);
}

/*
 * The rules whose keys need no sysfs: an `i2c:` client by adapter and
 * address, an `adapter:` by number. -1 if none allows @r.
 */
long iag_policy_match_record(const struct iag_policy *pol,
			     const struct iag_record *r)
{
	bool ten = record_ten_bit(r);

	if (r->adapter < 0 || r->addr < 0)
		return -1;
	for (size_t i = 0; i < pol->n_rules; i++) {
		const struct iag_rule *ru = &pol->rules[i];

		if (ru->sel == IAG_SEL_ADAPTER && r->adapter == ru->adapter)
			return (long)i;
		if (ru->sel == IAG_SEL_I2C && r->adapter == ru->adapter &&
		    (unsigned int)r->addr == (ru->addr & IAG_I2C_ADDR_MASK) &&
		    ten == iag_i2c_addr_is_ten(ru->addr))
			return (long)i;
	}
	return -1;
}

static long decide_rule(const struct iag_policy *pol,
			const struct iag_keyset *ks, const struct iag_record *r)
{
	const struct iag_key *k = NULL;

	if (r->adapter < 0 || r->addr < 0)
		return -1;
	if (ks)
		k = iag_keyset_lookup_ten(ks, r->adapter, (unsigned int)r->addr,
					  record_ten_bit(r));
	if (k)
		return (long)k->rule_id;
	return iag_policy_match_record(pol, r);
}

static void set_rule(struct iag_record *r, const struct iag_policy *pol,
		     long rule)
{
	r->rule = rule;
	r->verdict = rule >= 0 ? IAG_VERDICT_ALLOWED : IAG_VERDICT_VIOLATION;
	free(r->rule_text);
	r->rule_text = NULL;
	if (rule >= 0 && (size_t)rule < pol->n_rules &&
	    asprintf(&r->rule_text, "%s: %s",
		     iag_selector_name(pol->rules[rule].sel),
		     pol->rules[rule].value) < 0)
		r->rule_text = NULL;
}

static void count(struct iag_report *rep, const struct iag_record *r)
{
	switch (r->verdict) {
	case IAG_VERDICT_ALLOWED:
		rep->allowed += r->count;
		break;
	case IAG_VERDICT_DENIED:
		rep->denied += r->count;
		break;
	default:
		rep->violations += r->count;
		break;
	}
}

void iag_report_decide(struct iag_report *rep, const struct iag_policy *pol,
		       const struct iag_keyset *ks, struct iag_devmodel *m)
{
	rep->allowed = rep->violations = rep->denied = 0;
	rep->have_policy = pol != NULL;
	for (size_t i = 0; i < rep->n; i++) {
		struct iag_record *r = &rep->rec[i];

		iag_record_fill_device(r, m);
		if (r->kind == IAG_KIND_DENIED) {
			r->verdict = IAG_VERDICT_DENIED;
		} else if (r->kind == IAG_KIND_ATOMIC_CONTEXT_XFER) {
			/* sleeping in atomic context: no policy allows it */
			r->verdict = IAG_VERDICT_VIOLATION;
			r->rule = -1;
		} else if (pol) {
			set_rule(r, pol, decide_rule(pol, ks, r));
		} else if (!r->verdict) {
			r->verdict = IAG_VERDICT_VIOLATION;
		}
		count(rep, r);
	}
}
