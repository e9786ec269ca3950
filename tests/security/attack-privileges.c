/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vr-attack's reports of what the process is: its capability sets, no_new_privs and
 * seccomp mode, its user and group ids, its open descriptors.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vr-attack.h"

/* ---- what the process is -------------------------------------------------------------- */

static void
status_field(const char *status, const char *key, char *buf, size_t size)
{
	const char *p = strstr(status, key);
	size_t n;

	snprintf(buf, size, "?");
	if (!p)
		return;
	p += strlen(key);
	p += strspn(p, ":\t ");
	n = strcspn(p, "\n");
	snprintf(buf, size, "%.*s", (int)n, p);
}

static bool
read_status(char *buf, size_t size)
{
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return true;
}

/* The capability sets, no_new_privs and seccomp mode, as /proc/self/status says. */
int
attack_status(void)
{
	static const char *const keys[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp" };
	char status[16384], v[64];

	if (!read_status(status, sizeof status))
		return setup_failed("/proc/self/status");
	fputs("ok", stdout);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		/* "Seccomp:" would also match "Seccomp_filters:"; it comes first. */
		char key[32];
		snprintf(key, sizeof key, "\n%s:", keys[i]);
		status_field(status, key, v, sizeof v);
		printf(" %s=%s", keys[i], v);
	}
	fputc('\n', stdout);
	return 0;
}

/* Who this process is: for set-user-ID and file-capability copies of the helper. */
int
attack_ids(void)
{
	char status[16384], prm[64], eff[64];
	uid_t r, e, s;
	gid_t gr, ge, gs;

	if (!read_status(status, sizeof status) || getresuid(&r, &e, &s) < 0 || getresgid(&gr, &ge, &gs) < 0)
		return setup_failed("ids");
	status_field(status, "\nCapPrm:", prm, sizeof prm);
	status_field(status, "\nCapEff:", eff, sizeof eff);
	return ok("uid=%u euid=%u suid=%u gid=%u egid=%u CapPrm=%s CapEff=%s", r, e, s, gr, ge, prm, eff);
}

/* The descriptors open in this process (but the one reading the list). */
int
attack_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	bool first = true;

	if (!d)
		return setup_failed("opendir /proc/self/fd");
	fputs("ok fds=", stdout);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		printf("%s%s", first ? "" : ",", de->d_name);
		first = false;
	}
	fputc('\n', stdout);
	closedir(d);
	return 0;
}
