// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the YAML policy parser (userspace/policy.c):
 * iag_policy_parse_buf() on arbitrary bytes.
 *
 * The input is copied into a heap buffer of exactly @size bytes with no
 * terminating NUL, so AddressSanitizer sees any read past the end. Beyond
 * "no crash, no leak, no UB" the harness checks the parser's contract and
 * aborts (a finding) when it is broken:
 *  - 0 means a policy came out, with no errors recorded, and every rule has
 *    a valid selector, a value, its own index as id and a 1-based position;
 *  - an error means no policy and at least one error recorded;
 *  - every error renders through iag_diag_text() as "name:..." text;
 *  - parsing is deterministic: the same bytes give the same answer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define FUZZ_NAME "fuzz.yaml"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_policy: %s:%d: check failed: %s\n", \
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static int parse(const char *buf, size_t size, struct iag_policy **pol,
		 struct iag_diag *diag)
{
	iag_diag_init(diag, FUZZ_NAME);
	return iag_policy_parse_buf(buf, size, FUZZ_NAME, pol, diag);
}

static void check_policy(const struct iag_policy *pol)
{
	CHECK(pol->path && !strcmp(pol->path, FUZZ_NAME));
	CHECK(pol->mode == IAG_POLICY_AUDIT || pol->mode == IAG_POLICY_ENFORCE);
	CHECK(pol->n_rules > 0 && pol->n_rules <= IAG_POLICY_MAX_RULES);
	CHECK(!pol->has_stat);
	for (size_t i = 0; i < pol->n_rules; i++) {
		const struct iag_rule *r = &pol->rules[i];

		CHECK(r->id == i);
		CHECK((unsigned int)r->sel < IAG_SEL_MAX);
		CHECK(r->value && *r->value);
		CHECK(r->line >= 1 && r->col >= 1);
		CHECK(strcmp(iag_selector_name(r->sel), "?"));
		if (r->reason)
			(void)strlen(r->reason);
		switch (r->sel) {
		case IAG_SEL_DEVICE:
			CHECK(!strncmp(r->value, "/sys/", 5));
			CHECK(!strstr(r->value, "//"));
			break;
		case IAG_SEL_I2C: {
			int bus;
			unsigned int addr;

			/* the normalized name parses back to the same thing */
			CHECK(!iag_parse_i2c_name(r->value, &bus, &addr));
			CHECK(bus == r->adapter && addr == r->addr);
			break;
		}
		case IAG_SEL_ADAPTER:
			CHECK(r->adapter >= 0);
			CHECK(!strncmp(r->value, "i2c-", 4));
			break;
		default:
			break;
		}
		/* no two rules alike */
		for (size_t k = 0; k < i; k++)
			CHECK(pol->rules[k].sel != r->sel ||
			      strcmp(pol->rules[k].value, r->value));
	}
	(void)iag_policy_mode_name(pol->mode);
	(void)iag_policy_insecure_reason(pol);
}

static void check_diag(const struct iag_diag *diag)
{
	char text[600];

	CHECK(diag->n <= IAG_DIAG_MAX);
	CHECK(diag->total >= diag->n);
	for (size_t i = 0; i < diag->n; i++) {
		iag_diag_text(diag, i, text, sizeof(text));
		CHECK(!strncmp(text, FUZZ_NAME ":", sizeof(FUZZ_NAME)));
		CHECK(diag->e[i].msg[0]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iag_policy *pol = NULL, *pol2 = NULL;
	struct iag_diag *diag, *diag2;
	char *buf;
	int rc, rc2;

	if (size > IAG_POLICY_MAX_SIZE + 1)
		return 0;
	buf = malloc(size ? size : 1);
	diag = malloc(sizeof(*diag));
	diag2 = malloc(sizeof(*diag2));
	if (!buf || !diag || !diag2)
		abort();
	if (size)
		memcpy(buf, data, size);

	rc = parse(buf, size, &pol, diag);
	if (rc == 0) {
		CHECK(pol);
		CHECK(diag->total == 0);
		check_policy(pol);
	} else {
		CHECK(rc < 0);
		CHECK(!pol);
		CHECK(diag->total > 0 && diag->n > 0);
	}
	check_diag(diag);

	/* same bytes, same verdict, same first error */
	rc2 = parse(buf, size, &pol2, diag2);
	CHECK(rc2 == rc);
	CHECK(diag2->total == diag->total);
	if (diag->n)
		CHECK(!strcmp(diag->e[0].msg, diag2->e[0].msg) &&
		      diag->e[0].line == diag2->e[0].line &&
		      diag->e[0].col == diag2->e[0].col);
	if (pol)
		CHECK(pol2 && pol2->n_rules == pol->n_rules &&
		      pol2->mode == pol->mode);

	iag_policy_free(pol);
	iag_policy_free(pol2);
	free(diag);
	free(diag2);
	free(buf);
	return 0;
}
