/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "venvrun/env.h"
#include "venvrun/error.h"

#include "activate.h"
#include "buf.h"
#include "macro.h"
#include "path.h"

/* The templates in runner/activators/, embedded by vr-embed (runner/meson.build). */
extern const char vr_template_sh[];
extern const size_t vr_template_sh_len;
extern const char vr_template_fish[];
extern const size_t vr_template_fish_len;
extern const char vr_template_csh[];
extern const size_t vr_template_csh_len;
extern const char vr_template_nu[];
extern const size_t vr_template_nu_len;
extern const char vr_template_powershell[];
extern const size_t vr_template_powershell_len;
extern const char vr_template_python[];
extern const size_t vr_template_python_len;

/* Every quote function ends the same way: the buffer's content, or NULL with errno set. */
static char *
quoted_result(struct vr_buf *b)
{
	char *s;

	if (vr_buf_status(b) < 0) {
		vr_buf_done(b);
		errno = ENOMEM;
		return NULL;
	}
	s = vr_buf_steal(b);
	if (!s)
		errno = ENOMEM;
	return s;
}

/* sh has no escape inside single quotes: a quote closes the string, is escaped, reopens it. */
char *
vr_quote_sh(const char *s)
{
	struct vr_buf b = VR_BUF_INIT;

	if (!s) {
		errno = EINVAL;
		return NULL;
	}
	vr_buf_putc(&b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			vr_buf_puts(&b, "'\\''");
		else
			vr_buf_putc(&b, *s);
	}
	vr_buf_putc(&b, '\'');
	return quoted_result(&b);
}

/* fish's single quotes know exactly two escapes, \' and \\; everything else is literal. */
char *
vr_quote_fish(const char *s)
{
	struct vr_buf b = VR_BUF_INIT;

	if (!s) {
		errno = EINVAL;
		return NULL;
	}
	vr_buf_putc(&b, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			vr_buf_putc(&b, '\\');
		vr_buf_putc(&b, *s);
	}
	vr_buf_putc(&b, '\'');
	return quoted_result(&b);
}

/*
 * csh: a quote is closed, escaped and reopened as in sh. History substitution happens even
 * inside single quotes of a sourced file, so '!' is escaped; a backslash before it inside
 * single quotes is removed (tcsh and BSD csh alike). A bare newline would end the command
 * with an unmatched quote; a backslash before it keeps it in the word. The script then
 * reads every value as $x:q, which carries a newline where "$x" cannot.
 */
char *
vr_quote_csh(const char *s)
{
	struct vr_buf b = VR_BUF_INIT;

	if (!s) {
		errno = EINVAL;
		return NULL;
	}
	vr_buf_putc(&b, '\'');
	for (; *s; s++) {
		if (*s == '\'') {
			vr_buf_puts(&b, "'\\''");
		} else if (*s == '!' || *s == '\n') {
			vr_buf_putc(&b, '\\');
			vr_buf_putc(&b, *s);
		} else {
			vr_buf_putc(&b, *s);
		}
	}
	vr_buf_putc(&b, '\'');
	return quoted_result(&b);
}

/*
 * nushell raw string r#'...'#: no escapes at all, and it ends at the first quote followed by
 * as many '#' as it opened with. One '#' more than the longest run of '#' after any quote
 * in s cannot occur inside it.
 */
char *
vr_quote_nu(const char *s)
{
	struct vr_buf b = VR_BUF_INIT;
	size_t hashes = 1;

	if (!s) {
		errno = EINVAL;
		return NULL;
	}
	for (const char *p = strchr(s, '\''); p; p = strchr(p + 1, '\'')) {
		size_t run = strspn(p + 1, "#");

		if (run + 1 > hashes)
			hashes = run + 1;
	}
	vr_buf_putc(&b, 'r');
	for (size_t i = 0; i < hashes; i++)
		vr_buf_putc(&b, '#');
	vr_buf_putc(&b, '\'');
	vr_buf_puts(&b, s);
	vr_buf_putc(&b, '\'');
	for (size_t i = 0; i < hashes; i++)
		vr_buf_putc(&b, '#');
	return quoted_result(&b);
}

/*
 * PowerShell single quotes: a quote is written twice. PowerShell also takes the typographic
 * single quotes U+2018..U+201B as quote characters (UTF-8 E2 80 98..9B), so each of those
 * is doubled too, or one of them in a path would end the string.
 */
