// SPDX-License-Identifier: GPL-2.0-only
/* Kernel uevents: tell a running session that the device tree changed. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "hotplug.h"

int iag_hotplug_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,		/* the kernel's uevent multicast group */
	};
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

bool iag_hotplug_pending(int fd)
{
	static const char *const actions[] = {
		"add@", "remove@", "bind@", "unbind@", "move@",
	};
	char buf[8192];
	bool changed = false;
	ssize_t n;
	size_t i;

	if (fd < 0)
		return false;
	/* The header is "ACTION@DEVPATH", then KEY=VALUE strings. */
	while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = 0;
		for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
			if (!strncmp(buf, actions[i], strlen(actions[i])))
				changed = true;
	}
	return changed;
}

void iag_hotplug_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
