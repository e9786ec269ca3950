/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "macro.h"

enum {
	OPT_CLEAR = 0x100,
	OPT_UPGRADE,
	OPT_SYSTEM_SITE,
	OPT_SYMLINKS,
	OPT_COPIES,
	OPT_PROMPT,
	OPT_ACTIVATORS,
	OPT_NO_SEED,
	OPT_DRY_RUN,
	OPT_JSON,
	OPT_PROFILE,
	OPT_POLICY,
	OPT_SEED_PACKAGES,
	OPT_WHEEL_DIR,
};

/* getopt_long reports errors through globals; turn them into one error record. */
static int
bad_option(char **argv, int c, const struct option *opts, struct vr_error *err)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";

	if (c == ':' || (c == '?' && optopt)) {
		for (const struct option *o = opts; o->name; o++)
			if (o->val == optopt && o->has_arg)
				return vr_error_set(err, VR_ERR_USAGE, "option '%s' needs a value", arg);
		if (optopt && optopt < 0x100 && !strchr(arg, '-'))
			return vr_error_set(err, VR_ERR_USAGE, "unknown option '-%c'", optopt);
	}
	if (c == ':')
		return vr_error_set(err, VR_ERR_USAGE, "option '%s' needs a value", arg);
	return vr_error_set(err, VR_ERR_USAGE, "unknown option '%s'", arg);
}

int
vr_cli_parse_create(int argc, char **argv, struct vr_cli_create *c, struct vr_error *err)
{
	static const struct option opts[] = {
		{ "python", required_argument, NULL, 'p' },
		{ "clear", no_argument, NULL, OPT_CLEAR },
		{ "upgrade", no_argument, NULL, OPT_UPGRADE },
		{ "system-site-packages", no_argument, NULL, OPT_SYSTEM_SITE },
		{ "symlinks", no_argument, NULL, OPT_SYMLINKS },
		{ "copies", no_argument, NULL, OPT_COPIES },
		{ "prompt", required_argument, NULL, OPT_PROMPT },
		{ "activators", required_argument, NULL, OPT_ACTIVATORS },
		{ "no-seed", no_argument, NULL, OPT_NO_SEED },
		{ "without-pip", no_argument, NULL, OPT_NO_SEED },
		{ "seed-packages", required_argument, NULL, OPT_SEED_PACKAGES },
		{ "wheel-dir", required_argument, NULL, OPT_WHEEL_DIR },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t n_wheel_dirs = 0;
	int ch, r;

	*c = (struct vr_cli_create){ 0 };
	vr_create_options_init(&c->o);
	vr_discover_options_init(&c->discover);
	c->o.discover = &c->discover;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:p:vqh", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if (!*optarg)
				return vr_error_set(err, VR_ERR_USAGE, "-p/--python: empty interpreter spec");
			c->o.python = optarg;
			break;
		case OPT_CLEAR:
			c->o.clear = true;
			break;
		case OPT_UPGRADE:
			c->o.upgrade = true;
			break;
		case OPT_SYSTEM_SITE:
			c->o.system_site_packages = true;
			break;
		case OPT_SYMLINKS:
			c->o.copies = false;
			break;
		case OPT_COPIES:
			c->o.copies = true;
			break;
		case OPT_PROMPT:
			c->o.prompt = optarg;
			break;
		case OPT_ACTIVATORS:
			r = vr_activators_parse(optarg, &c->o.activators, err);
			if (r < 0)
				return r;
			break;
		case OPT_NO_SEED:
			c->o.no_seed = true;
			break;
		case OPT_SEED_PACKAGES:
			if (!*optarg)
				return vr_error_set(err, VR_ERR_USAGE, "--seed-packages: empty list (use --no-seed)");
			c->o.seed_packages = optarg;
			break;
		case OPT_WHEEL_DIR:
			if (!*optarg)
				return vr_error_set(err, VR_ERR_USAGE, "--wheel-dir: empty directory name");
			if (n_wheel_dirs == VR_CLI_WHEEL_DIRS_MAX)
				return vr_error_set(err, VR_ERR_USAGE, "--wheel-dir: more than %d directories",
						    VR_CLI_WHEEL_DIRS_MAX);
			c->wheel_dirs[n_wheel_dirs++] = optarg;
			c->o.wheel_dirs = c->wheel_dirs;
			break;
		case OPT_DRY_RUN:
			c->o.dry_run = true;
			break;
		case OPT_JSON:
			c->json = true;
			break;
		case 'v':
			c->verbose = true;
			break;
		case 'q':
			c->quiet = true;
			break;
		case 'h':
			c->help = true;
			return 0;
		default:
			return bad_option(argv, ch, opts, err);
		}
	}
	if (c->o.clear && c->o.upgrade)
		return vr_error_set(err, VR_ERR_USAGE, "--clear and --upgrade cannot be combined");
	if (c->o.no_seed && c->o.seed_packages)
		return vr_error_set(err, VR_ERR_USAGE, "--no-seed and --seed-packages cannot be combined");
	if (optind >= argc)
		return vr_error_set(err, VR_ERR_USAGE, "create: missing ENV (the path of the env to create)");
	if (optind + 1 < argc)
		return vr_error_set(err, VR_ERR_USAGE, "create: unexpected argument '%s' after ENV", argv[optind + 1]);
	c->env = argv[optind];
	return 0;
}

