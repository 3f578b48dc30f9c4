// SPDX-License-Identifier: GPL-2.0-only
/* enforce: refuse atomic-mode transfers the policy does not allow. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "live.h"
#include "policy.h"
#include "probe.h"
#include "resolve.h"
#include "session.h"
#include "util.h"

static void enforce_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s enforce --policy FILE [--pin] [--json] [--output FILE]\n"
		"                   [--duration SEC] [--stack-depth N] [--ringbuf-kb N]\n"
		"                   [--mode auto|tracepoint]\n"
		"       %s enforce --unpin\n"
		"\n"
		"Refuse (with -EPERM) I2C/SMBus transfers made in atomic mode by devices\n"
		"the policy does not allow, through the patched kernel's\n"
		"i2c_atomic_xfer_check() hook, and report them like audit does.\n"
		"Where the kernel cannot enforce (no hook, no fmod_ret, lockdown) it\n"
		"exits 3 and says why; it never falls back to audit.\n"
		"Prints \"%s: enforce: attached (mode tracepoint)\" on stderr once\n"
		"enforcing.\n"
		"\n"
		"Options:\n"
		"  -p, --policy FILE    allowlist (YAML), required\n"
		"      --pin            pin the maps and links under " IAG_PIN_DIR "/\n"
		"                       (mode 0600) and exit: enforcement stays. A set\n"
		"                       pinned before is replaced once the new one is\n"
		"                       attached (an upgrade never stops enforcement);\n"
		"                       'bpftool map dump pinned DIR/info' shows what it is\n"
		"      --unpin          remove what --pin left: enforcement stops\n"
		"  -d, --duration SEC   stop after SEC seconds; default: until a signal\n"
		"  -j, --json           JSON Lines records, then a summary\n"
		"  -o, --output FILE    write the records to FILE (JSON Lines)\n"
		"  -m, --mode MODE      auto or tracepoint (the same: enforcement needs the\n"
		"                       patched kernel); kprobe is refused with exit 3\n"
		"      --stack-depth N  kernel frames per violation, 0..%d (default 16)\n"
		"      --ringbuf-kb N   ring buffer size in KiB, a power of two (default 256)\n"
		"      --insecure-policy  take a policy file that non-root users could have\n"
		"                       written (refused otherwise, exit 2), with a warning\n"
		"      --override-mode  enforce a policy that says 'mode: audit' (refused\n"
		"                       otherwise, exit 2: the file asks to be audited only)\n"
		"  -h, --help           this help\n"
		"\n"
		"Examples:\n"
		"  %s enforce --policy board.yaml --json\n"
		"  %s enforce --policy board.yaml --pin && systemctl poweroff\n",
		iag_prog, iag_prog, iag_prog, IAG_MAX_STACK, iag_prog, iag_prog);
}

static int unpin(void)
{
	const char *dir = iag_pin_dir();
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0, rc = IAG_EXIT_OK;
	char path[512];

	if (!d) {
		if (errno == ENOENT) {
			fprintf(stderr, "%s: enforce: nothing pinned under %s\n",
				iag_prog, dir);
			return IAG_EXIT_OK;
		}
		iag_err("enforce: %s: %s", dir, strerror(errno));
		return IAG_EXIT_INTERNAL;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path)) {
			iag_err("enforce: unlink %s: %s", path, strerror(errno));
			rc = IAG_EXIT_INTERNAL;
			continue;
		}
		n++;
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT) {
		iag_err("enforce: rmdir %s: %s", dir, strerror(errno));
		rc = IAG_EXIT_INTERNAL;
	}
	if (!rc)
		fprintf(stderr, "%s: enforce: unpinned %d object%s from %s: enforcement stopped\n",
			iag_prog, n, n == 1 ? "" : "s", dir);
	return rc;
}

int do_enforce(int argc, char **argv)
{
	enum { OPT_PIN = 256, OPT_UNPIN, OPT_INSECURE, OPT_OVERRIDE };
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "pin", no_argument, NULL, OPT_PIN },
		{ "unpin", no_argument, NULL, OPT_UNPIN },
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "stack-depth", required_argument, NULL, IAG_OPT_STACK },
		{ "ringbuf-kb", required_argument, NULL, IAG_OPT_RB },
		{ "mode", required_argument, NULL, 'm' },
		{ "insecure-policy", no_argument, NULL, OPT_INSECURE },
		{ "override-mode", no_argument, NULL, OPT_OVERRIDE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *policy = NULL, *output = NULL;
	bool pin = false, do_unpin = false, insecure = false, override = false;
	struct iag_session_opts so;
	struct iag_session *s = NULL;
	struct iag_policy *pol = NULL;
	struct iag_keyset ks = { 0 };
	struct iag_live live;
	long duration = -1;
	int c, rc;

	iag_live_catch_signals();
	iag_session_opts_default(&so);
	so.enforce = true;
	so.mode = IAG_MODE_TRACEPOINT;
	while ((c = getopt_long(argc, argv, "p:d:jo:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			policy = optarg;
			break;
		case OPT_PIN:
			pin = true;
			break;
		case OPT_UNPIN:
			do_unpin = true;
			break;
		case OPT_INSECURE:
			insecure = true;
			break;
		case OPT_OVERRIDE:
			override = true;
			break;
		case 'd':
			duration = iag_parse_duration(optarg);
			if (duration < 0) {
				iag_err("enforce: bad --duration '%s'", optarg);
				return IAG_EXIT_USAGE;
			}
			break;
		case 'j':
			iag_json = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'm':
		case IAG_OPT_STACK:
		case IAG_OPT_RB:
			if (iag_session_opt(&so, c, optarg, "enforce"))
				return IAG_EXIT_USAGE;
			/* enforcement needs the hook: auto means tracepoint */
			if (so.mode == IAG_MODE_AUTO)
				so.mode = IAG_MODE_TRACEPOINT;
			break;
		case 'h':
			enforce_usage(stdout);
			return IAG_EXIT_OK;
		default:
			enforce_usage(stderr);
			return IAG_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		iag_err("enforce: unexpected argument '%s'", argv[optind]);
		return IAG_EXIT_USAGE;
	}
	if (do_unpin) {
		if (policy || pin) {
			iag_err("enforce: --unpin takes no --policy or --pin");
			return IAG_EXIT_USAGE;
		}
		return unpin();
	}
	if (!policy) {
		iag_err("enforce: --policy FILE is required (try 'enforce --help')");
		return IAG_EXIT_USAGE;
	}
	if (so.mode == IAG_MODE_KPROBE) {
		iag_err("enforce: kprobe mode cannot refuse transfers: enforcement needs the "
			"patched kernel's i2c_atomic_xfer_check() hook");
		return IAG_EXIT_UNSUPPORTED;
	}

	rc = iag_load_policy_keys(policy, &pol, &ks);
	if (!rc)
		rc = iag_policy_require_trusted(pol, insecure);
	if (!rc)
		rc = iag_policy_require_enforce_mode(pol, override, "enforce");
	if (rc)
		goto out;
	if (!ks.n)
		iag_warn("enforce: the policy allows no device: every atomic-mode transfer will be refused");
	if (pin) {
		struct iag_probe pr;

		iag_probe_kernel(&pr, false);
		if (!pr.bpffs) {
			iag_err("enforce: --pin needs bpffs mounted at /sys/fs/bpf "
				"(mount -t bpf bpf /sys/fs/bpf)");
			rc = IAG_EXIT_UNSUPPORTED;
			goto out;
		}
	}
	rc = iag_live_init(&live, output, iag_json, pol);
	if (rc)
		goto out;
	live.max_stack = so.stack_depth;
	so.keys = &ks;
	s = iag_session_open(&so, &rc);
	if (!s)
		goto out_live;
	if (pin) {
		int err = iag_session_pin(s, policy, (override ? IAG_PIN_MODE_OVERRIDE : 0) |
					  (insecure ? IAG_PIN_INSECURE : 0), ks.n);

		if (err) {
			/* The set pinned before, if any, is still whole and attached. */
			rc = err == -EPERM ? IAG_EXIT_USAGE : IAG_EXIT_INTERNAL;
			goto out_live;
		}
		fprintf(stderr, "%s: enforce: pinned under %s (%zu allowlist keys): "
			"enforcement stays until 'enforce --unpin'\n",
			iag_prog, iag_pin_dir(), ks.n);
		rc = IAG_EXIT_OK;
		goto out_live;
	}

	rc = iag_live_run(&live, s, "enforce", duration, pol, &ks);
out_live:
	iag_session_close(s);
	iag_live_fini(&live);
out:
	iag_policy_keys_free(pol, &ks);
	return rc;
}
