// SPDX-License-Identifier: GPL-2.0-only
/*
 * floor: attach an empty BPF program to __i2c_smbus_xfer() and wait for
 * SIGINT/SIGTERM; the benchmark's floor for "a BPF program on that hook".
 *
 *   floor [fentry|kprobe]
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
	bool kprobe = !strcmp(kind, "kprobe");
	struct floor_bpf *skel;
	struct bpf_link *link;
	struct sigaction sa;

	if (!kprobe && strcmp(kind, "fentry")) {
		fprintf(stderr, "usage: floor [fentry|kprobe]\n");
		return 2;
	}
	libbpf_set_print(print_warn);
	skel = floor_bpf__open();
	if (!skel) {
		fprintf(stderr, "floor: open failed: %s\n", strerror(errno));
		return 4;
	}
	bpf_program__set_autoload(skel->progs.floor_fentry, !kprobe);
	bpf_program__set_autoload(skel->progs.floor_kprobe, kprobe);
	if (floor_bpf__load(skel)) {
		fprintf(stderr, "floor: load failed: %s\n", strerror(errno));
		floor_bpf__destroy(skel);
		return 4;
	}
	link = bpf_program__attach(kprobe ? skel->progs.floor_kprobe :
				   skel->progs.floor_fentry);
	if (!link) {
		fprintf(stderr, "floor: attach failed: %s\n", strerror(errno));
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
	bpf_link__destroy(link);
	floor_bpf__destroy(skel);
	return 0;
}
