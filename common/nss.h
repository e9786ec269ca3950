/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Users and groups from the system's databases (NSS), the one way the policy validator and
 * the plan builder read them, so that what validates is what runs.
 */

#include <stdbool.h>
#include <sys/types.h>

/*
 * Look up user (or, with `group`, group) `name`, or with name NULL the id `id`. Returns 1
 * and fills *ret_id (and, for a user, *ret_gid, the primary group; either may be NULL)
 * when found, 0 when there is no such entry, a negative errno when the lookup itself
 * failed. Uses the _r functions: a library must not clobber a caller's getpwnam() buffer.
 */
int vr_nss_lookup(bool group, const char *name, unsigned id, unsigned *ret_id, unsigned *ret_gid);

/*
 * The policy's form, a name or a number as text: a name first, then, when no entry has that
 * name and the text is all digits, the number as an id ("1000" is a uid unless some user
 * is really called that). Same returns as vr_nss_lookup().
 */
int vr_nss_lookup_text(bool group, const char *text, unsigned *ret_id, unsigned *ret_gid);
