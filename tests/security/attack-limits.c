/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vr-attack's attacks on the limits: processes and memory until they run out, and the
 * network (connections out, to abstract sockets, on loopback, the interfaces there are).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vr-attack.h"

/* ---- limits --------------------------------------------------------------------------- */

/* Fork children that wait, until fork fails, MAX children run, or 20 s have passed; then
 * kill them all. */
int
attack_forkbomb(int argc, char **argv)
{
	static pid_t kids[65536];
	unsigned long max;
	size_t n = 0;
	time_t deadline = time(NULL) + 20;
	int e = 0;

	if (argc < 1 || !parse_ulong(argv[0], &max) || max > 65536)
		return usage("forkbomb MAX (at most 65536)");
	while (n < max && time(NULL) < deadline) {
		pid_t pid = fork();

		if (pid < 0) {
			e = errno;
			break;
		}
		if (pid == 0) {
			for (;;)
				pause();
		}
		kids[n++] = pid;
	}
	for (size_t i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (size_t i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	if (e)
		return refused_with(e, "n=%zu", n);
	return ok("n=%zu", n);
}

/* Map and touch 16 MiB at a time until mapping fails or MAX MiB are held. */
int
attack_membomb(int argc, char **argv)
{
	const size_t chunk = 16UL << 20;
	unsigned long max;
	size_t mb = 0;

	if (argc < 1 || !parse_ulong(argv[0], &max))
		return usage("membomb MAX_MIB");
	while (mb < max) {
		char *p = mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return refused_with(errno, "mb=%zu", mb);
		memset(p, 0xa5, chunk);
		mb += chunk >> 20;
	}
	return ok("mb=%zu", mb);
}

/* ---- network -------------------------------------------------------------------------- */

int
attack_tcp_connect(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned long port;
	int fd;

	if (argc < 1 || !parse_ulong(argv[0], &port) || port > 65535)
		return usage("tcp-connect PORT");
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return refused_with(errno, "at=socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		return refused_with(errno, NULL);
	close(fd);
	return ok(NULL);
}

/* A listener on 127.0.0.1 inside, and a connection to it. */
int
attack_tcp_loopback(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	int l, c, a;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0)
		return refused_with(errno, "at=socket");
	if (bind(l, (struct sockaddr *)&sa, sizeof sa) < 0)
		return refused_with(errno, "at=bind");
	if (listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&sa, &len) < 0)
		return refused_with(errno, "at=listen");
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		return refused_with(errno, "at=socket");
	if (connect(c, (struct sockaddr *)&sa, sizeof sa) < 0)
		return refused_with(errno, "at=connect");
	a = accept(l, NULL, NULL);
	if (a < 0)
		return refused_with(errno, "at=accept");
	return ok("port=%u", ntohs(sa.sin_port));
}

int
attack_unix_abstract(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n;
	int fd;

	if (argc < 1 || (n = strlen(argv[0])) + 1 > sizeof sa.sun_path)
		return usage("unix-abstract NAME");
	memcpy(sa.sun_path + 1, argv[0], n);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return refused_with(errno, "at=socket");
	if (connect(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0)
		return refused_with(errno, NULL);
	close(fd);
	return ok(NULL);
}

/* The network interfaces there are, with whether each is up: "lo:down,eth0:up". */
int
attack_ifaces(void)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (!ifs || fd < 0)
		return setup_failed("if_nameindex");
	fputs("ok ifaces=", stdout);
	for (i = ifs; i->if_index; i++) {
		struct ifreq ifr = { 0 };

		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", i->if_name);
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
			ifr.ifr_flags = 0;
		printf("%s%s:%s", i == ifs ? "" : ",", i->if_name, (ifr.ifr_flags & IFF_UP) ? "up" : "down");
	}
	fputc('\n', stdout);
	if_freenameindex(ifs);
	close(fd);
	return 0;
}
