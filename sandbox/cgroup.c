/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The run's cgroup (cgroup.h). Only cgroup v2, and only below the caller's own cgroup:
 * venvrun never writes anywhere in the hierarchy that was not delegated to whoever runs
 * it, so a limit it cannot set this way is an error, never a reason to go elsewhere.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "venvrun/error.h"

#include "fileio.h"
#include "macro.h"

#include "cgroup.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CGROUP_FILE_MAX (64 * 1024)
#define DELEGATE_HINT                                                                                  \
	"run venvrun in a cgroup v2 delegated to it, e.g. systemd-run --user --scope -p Delegate=yes " \
	"venvrun ..."

/* The policy key a missing piece is reported under. */
static const char *
limit_key(uint64_t memory_max)
{
	return memory_max != UINT64_MAX ? "limits.memory" : "limits.pids";
}

/* A word in a space-separated list, as cgroup.controllers and cgroup.subtree_control are. */
static bool
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *s = list; (s = strstr(s, word)); s += n)
		if ((s == list || s[-1] == ' ') && (s[n] == 0 || s[n] == ' ' || s[n] == '\n'))
			return true;
	return false;
}

/* "dir/" for messages, however dir ends. */
static const char *
slash(const char *dir)
{
	return vr_endswith(dir, "/") ? "" : "/";
}

/* The cgroup2 mount: /sys/fs/cgroup on a unified system, else the mount of type cgroup2
 * whose root is the hierarchy's (/sys/fs/cgroup/unified on a hybrid one). */
static int
find_mount(char **ret, const char *key, struct vr_error *err)
{
	_cleanup_free_ char *info = NULL;
	struct statfs sfs;
	int r;

	if (statfs("/sys/fs/cgroup", &sfs) == 0 && (uint64_t)sfs.f_type == CGROUP2_SUPER_MAGIC) {
		*ret = strdup("/sys/fs/cgroup");
		return *ret ? 0 : vr_error_set(err, ENOMEM, "cgroup");
	}
	r = vr_read_file_at(AT_FDCWD, "/proc/self/mountinfo", 16 * 1024 * 1024, &info, NULL, NULL, err);
	if (r < 0)
		return r;
	for (char *line = info, *next; line && *line; line = next) {
		char root[4096], mnt[4096], type[64];
		const char *dash;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		dash = strstr(line, " - ");
		if (!dash || sscanf(dash, " - %63s", type) != 1 || !streq(type, "cgroup2"))
			continue;
		if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 || !streq(root, "/"))
			continue;
		*ret = strdup(mnt);
		return *ret ? 0 : vr_error_set(err, ENOMEM, "cgroup");
	}
	vr_error_set_at(err, VR_ERR_HARDENING, key, "needs cgroup v2, and no cgroup2 filesystem is mounted here");
	vr_error_set_hint(err, DELEGATE_HINT);
	return -VR_ERR_HARDENING;
}

int
vr_cgroup_find_own(char **ret, const char *key, struct vr_error *err)
{
	_cleanup_free_ char *self = NULL, *mnt = NULL;
	const char *rel = NULL;
	int r;

	r = vr_read_file_at(AT_FDCWD, "/proc/self/cgroup", CGROUP_FILE_MAX, &self, NULL, NULL, err);
	if (r < 0)
		return r;
	for (char *line = self, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (vr_startswith(line, "0::/")) {
			rel = line + 3;
			break;
		}
	}
	if (!rel) {
		vr_error_set_at(
			err, VR_ERR_HARDENING, key,
			"needs cgroup v2, and this process is in no cgroup v2 (/proc/self/cgroup has no 0:: line)");
		vr_error_set_hint(err, DELEGATE_HINT);
		return -VR_ERR_HARDENING;
	}
	r = find_mount(&mnt, key, err);
	if (r < 0)
		return r;
	if (asprintf(ret, "%s%s", mnt, rel) < 0)
		return vr_error_set(err, ENOMEM, "cgroup");
	return 0;
}

