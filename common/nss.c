/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "nss.h"

int
vr_nss_lookup(bool group, const char *name, unsigned id, unsigned *ret_id, unsigned *ret_gid)
{
	size_t size = 4096;

	for (;;) {
		_cleanup_free_ char *buf = malloc(size);
		struct passwd pw, *pwr = NULL;
		struct group gr, *grr = NULL;
		int r;

		if (!buf)
			return -ENOMEM;
		if (group)
			r = name ? getgrnam_r(name, &gr, buf, size, &grr) : getgrgid_r(id, &gr, buf, size, &grr);
		else
			r = name ? getpwnam_r(name, &pw, buf, size, &pwr) : getpwuid_r(id, &pw, buf, size, &pwr);
		if (r == ERANGE && size < (1U << 20)) {
			size *= 2;
			continue;
		}
		/* getpwnam(3): these mean "not found" in some NSS modules. */
		if (r == ENOENT || r == ESRCH || r == EBADF || r == EPERM)
			return 0;
		if (r != 0)
			return -r;
		if (group ? !grr : !pwr)
			return 0;
		if (ret_id)
			*ret_id = group ? (unsigned)gr.gr_gid : (unsigned)pw.pw_uid;
		if (ret_gid)
			*ret_gid = group ? (unsigned)gr.gr_gid : (unsigned)pw.pw_gid;
		return 1;
	}
}

int
vr_nss_lookup_text(bool group, const char *text, unsigned *ret_id, unsigned *ret_gid)
{
	size_t n = text ? strlen(text) : 0;
	unsigned long long id;
	int r;

	if (n == 0)
		return 0;
	r = vr_nss_lookup(group, text, 0, ret_id, ret_gid);
	if (r != 0 || n > 10 || strspn(text, "0123456789") != n)
		return r;
	id = strtoull(text, NULL, 10);
	/* (uid_t)-1 is "no change" to setresuid(), never an id. */
	if (id >= UINT32_MAX)
		return 0;
	return vr_nss_lookup(group, NULL, (unsigned)id, ret_id, ret_gid);
}
