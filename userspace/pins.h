/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The allowlist map (a one-slot array of maps) and the pin directory: an
 * allowlist replaced in one step, a pin directory checked before it is
 * trusted, a pinned set that says what it is (the "info" map) and that an
 * upgrade replaces without a moment with nothing attached.
 */
#ifndef IAG_PINS_H
#define IAG_PINS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "../include/i2c_atomic_guard.h"

struct iag_keyset;

struct iag_allow_kv {
	struct iag_allow_key k;
	struct iag_allow_val v;
};

/*
 * Build a new inner map holding @ks and swap it into slot IAG_ALLOW_SLOT of
 * the outer map @outer_fd with one update: a program sees the old set or the
 * new one, never a mix. On any failure the old set stays, whole. The new map
 * is made like the current set or, while the slot is empty, like @like_fd
 * (-1: none). 0/-errno (reported).
 */
int iag_allow_swap(int outer_fd, int like_fd, const struct iag_keyset *ks);
/* Every key of the current set (*out malloc'ed). 0/-errno. */
int iag_allow_read(int outer_fd, struct iag_allow_kv **out, size_t *n);
/* Is @fd an allowlist outer map of this version? 0, or -errno (reported, @what names it). */
int iag_allow_check(int fd, const char *what);

/*
 * Why the pin directory @dir may not be trusted (not a directory, a symlink,
 * not owned by root, writable by group or other), or NULL. @buf holds the
 * message.
 */
const char *iag_pin_dir_problem(const char *dir, char *buf, size_t len);
/* "$dir/$name" into @buf. */
const char *iag_pin_path(const char *name, char *buf, size_t len);
/* Open the pinned allowlist (checked): fd, or an enum iag_exit code negated. */
int iag_pin_open_allow(bool quiet_enoent);
/* The pinned info map's entry; 0/-errno (-ENOENT: nothing pinned). */
int iag_pin_info_read(struct iag_pin_info *pi);
/* Update the pinned info map's entry. 0/-errno. */
int iag_pin_info_write(const struct iag_pin_info *pi);

/* One object of a set to pin: a map or link fd, under @name. */
struct iag_pin_obj {
	const char *name;
	int fd;
};

/*
 * Pin @objs (n of them) under the pin directory, replacing what is there:
 * each is pinned as NAME.new, then renamed over NAME, then what the old set
 * had and the new one does not is removed. The new programs are attached
 * before the call, so enforcement never stops. 0/-errno (reported).
 */
int iag_pin_replace(const struct iag_pin_obj *objs, size_t n);

#endif
