/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command table: one do_<command>() per top-level command, each in its
 * own cmd_<command>.c, each returning an enum iag_exit code.
 * argv[0] is the command name itself ("audit", "policy", ...).
 */
#ifndef IAG_COMMANDS_H
#define IAG_COMMANDS_H

int do_status(int argc, char **argv);
int do_policy(int argc, char **argv);	/* check | load | unload | show */
int do_audit(int argc, char **argv);
int do_enforce(int argc, char **argv);
int do_report(int argc, char **argv);
int do_ci(int argc, char **argv);
int do_shutdown_audit(int argc, char **argv);

#endif
