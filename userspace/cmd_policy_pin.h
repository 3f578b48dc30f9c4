/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The policy subcommands that act on the pinned allowlist (cmd_policy_pin.c),
 * dispatched from do_policy() (cmd_policy.c). Each returns an enum iag_exit
 * code; argv[0] is the subcommand name.
 */
#ifndef IAG_CMD_POLICY_PIN_H
#define IAG_CMD_POLICY_PIN_H

#include <stdio.h>

/* The pinned allowlist, unless $IAG_PIN_DIR says otherwise. */
#define ALLOW_MAP_PATH	"/sys/fs/bpf/i2c-atomic-guard/allow"

int iag_policy_cmd_load(int argc, char **argv);
int iag_policy_cmd_unload(int argc, char **argv);
int iag_policy_cmd_show(int argc, char **argv);
int iag_policy_cmd_refresh(int argc, char **argv);
/* The help of every policy subcommand (cmd_policy.c). */
void iag_policy_usage(FILE *f);

#endif
