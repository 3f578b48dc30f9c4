// SPDX-License-Identifier: GPL-2.0-only
/*
 * floor: attach empty BPF programs and wait for SIGINT/SIGTERM; the
 * benchmark's floors for "a BPF program on that hook".
 *
 *   floor [KIND]
 *
 *   fentry          an empty fentry on __i2c_smbus_xfer() (the default)
 *   kprobe          an empty kprobe there
 *   fexit           an empty fentry and fexit pair
 *   kprobe+fentry   an empty kprobe and fentry
 *   kprobe+tp       an empty kprobe and an empty program on the stock
 *                   smbus_result tracepoint
 *   atomic-tp       programs on the patched kernel's i2c_atomic_smbus_xfer
 *                   and i2c_atomic_result events that only count the
 *                   first's runs: the floor of any watcher of both
 *
 * The pairs are what the stock fallback's shapes, and atomic mode's two
 * events, cost before any work. Prints "floor: attached (KIND)" on stderr
 * once attached and, at the end, "floor: counted=N" (atomic-tp's count of
 * transfers, for a loop measured with bpf_stats off); exit 0 on a signal, 4
 * if loading or attaching failed.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "floor.skel.h"

enum {
	P_KPROBE = 1, P_FENTRY = 2, P_FEXIT = 4, P_TP_RESULT = 8, P_ATOMIC = 16,
};

static const struct {
	const char *name;
	unsigned int progs;
} kinds[] = {
	{ "fentry", P_FENTRY },
	{ "kprobe", P_KPROBE },
	{ "fexit", P_FENTRY | P_FEXIT },
	{ "kprobe+fentry", P_KPROBE | P_FENTRY },
	{ "kprobe+tp", P_KPROBE | P_TP_RESULT },
	{ "atomic-tp", P_ATOMIC },
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static int print_warn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

/* The programs of @mask, autoloaded, in attach order into @progs; their number. */
static int pick(struct floor_bpf *skel, unsigned int mask, struct bpf_program **progs)
{
	struct bpf_program *all[] = {
		skel->progs.floor_kprobe, skel->progs.floor_fentry, skel->progs.floor_fexit,
		skel->progs.floor_tp_result, skel->progs.floor_atomic_xfer,
		skel->progs.floor_atomic_result,
	};
	const unsigned int bit[] = { P_KPROBE, P_FENTRY, P_FEXIT, P_TP_RESULT, P_ATOMIC, P_ATOMIC };
	int i, n = 0;

	for (i = 0; i < (int)(sizeof(all) / sizeof(all[0])); i++) {
		bpf_program__set_autoload(all[i], mask & bit[i]);
		if (mask & bit[i])
			progs[n++] = all[i];
	}
	return n;
}

static int attach_all(struct bpf_program **progs, struct bpf_link **links, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		links[i] = bpf_program__attach(progs[i]);
		if (!links[i]) {
			fprintf(stderr, "floor: attach failed: %s\n", strerror(errno));
			while (i-- > 0)
				bpf_link__destroy(links[i]);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "fentry";
	struct bpf_program *progs[6];
	struct bpf_link *links[6] = { 0 };
	unsigned int mask = 0;
	struct floor_bpf *skel;
	struct sigaction sa;
	int n, i;

	for (i = 0; i < (int)(sizeof(kinds) / sizeof(kinds[0])); i++)
		if (!strcmp(kind, kinds[i].name))
			mask = kinds[i].progs;
	if (!mask) {
		fprintf(stderr, "usage: floor [fentry|kprobe|fexit|kprobe+fentry|kprobe+tp|"
			"atomic-tp]\n");
		return 2;
	}
	libbpf_set_print(print_warn);
	skel = floor_bpf__open();
	if (!skel) {
		fprintf(stderr, "floor: open failed: %s\n", strerror(errno));
		return 4;
	}
	n = pick(skel, mask, progs);
	if (floor_bpf__load(skel) || attach_all(progs, links, n)) {
		fprintf(stderr, "floor: load or attach failed: %s\n", strerror(errno));
		floor_bpf__destroy(skel);
		return 4;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "floor: attached (%s)\n", kind);
	fflush(stderr);
	while (!stop)
		pause();
	for (i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	if (mask & P_ATOMIC)
		fprintf(stderr, "floor: counted=%llu\n", (unsigned long long)skel->bss->atomic_runs);
	floor_bpf__destroy(skel);
	return 0;
}
