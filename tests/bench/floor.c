// SPDX-License-Identifier: GPL-2.0-only
/*
 * floor: attach an empty BPF program to __i2c_smbus_xfer() and wait for
 * SIGINT/SIGTERM; the benchmark's floor for "a BPF program on that hook".
 *
 *   floor [fentry|kprobe|fexit|kprobe+fentry|kprobe+tp]
 *
 * fexit attaches an empty fentry and fexit pair, kprobe+fentry an empty
 * kprobe and fentry, kprobe+tp an empty kprobe and an empty program on the
 * stock smbus_result tracepoint: what the stock fallback's shapes cost
 * before any work.
 *
 * Prints "floor: attached (fentry)" on stderr once attached; exit 0 on a
 * signal, 4 if loading or attaching failed.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "floor.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static int print_warn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "fentry";
	/*
	 * Which programs: fentry, kprobe, fexit (with the fentry),
	 * kprobe+fentry, kprobe+tp (the kprobe and the smbus_result tracepoint).
	 */
	bool tp = !strcmp(kind, "kprobe+tp");
	bool fentry = strcmp(kind, "kprobe") != 0 && !tp;
	bool kprobe = !strcmp(kind, "kprobe") || !strcmp(kind, "kprobe+fentry") || tp;
	bool fexit = !strcmp(kind, "fexit");
	struct bpf_program *progs[3];
	struct bpf_link *links[3] = { 0 };
	struct floor_bpf *skel;
	struct sigaction sa;
	int n = 0, i;

	if (strcmp(kind, "fentry") && strcmp(kind, "kprobe") && !fexit &&
	    strcmp(kind, "kprobe+fentry") && !tp) {
		fprintf(stderr, "usage: floor [fentry|kprobe|fexit|kprobe+fentry|kprobe+tp]\n");
		return 2;
	}
	libbpf_set_print(print_warn);
	skel = floor_bpf__open();
	if (!skel) {
		fprintf(stderr, "floor: open failed: %s\n", strerror(errno));
		return 4;
	}
	bpf_program__set_autoload(skel->progs.floor_fentry, fentry);
	bpf_program__set_autoload(skel->progs.floor_kprobe, kprobe);
	bpf_program__set_autoload(skel->progs.floor_fexit, fexit);
	bpf_program__set_autoload(skel->progs.floor_tp_result, tp);
	if (kprobe)
		progs[n++] = skel->progs.floor_kprobe;
	if (fentry)
		progs[n++] = skel->progs.floor_fentry;
	if (fexit)
		progs[n++] = skel->progs.floor_fexit;
	if (tp)
		progs[n++] = skel->progs.floor_tp_result;
	if (floor_bpf__load(skel)) {
		fprintf(stderr, "floor: load failed: %s\n", strerror(errno));
		floor_bpf__destroy(skel);
		return 4;
	}
	for (i = 0; i < n; i++) {
		links[i] = bpf_program__attach(progs[i]);
		if (!links[i]) {
			fprintf(stderr, "floor: attach failed: %s\n", strerror(errno));
			while (i-- > 0)
				bpf_link__destroy(links[i]);
			floor_bpf__destroy(skel);
			return 4;
		}
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
	floor_bpf__destroy(skel);
	return 0;
}