static int
write_limit(int dirfd, const char *file, uint64_t value, const char *key, const char *dir, struct vr_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
	char text[32];
	int n = value == UINT64_MAX ? snprintf(text, sizeof text, "max")
				    : snprintf(text, sizeof text, "%" PRIu64, value);

	if (fd < 0 || write(fd, text, (size_t)n) != n)
		return vr_error_set_at(err, errno, key, "cannot write %s in the run's cgroup below %s", file, dir);
	return 0;
}

/* The leaf venvrun moves into (below its own cgroup) to let that cgroup pass controllers
 * on: "venvrun-<pid>.self". It stays after venvrun exits, empty; the next run removes it. */
#define LEAF_SUFFIX ".self"

static int
move_into_leaf(int dirfd)
{
	char name[48], procs[64];

	snprintf(name, sizeof name, "venvrun-%d" LEAF_SUFFIX, (int)getpid());
	snprintf(procs, sizeof procs, "%s/cgroup.procs", name);
	/* Twice: another run's remove_old_leaves() may take the new, still empty leaf away
	 * between mkdir and the move. */
	for (int attempt = 0; attempt < 2; attempt++) {
		_cleanup_close_ int fd = -1;

		if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
			return -errno;
		fd = openat(dirfd, procs, O_WRONLY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			continue;
		/* "0": the writing process, with all its threads. */
		if (fd < 0 || write(fd, "0", 1) != 1)
			return -errno;
		return 0;
	}
	return -ENOENT;
}

/* Leaves of runs that are over: empty cgroups, which rmdir removes; a leaf that still holds
 * a process (a run going on) refuses with EBUSY and stays. */
static void
remove_old_leaves(int dirfd)
{
	DIR *d = vr_opendir_at(dirfd, ".", 0);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (vr_startswith(de->d_name, "venvrun-") && n > strlen(LEAF_SUFFIX) &&
		    streq(de->d_name + n - strlen(LEAF_SUFFIX), LEAF_SUFFIX))
			(void)unlinkat(dirfd, de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* The controller listed in dir's cgroup.controllers, and enabled for its children. */
static int
check_controller(int dirfd, const char *dir, const char *controllers, const char *name, const char *key,
		 struct vr_error *err)
{
	_cleanup_free_ char *subtree = NULL;
	_cleanup_close_ int fd = -1;
	char text[32];
	int n, r;

	if (!has_word(controllers, name)) {
		const char *end = controllers + strcspn(controllers, "\n");

		if (end == controllers)
			vr_error_set_at(err, VR_ERR_HARDENING, key,
					"needs a delegated cgroup v2 with the %s controller; %s%s has no controllers",
					name, dir, slash(dir));
		else
			vr_error_set_at(err, VR_ERR_HARDENING, key,
					"needs a delegated cgroup v2 with the %s controller; %s%s has only: %.*s", name,
					dir, slash(dir), (int)(end - controllers), controllers);
		vr_error_set_hint(err, DELEGATE_HINT);
		return -VR_ERR_HARDENING;
	}
	r = vr_read_file_at(dirfd, "cgroup.subtree_control", CGROUP_FILE_MAX, &subtree, NULL, NULL, err);
	if (r < 0)
		return r;
	if (has_word(subtree, name))
		return 0;
	n = snprintf(text, sizeof text, "+%s", name);
	fd = openat(dirfd, "cgroup.subtree_control", O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, text, (size_t)n) == n)
		return 0;
	/* "No internal processes": a cgroup that holds a process (venvrun itself, in the
	 * cgroup a service manager delegated to it) cannot pass controllers on. venvrun moves
	 * into a leaf of its own first, as a delegated service is expected to, and tries
	 * again. */
	if (fd >= 0 && errno == EBUSY && move_into_leaf(dirfd) == 0 && write(fd, text, (size_t)n) == n)
		return 0;
	vr_error_set_at(err, errno, key, "cannot enable the %s controller for the cgroups below %s", name, dir);
	if (errno == EBUSY)
		vr_error_set_hint(err,
				  "other processes share venvrun's cgroup, which therefore cannot pass controllers "
				  "on; start venvrun in a cgroup of its own, or one whose cgroup.subtree_control "
				  "already enables %s",
				  name);
	else
		vr_error_set_hint(err, DELEGATE_HINT);
	return -VR_ERR_HARDENING;
}

int
vr_cgroup_make(const char *dir, uint64_t memory_max, uint64_t pids_max, struct vr_cgroup *cg, struct vr_error *err)
{
	_cleanup_free_ char *controllers = NULL;
	const char *key = limit_key(memory_max);
	int r;

	cg->parent_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg->parent_fd < 0)
		return vr_error_set_at(err, errno, key, "cannot open the cgroup %s", dir);
	if (vr_read_file_at(cg->parent_fd, "cgroup.controllers", CGROUP_FILE_MAX, &controllers, NULL, NULL, err) < 0) {
		vr_error_set_at(err, VR_ERR_HARDENING, key,
				"needs a delegated cgroup v2; %s%s is not one (no cgroup.controllers)", dir,
				slash(dir));
		vr_error_set_hint(err, DELEGATE_HINT);
		return -VR_ERR_HARDENING;
	}
	remove_old_leaves(cg->parent_fd);
	if (memory_max != UINT64_MAX) {
		r = check_controller(cg->parent_fd, dir, controllers, "memory", "limits.memory", err);
		if (r < 0)
			return r;
	}
	if (pids_max != UINT64_MAX) {
		r = check_controller(cg->parent_fd, dir, controllers, "pids", "limits.pids", err);
		if (r < 0)
			return r;
	}

	snprintf(cg->name, sizeof cg->name, "venvrun-%d", (int)getpid());
	if (mkdirat(cg->parent_fd, cg->name, 0755) < 0) {
		r = vr_error_set_at(err, errno, key, "cannot create the run's cgroup %s%s%s", dir, slash(dir),
				    cg->name);
		cg->name[0] = 0;
		return r;
	}
	cg->fd = openat(cg->parent_fd, cg->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg->fd < 0)
		return vr_error_set_at(err, errno, key, "cannot open the run's cgroup %s%s%s", dir, slash(dir),
				       cg->name);
	if (memory_max != UINT64_MAX) {
		r = write_limit(cg->fd, "memory.max", memory_max, "limits.memory", dir, err);
		if (r < 0)
			return r;
		/* Swap would let the sandbox go past memory.max; where there is swap
		 * accounting, the sandbox gets none. */
		if (faccessat(cg->fd, "memory.swap.max", F_OK, 0) == 0) {
			r = write_limit(cg->fd, "memory.swap.max", 0, "limits.memory", dir, err);
			if (r < 0)
				return r;
		}
	}
	if (pids_max != UINT64_MAX) {
		r = write_limit(cg->fd, "pids.max", pids_max, "limits.pids", dir, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int
vr_cgroup_setup(const struct vr_plan *p, struct vr_cgroup *cg, struct vr_error *err)
{
	_cleanup_free_ char *dir = NULL;
	int r;

	if (p->memory_max == UINT64_MAX && p->pids_max == UINT64_MAX)
		return 0;
	r = vr_cgroup_find_own(&dir, limit_key(p->memory_max), err);
	if (r < 0)
		return r;
	return vr_cgroup_make(dir, p->memory_max, p->pids_max, cg, err);
}

void
vr_cgroup_done(struct vr_cgroup *cg)
{
	if (cg->fd >= 0)
		close(cg->fd);
	cg->fd = -1;
	if (cg->name[0] && cg->parent_fd >= 0) {
		/* The sandbox is gone when this runs, but the kernel may take a moment to let
		 * go of the cgroup of processes it just reaped. */
		for (int i = 0; i < 100; i++) {
			if (unlinkat(cg->parent_fd, cg->name, AT_REMOVEDIR) == 0 || errno != EBUSY)
				break;
			usleep(1000);
		}
	}
	cg->name[0] = 0;
	if (cg->parent_fd >= 0)
		close(cg->parent_fd);
	cg->parent_fd = -1;
}