char *
vr_quote_powershell(const char *s)
{
	struct vr_buf b = VR_BUF_INIT;

	if (!s) {
		errno = EINVAL;
		return NULL;
	}
	vr_buf_putc(&b, '\'');
	while (*s) {
		const unsigned char *u = (const unsigned char *)s;

		if (*s == '\'') {
			vr_buf_puts(&b, "''");
			s++;
		} else if (u[0] == 0xe2 && u[1] == 0x80 && u[2] >= 0x98 && u[2] <= 0x9b) {
			vr_buf_append(&b, s, 3);
			vr_buf_append(&b, s, 3);
			s += 3;
		} else {
			vr_buf_putc(&b, *s);
			s++;
		}
	}
	vr_buf_putc(&b, '\'');
	return quoted_result(&b);
}

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t
utf8_sequence_length(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		/* Neither overlong (E0 80..9F) nor a surrogate (ED A0..BF). */
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		/* Neither overlong (F0 80..8F) nor above U+10FFFF (F4 90..). */
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/*
 * A Python 3 str literal. Well-formed UTF-8 stays as it is (the file is UTF-8 source).
 * Quotes, backslashes and control characters are escaped. A byte that is not part of valid
 * UTF-8 becomes \udcXX, the code point Python's surrogateescape gives that byte, so that
 * os.fsencode() of the result is the original bytes again.
 */
char *
vr_quote_python(const char *s)
{
	struct vr_buf b = VR_BUF_INIT;
	const unsigned char *u = (const unsigned char *)s;

	if (!s) {
		errno = EINVAL;
		return NULL;
	}
	vr_buf_putc(&b, '\'');
	while (*u) {
		size_t n = utf8_sequence_length(u);

		if (n == 0) {
			vr_buf_printf(&b, "\\udc%02x", *u);
			u++;
		} else if (n > 1) {
			vr_buf_append(&b, (const char *)u, n);
			u += n;
		} else {
			if (*u == '\'' || *u == '\\')
				vr_buf_printf(&b, "\\%c", *u);
			else if (*u < 0x20 || *u == 0x7f)
				vr_buf_printf(&b, "\\x%02x", *u);
			else
				vr_buf_putc(&b, (char)*u);
			u++;
		}
	}
	vr_buf_putc(&b, '\'');
	return quoted_result(&b);
}

static const struct {
	const char *name;
	unsigned bits;
} activator_names[] = {
	{ "bash", VR_ACTIVATOR_SH },	     { "sh", VR_ACTIVATOR_SH },
	{ "zsh", VR_ACTIVATOR_SH },	     { "dash", VR_ACTIVATOR_SH },
	{ "fish", VR_ACTIVATOR_FISH },	     { "csh", VR_ACTIVATOR_CSH },
	{ "tcsh", VR_ACTIVATOR_CSH },	     { "nushell", VR_ACTIVATOR_NU },
	{ "nu", VR_ACTIVATOR_NU },	     { "powershell", VR_ACTIVATOR_POWERSHELL },
	{ "pwsh", VR_ACTIVATOR_POWERSHELL }, { "python", VR_ACTIVATOR_PYTHON },
	{ "all", VR_ACTIVATOR_ALL },	     { "none", 0 },
};

VR_PUBLIC int
vr_activators_parse(const char *list, unsigned *ret, struct vr_error *err)
{
	unsigned bits = 0;
	const char *p = list;

	if (!list || !ret)
		return vr_error_set(err, EINVAL, "--activators");

	while (*p) {
		size_t n = strcspn(p, ","), i;
		const char *name = p;

		p += n;
		if (*p == ',')
			p++;
		/* Spaces around a name are a typing habit, not part of it. */
		while (n > 0 && *name == ' ')
			name++, n--;
		while (n > 0 && name[n - 1] == ' ')
			n--;
		if (n == 0)
			continue;
		for (i = 0; i < ELEMENTSOF(activator_names); i++) {
			const char *known = activator_names[i].name;

			if (strlen(known) == n && strncasecmp(name, known, n) == 0)
				break;
		}
		if (i == ELEMENTSOF(activator_names))
			return vr_error_set(err, VR_ERR_USAGE,
					    "--activators: unknown activator '%.*s'; expected bash, fish, csh, "
					    "nushell, powershell, python, all or none",
					    n > 64 ? 64 : (int)n, name);
		bits |= activator_names[i].bits;
	}
	*ret = bits;
	return 0;
}

/* The files in the order they are rendered, which is also the order of the result. */
static const struct activator {
	unsigned bit;
	const char *name;
	const char *template;
	const size_t *template_len;
	char *(*quote)(const char *s);
} activators[] = {
	{ VR_ACTIVATOR_SH, "activate", vr_template_sh, &vr_template_sh_len, vr_quote_sh },
	{ VR_ACTIVATOR_CSH, "activate.csh", vr_template_csh, &vr_template_csh_len, vr_quote_csh },
	{ VR_ACTIVATOR_FISH, "activate.fish", vr_template_fish, &vr_template_fish_len, vr_quote_fish },
	{ VR_ACTIVATOR_NU, "activate.nu", vr_template_nu, &vr_template_nu_len, vr_quote_nu },
	{ VR_ACTIVATOR_POWERSHELL, "Activate.ps1", vr_template_powershell, &vr_template_powershell_len,
	  vr_quote_powershell },
	{ VR_ACTIVATOR_PYTHON, "activate_this.py", vr_template_python, &vr_template_python_len, vr_quote_python },
};

#define PLACEHOLDER_PREFIX "__VENVRUN_"

/* The value of the placeholder at p (just past "__VENVRUN_"), with *len its rest's length. */
static const char *
placeholder_value(const char *p, const struct vr_activate_vars *v, size_t *len)
{
	static const struct {
		const char *name; /* with the closing "__" */
		size_t offset;
	} names[] = {
		{ "ENV__", offsetof(struct vr_activate_vars, env_dir) },
		{ "PROMPT__", offsetof(struct vr_activate_vars, prompt) },
		{ "BIN__", offsetof(struct vr_activate_vars, bin_dir) },
		{ "SITE_PACKAGES__", offsetof(struct vr_activate_vars, site_packages) },
	};

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (vr_startswith(p, names[i].name)) {
			*len = strlen(names[i].name);
			return *(const char *const *)((const char *)v + names[i].offset);
		}
	return NULL;
}

static int
render_one(const struct activator *a, const struct vr_activate_vars *v, struct vr_activate_file *f,
	   struct vr_error *err)
{
	_cleanup_buf_ struct vr_buf b = VR_BUF_INIT;
	const char *t = a->template, *end = a->template + *a->template_len;

	while (t < end) {
		const char *ph = strstr(t, PLACEHOLDER_PREFIX);
		_cleanup_free_ char *q = NULL;
		const char *value;
		size_t len = 0;

		if (!ph) {
			vr_buf_append(&b, t, (size_t)(end - t));
			break;
		}
		vr_buf_append(&b, t, (size_t)(ph - t));
		value = placeholder_value(ph + strlen(PLACEHOLDER_PREFIX), v, &len);
		/* An unknown name in a template, or a value the caller did not give: either way
		 * the script would be broken, so nothing is written. */
		if (!value)
			return vr_error_set_at(err, EINVAL, a->name, "no value for the template placeholder '%.32s'",
					       ph);
		q = a->quote(value);
		if (!q)
			return vr_error_set_at(err, ENOMEM, a->name, "rendering the activation script");
		vr_buf_puts(&b, q);
		t = ph + strlen(PLACEHOLDER_PREFIX) + len;
	}
	if (vr_buf_status(&b) < 0 || !b.data)
		return vr_error_set_at(err, ENOMEM, a->name, "rendering the activation script");
	f->name = a->name;
	f->len = b.len;
	f->content = vr_buf_steal(&b);
	f->mode = 0644;
	return 0;
}

/* A relative path below the env: not empty, not absolute, nothing PATH cannot carry. */
static int
check_relative(const char *path, const char *what, struct vr_error *err)
{
	if (vr_isempty(path) || path[0] == '/')
		return vr_error_set(err, EINVAL, "activation scripts: %s must be a relative path below the env", what);
	return vr_path_check_carriable(path, what, err);
}

int
vr_activators_render(unsigned which, const struct vr_activate_vars *v, struct vr_activate_file **ret, size_t *ret_n,
		     struct vr_error *err)
{
	struct vr_activate_file *files = NULL;
	size_t n = 0;
	int r;

	if (!v || !ret || !ret_n || (which & ~(unsigned)VR_ACTIVATOR_ALL))
		return vr_error_set(err, EINVAL, "activation scripts");
	if (!v->env_dir || v->env_dir[0] != '/')
		return vr_error_set(err, EINVAL, "activation scripts: the env path must be absolute");
	/* Checked again here, whatever the caller did: PATH would split a path at ':', and a
	 * newline would end up between the quotes of a shell command. */
	r = vr_path_check_carriable(v->env_dir, "the env path", err);
	if (r < 0)
		return r;
	if (!v->prompt)
		return vr_error_set(err, EINVAL, "activation scripts: no prompt");
	r = check_relative(v->bin_dir, "the scripts directory", err);
	if (r < 0)
		return r;
	if (which & VR_ACTIVATOR_PYTHON) {
		r = check_relative(v->site_packages, "the site-packages directory", err);
		if (r < 0)
			return r;
	}

	files = calloc(ELEMENTSOF(activators), sizeof *files);
	if (!files)
		return vr_error_set(err, ENOMEM, "activation scripts");
	for (size_t i = 0; i < ELEMENTSOF(activators); i++) {
		if (!(which & activators[i].bit))
			continue;
		r = render_one(&activators[i], v, &files[n], err);
		if (r < 0) {
			vr_activate_files_free(files, n);
			return r;
		}
		n++;
	}
	*ret = files;
	*ret_n = n;
	return 0;
}

void
vr_activate_files_free(struct vr_activate_file *files, size_t n)
{
	if (!files)
		return;
	for (size_t i = 0; i < n; i++)
		free(files[i].content);
	free(files);
}
