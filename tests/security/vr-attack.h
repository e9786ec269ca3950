/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What vr-attack's files share: the constants the kernel's headers cannot give here, the
 * reporting (each attack ends in one of ok(), refused_with(), result(), usage() or
 * setup_failed(), whose value is the helper's exit status), and the attacks main() calls.
 */

#include <stdbool.h>

/* The new mount API's constants (linux/mount.h clashes with sys/mount.h in glibc 2.36). */
#define A_FSOPEN_CLOEXEC 0x1
#define A_FSCONFIG_SET_FLAG 0
#define A_FSCONFIG_CMD_CREATE 6
#define A_FSMOUNT_CLOEXEC 0x1
#define A_MOVE_MOUNT_F_EMPTY_PATH 0x4
#define A_KCMP_VM 1
#define A_X32_SYSCALL_BIT 0x40000000UL
#define A_X32_GETPID 39

/* The high half of a 64-bit argument: the kernel reads clone's flags, ioctl's request,
 * socket's family and personality's value as 32-bit, so a filter that compares all 64
 * bits for equality can be walked round with these set. */
#define HIGH_BITS (1UL << 32)

/* ---- reporting (vr-attack.c) ---------------------------------------------------------- */

int ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int refused_with(int e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int result(long r);
int usage(const char *msg);
int setup_failed(const char *what);
bool parse_ulong(const char *s, unsigned long *ret);

/* ---- the seccomp filter (attack-syscalls.c) ------------------------------------------- */

int attack_syscall(int argc, char **argv);
int attack_socket(int argc, char **argv);
int attack_tiocsti(int argc, char **argv);
int attack_tioclinux(int argc, char **argv);
int attack_personality(int argc, char **argv);
int attack_int80(void);
int attack_x32(void);

/* ---- namespaces, mounts, other processes, files (attack-escape.c) --------------------- */

int attack_clone(int argc, char **argv);
int attack_unshare(int argc, char **argv);
int attack_mount_tmpfs(int argc, char **argv);
int attack_umount(int argc, char **argv);
int attack_fsmount_tmpfs(int argc, char **argv);
int attack_ptrace(int argc, char **argv, bool seize);
int attack_kill(int argc, char **argv);
int attack_kill_group(int argc, char **argv);
int attack_read(int argc, char **argv);
int attack_write(int argc, char **argv);
int attack_open_write(int argc, char **argv);
int attack_readlink(int argc, char **argv);
int attack_listdir(int argc, char **argv);
int attack_fsinfo(int argc, char **argv);
int attack_proc_escape(int argc, char **argv);
int attack_mknod(int argc, char **argv);

/* ---- what the process is (attack-privileges.c) ---------------------------------------- */

int attack_status(void);
int attack_ids(void);
int attack_fds(void);

/* ---- limits and the network (attack-limits.c) ----------------------------------------- */

int attack_forkbomb(int argc, char **argv);
int attack_membomb(int argc, char **argv);
int attack_tcp_connect(int argc, char **argv);
int attack_tcp_loopback(void);
int attack_unix_abstract(int argc, char **argv);
int attack_ifaces(void);