int
vr_cli_parse_simple(int argc, char **argv, struct vr_cli_simple *c, struct vr_error *err)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	*c = (struct vr_cli_simple){ 0 };
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:vh", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_JSON:
			c->json = true;
			break;
		case 'v':
			c->verbose = true;
			break;
		case 'h':
			c->help = true;
			return 0;
		default:
			return bad_option(argv, ch, opts, err);
		}
	}
	if (optind < argc)
		return vr_error_set(err, VR_ERR_USAGE, "%s: unexpected argument '%s'", argv[0], argv[optind]);
	return 0;
}

int
vr_cli_parse_describe(int argc, char **argv, struct vr_cli_describe *c, struct vr_error *err)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	*c = (struct vr_cli_describe){ 0 };
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":vh", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_JSON:
			c->json = true;
			break;
		case 'v':
			c->verbose = true;
			break;
		case OPT_PROFILE:
			if (!*optarg)
				return vr_error_set(err, VR_ERR_USAGE, "--profile: empty profile name");
			c->profile = optarg;
			break;
		case OPT_POLICY:
			if (!*optarg)
				return vr_error_set(err, VR_ERR_USAGE, "--policy: empty file name");
			c->policy = optarg;
			break;
		case 'h':
			c->help = true;
			return 0;
		default:
			return bad_option(argv, ch, opts, err);
		}
	}
	if (optind >= argc)
		return vr_error_set(err, VR_ERR_USAGE, "%s: missing ENV", argv[0]);
	c->env = argv[optind++];
	if (optind < argc)
		return vr_error_set(err, VR_ERR_USAGE, "%s: unexpected argument '%s'", argv[0], argv[optind]);
	return 0;
}

int
vr_cli_parse_files(int argc, char **argv, struct vr_cli_files *c, struct vr_error *err)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	*c = (struct vr_cli_files){ 0 };
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			c->help = true;
			return 0;
		default:
			return bad_option(argv, ch, opts, err);
		}
	}
	if (optind >= argc)
		return vr_error_set(err, VR_ERR_USAGE, "%s: missing FILE", argv[0]);
	c->files = argv + optind;
	c->n = (size_t)(argc - optind);
	return 0;
}

enum {
	OPT_BIND = 0x200,
	OPT_RO_BIND,
	OPT_TMPFS,
	OPT_SETENV,
	OPT_KEEP_ENV,
	OPT_CHDIR,
	OPT_WRITABLE_ENV,
	OPT_USERNS,
	OPT_USER,
	OPT_GROUP,
	OPT_NETWORK,
	OPT_TIMEOUT,
	OPT_SET,
	OPT_PASS_FD,
	/* --profile and --policy are describe's OPT_PROFILE and OPT_POLICY. */
};

/* --bind SRC[:DST] as the policy layer's "SRC:DST:MODE" bind. */
static int
add_bind(struct vr_policy *flags, const char *arg, const char *mode, const char *opt, struct vr_error *err)
{
	_cleanup_free_ char *value = NULL;
	const char *colon = strchr(arg, ':');

	if (!*arg || colon == arg)
		return vr_error_set(err, VR_ERR_USAGE, "%s: expected SRC[:DST]", opt);
	if (asprintf(&value, "%s%s%s:%s", arg, colon ? "" : ":", colon ? "" : arg, mode) < 0)
		return vr_error_set(err, ENOMEM, "%s", opt);
	return vr_policy_set(flags, "filesystem.binds", value, opt, err);
}

/* --set KEY=VALUE: any policy key, as a file would set it ("limits.nproc=64"). */
static int
set_key(struct vr_policy *flags, const char *arg, struct vr_error *err)
{
	_cleanup_free_ char *key = NULL;
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return vr_error_set_at(err, VR_ERR_USAGE, "--set", "expected KEY=VALUE, not '%s'", arg);
	key = strndup(arg, (size_t)(eq - arg));
	if (!key)
		return vr_error_set(err, ENOMEM, "--set");
	return vr_policy_set(flags, key, eq + 1, "--set", err);
}

