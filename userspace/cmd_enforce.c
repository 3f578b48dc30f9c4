// SPDX-License-Identifier: GPL-2.0-only
/* enforce: refuse atomic-mode transfers the policy does not allow. */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "live_cmd.h"
#include "policy.h"
#include "probe.h"
#include "session_keys.h"
#include "util.h"

static void enforce_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s enforce --policy FILE [--pin] [--json] [--output FILE]\n"
		"                   [--duration SEC] [--stack-depth N] [--ringbuf-kb N]\n"
		"                   [--mode auto|tracepoint] [--no-aggregate]\n"
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
		"      --ringbuf-kb N   ring buffer size in KiB, a power of two (default 64)\n"
		"      --no-aggregate   a record for every refusal (default: repeats of one\n"
		"                       device and stack are counted in the kernel and\n"
		"                       written as one record with a \"count\")\n"
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

/* enforce's own options, besides those of struct iag_live_cmd. */
struct enforce_opts {
	bool pin, unpin;
	bool insecure;		/* --insecure-policy */
	bool override;		/* --override-mode */
};

enum { OPT_PIN = 256, OPT_UNPIN, OPT_INSECURE, OPT_OVERRIDE };

static int enforce_opt(int opt, const char *arg, void *ctx)
{
	static const struct iag_cli_field own[] = {
		{ OPT_PIN, offsetof(struct enforce_opts, pin), true },
		{ OPT_UNPIN, offsetof(struct enforce_opts, unpin), true },
		{ OPT_INSECURE, offsetof(struct enforce_opts, insecure), true },
		{ OPT_OVERRIDE, offsetof(struct enforce_opts, override), true },
	};

	return iag_cli_store(own, sizeof(own) / sizeof(own[0]), ctx, opt, arg);
}

/* What the command line asks that enforce cannot do: an exit code, or -1. */
static int refuse_args(const struct iag_live_cmd *lc, const struct enforce_opts *e)
{
	if (!lc->cli.policy) {
		iag_err("enforce: --policy FILE is required (try 'enforce --help')");
		return IAG_EXIT_USAGE;
	}
	if (lc->so.mode == IAG_MODE_KPROBE) {
		iag_err("enforce: kprobe mode cannot refuse transfers: enforcement needs the "
			"patched kernel's i2c_atomic_xfer_check() hook");
		return IAG_EXIT_UNSUPPORTED;
	}
	return -1;
}

/* --pin needs somewhere to pin: an exit code. */
static int check_bpffs(void)
{
	struct iag_probe pr;

	iag_probe_kernel(&pr, 0);
	if (pr.bpffs)
		return IAG_EXIT_OK;
	iag_err("enforce: --pin needs bpffs mounted at /sys/fs/bpf "
		"(mount -t bpf bpf /sys/fs/bpf)");
	return IAG_EXIT_UNSUPPORTED;
}

/* The policy, and whether this file may be enforced at all. */
static int load_policy(struct iag_live_cmd *lc, const struct enforce_opts *e)
{
	int rc = iag_live_cmd_load_policy(lc);

	if (!rc)
		rc = iag_policy_require_trusted(lc->pol, e->insecure);
	if (!rc)
		rc = iag_policy_require_enforce_mode(lc->pol, e->override, "enforce");
	if (!rc && !lc->ks.n)
		iag_warn("enforce: the policy allows no device: every atomic-mode transfer will be refused");
	return rc;
}

/* Leave the attached session pinned: enforcement outlives the command. */
static int pin(struct iag_live_cmd *lc, const struct enforce_opts *e)
{
	int err = iag_session_pin(lc->s, lc->cli.policy,
				  (e->override ? IAG_PIN_MODE_OVERRIDE : 0) |
				  (e->insecure ? IAG_PIN_INSECURE : 0), lc->ks.n);

	/* On failure the set pinned before, if any, is still whole and attached. */
	if (err)
		return err == -EPERM ? IAG_EXIT_USAGE : IAG_EXIT_INTERNAL;
	fprintf(stderr, "%s: enforce: pinned under %s (%zu allowlist keys): "
		"enforcement stays until 'enforce --unpin'\n",
		iag_prog, iag_pin_dir(), lc->ks.n);
	return IAG_EXIT_OK;
}

int do_enforce(int argc, char **argv)
{
	static const struct option opts[] = {
		IAG_LIVE_CMD_OPTS,
		{ "pin", no_argument, NULL, OPT_PIN },
		{ "unpin", no_argument, NULL, OPT_UNPIN },
		{ "insecure-policy", no_argument, NULL, OPT_INSECURE },
		{ "override-mode", no_argument, NULL, OPT_OVERRIDE },
		{ NULL, 0, NULL, 0 },
	};
	struct enforce_opts e = { 0 };
	struct iag_live_cmd lc;
	int rc;

	rc = iag_live_cmd_parse(&lc, "enforce", enforce_usage, argc, argv,
				"p:d:jo:m:h", opts, enforce_opt, &e);
	if (rc >= 0)
		return rc;
	if (e.unpin) {
		if (lc.cli.policy || e.pin) {
			iag_err("enforce: --unpin takes no --policy or --pin");
			return IAG_EXIT_USAGE;
		}
		return unpin();
	}
	/* Enforcement needs the hook: auto means tracepoint. */
	if (lc.so.mode == IAG_MODE_AUTO)
		lc.so.mode = IAG_MODE_TRACEPOINT;
	lc.so.enforce = true;
	rc = refuse_args(&lc, &e);
	if (rc >= 0)
		return rc;
	rc = load_policy(&lc, &e);
	if (!rc && e.pin)
		rc = check_bpffs();
	if (!rc)
		rc = iag_live_cmd_attach(&lc);
	if (!rc)
		rc = e.pin ? pin(&lc, &e) : iag_live_cmd_run(&lc);
	iag_live_cmd_fini(&lc);
	return rc;
}
