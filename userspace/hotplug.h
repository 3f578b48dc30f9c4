/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel uevents (NETLINK_KOBJECT_UEVENT): a running audit or enforce
 * re-resolves its policy when devices come, go, or (un)bind drivers, so a
 * client hot-added under a covered driver is allowed without a restart.
 */
#ifndef IAG_HOTPLUG_H
#define IAG_HOTPLUG_H

#include <stdbool.h>

/* A non-blocking uevent socket, or -errno. */
int iag_hotplug_open(void);
/* Drain the socket: did any add/remove/bind/unbind/move arrive? */
bool iag_hotplug_pending(int fd);
void iag_hotplug_close(int fd);

#endif