/* --pass-fd N: a descriptor number, 3 or more. */
static int
add_pass_fd(struct vr_cli_run *c, const char *arg, struct vr_error *err)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 3 || n > 65535)
		return vr_error_set_at(err, VR_ERR_USAGE, "--pass-fd",
				       "'%s' is not a descriptor number from 3 to 65535", arg);
	if (c->n_pass_fds >= ELEMENTSOF(c->pass_fds))
		return vr_error_set_at(err, VR_ERR_USAGE, "--pass-fd", "more than %zu descriptors",
				       ELEMENTSOF(c->pass_fds));
	c->pass_fds[c->n_pass_fds++] = (int)n;
	return 0;
}

int
vr_cli_parse_run(int argc, char **argv, enum vr_cli_run_kind kind, struct vr_cli_run *c, struct vr_error *err)
{
	static const struct option opts[] = {
		{ "bind", required_argument, NULL, OPT_BIND },
		{ "ro-bind", required_argument, NULL, OPT_RO_BIND },
		{ "tmpfs", required_argument, NULL, OPT_TMPFS },
		{ "setenv", required_argument, NULL, OPT_SETENV },
		{ "keep-env", required_argument, NULL, OPT_KEEP_ENV },
		{ "chdir", required_argument, NULL, OPT_CHDIR },
		{ "writable-env", no_argument, NULL, OPT_WRITABLE_ENV },
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "userns", no_argument, NULL, OPT_USERNS },
		{ "user", required_argument, NULL, OPT_USER },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "network", required_argument, NULL, OPT_NETWORK },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "set", required_argument, NULL, OPT_SET },
		{ "pass-fd", required_argument, NULL, OPT_PASS_FD },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, r;

	*c = (struct vr_cli_run){ 0 };
	r = vr_policy_new(&c->flags, err);
	if (r < 0)
		return r;
	optind = 0;
	opterr = 0;
	/* "+": stop at ENV, so the command's own options are never read as ours. */
	while ((ch = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_BIND:
			r = add_bind(c->flags, optarg, "rw", "--bind", err);
			break;
		case OPT_RO_BIND:
			r = add_bind(c->flags, optarg, "ro", "--ro-bind", err);
			break;
		case OPT_TMPFS:
			r = vr_policy_set(c->flags, "filesystem.tmpfs", optarg, "--tmpfs", err);
			break;
		case OPT_SETENV:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return vr_error_set(err, VR_ERR_USAGE, "--setenv: expected NAME=VALUE, not '%s'",
						    optarg);
			r = vr_policy_set(c->flags, "environment.set", optarg, "--setenv", err);
			break;
		case OPT_KEEP_ENV:
			r = vr_policy_set(c->flags, "environment.pass", optarg, "--keep-env", err);
			break;
		case OPT_CHDIR:
			if (optarg[0] != '/')
				return vr_error_set(err, VR_ERR_USAGE, "--chdir: '%s' is not an absolute path", optarg);
			c->chdir = optarg;
			break;
		case OPT_WRITABLE_ENV:
			c->writable_env = true;
			break;
		case OPT_PROFILE:
			c->profile = optarg;
			break;
		case OPT_POLICY:
			c->policy = optarg;
			break;
		case OPT_USERNS:
			c->new_userns = true;
			break;
		case OPT_USER:
			r = vr_policy_set(c->flags, "user", optarg, "--user", err);
			break;
		case OPT_GROUP:
			r = vr_policy_set(c->flags, "group", optarg, "--group", err);
			break;
		case OPT_NETWORK:
			r = vr_policy_set(c->flags, "network", optarg, "--network", err);
			break;
		case OPT_TIMEOUT:
			r = vr_policy_set(c->flags, "limits.timeout", optarg, "--timeout", err);
			break;
		case OPT_SET:
			r = set_key(c->flags, optarg, err);
			break;
		case OPT_PASS_FD:
			r = add_pass_fd(c, optarg, err);
			break;
		case 'h':
			c->help = true;
			return 0;
		default:
			return bad_option(argv, ch, opts, err);
		}
		if (r < 0)
			return r;
	}
	if (optind >= argc)
		return vr_error_set(err, VR_ERR_USAGE, "missing ENV");
	c->env = argv[optind++];
	if (optind < argc && streq(argv[optind], "--"))
		optind++;
	c->args = argv + optind;
	c->n_args = argc - optind;
	if (kind == VR_CLI_RUN && c->n_args == 0)
		return vr_error_set(err, VR_ERR_USAGE, "missing the command to run: venvrun ENV -- CMD [ARGS...]");
	if (kind == VR_CLI_SHELL && c->n_args > 0)
		return vr_error_set(err, VR_ERR_USAGE, "shell: unexpected argument '%s'", c->args[0]);
	return 0;
}
