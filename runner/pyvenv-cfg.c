/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "macro.h"
#include "pyvenv-cfg.h"

/* Bounds on what we accept from a file that anyone could have written. */
#define CFG_MAX_ENTRIES 256
#define CFG_MAX_LINE 8192

void
vr_pyvenv_cfg_done(struct vr_pyvenv_cfg *cfg)
{
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	cfg->entries = NULL;
	cfg->n = 0;
}

static char *
strip(char *s, size_t *len)
{
	size_t n = *len;

	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	*len = n;
	return s;
}

int
vr_pyvenv_cfg_set(struct vr_pyvenv_cfg *cfg, const char *key, const char *value)
{
	struct vr_cfg_entry *ne;
	char *k, *v;

	if (strpbrk(value, "\n\r") || strpbrk(key, "\n\r=") || !*key)
		return -EINVAL;
	for (size_t i = 0; i < cfg->n; i++)
		if (strcasecmp(cfg->entries[i].key, key) == 0) {
			v = strdup(value);
			if (!v)
				return -ENOMEM;
			free(cfg->entries[i].value);
			cfg->entries[i].value = v;
			return 0;
		}
	if (cfg->n >= CFG_MAX_ENTRIES)
		return -E2BIG;
	ne = realloc(cfg->entries, (cfg->n + 1) * sizeof *ne);
	if (!ne)
		return -ENOMEM;
	cfg->entries = ne;
	k = strdup(key);
	v = strdup(value);
	if (!k || !v) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	for (char *p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	ne[cfg->n++] = (struct vr_cfg_entry){ k, v };
	return 0;
}

int
vr_pyvenv_cfg_parse(const char *text, const char *where, struct vr_pyvenv_cfg *cfg, struct vr_error *err)
{
	struct vr_pyvenv_cfg out = { 0 };
	const char *p = text;
	int lineno = 0;

	while (*p) {
		size_t n = strcspn(p, "\n");
		const char *eq = memchr(p, '=', n);
		_cleanup_free_ char *key = NULL, *value = NULL;

		lineno++;
		if (n > CFG_MAX_LINE) {
			vr_pyvenv_cfg_done(&out);
			vr_error_set_at(err, VR_ERR_BAD_FILE, where, "line longer than %d bytes", CFG_MAX_LINE);
			vr_error_set_where(err, where, lineno, 0);
			return -VR_ERR_BAD_FILE;
		}
		if (eq) {
			size_t kl = (size_t)(eq - p), vl = n - kl - 1;
			char *k = strip((char *)p, &kl), *v = strip((char *)eq + 1, &vl);
			int r;

			key = strndup(k, kl);
			value = strndup(v, vl);
			if (!key || !value) {
				vr_pyvenv_cfg_done(&out);
				return vr_error_set(err, ENOMEM, "reading '%s'", where);
			}
			/* site.py skips keys it cannot use; so do we, but a line that is only
			 * "= value" means nothing to anyone. */
			if (*key) {
				r = vr_pyvenv_cfg_set(&out, key, value);
				if (r < 0) {
					vr_pyvenv_cfg_done(&out);
					vr_error_set_at(err, r == -E2BIG ? VR_ERR_BAD_FILE : -r, where,
							r == -E2BIG ? "more than %d entries" : "cannot store entry %d",
							r == -E2BIG ? CFG_MAX_ENTRIES : lineno);
					return r == -E2BIG ? -VR_ERR_BAD_FILE : r;
				}
			}
		}
		p += n;
		if (*p)
			p++;
	}
	vr_pyvenv_cfg_done(cfg);
	*cfg = out;
	return 0;
}

const char *
vr_pyvenv_cfg_get(const struct vr_pyvenv_cfg *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (strcasecmp(cfg->entries[i].key, key) == 0)
			return cfg->entries[i].value;
	return NULL;
}

char *
vr_pyvenv_cfg_format(const struct vr_pyvenv_cfg *cfg)
{
	struct vr_buf b = VR_BUF_INIT;

	for (size_t i = 0; i < cfg->n; i++)
		vr_buf_printf(&b, "%s = %s\n", cfg->entries[i].key, cfg->entries[i].value);
	return vr_buf_steal(&b);
}

char *
vr_pyvenv_cfg_unquote(const char *value)
{
	size_t n = strlen(value);

	if (n >= 2 && (value[0] == '\'' || value[0] == '"') && value[n - 1] == value[0]) {
		struct vr_buf b = VR_BUF_INIT;

		/* venv writes repr(prompt): undo the escapes repr() can produce for text. */
		for (size_t i = 1; i + 1 < n; i++) {
			if (value[i] == '\\' && i + 2 < n) {
				char c = value[++i];
				vr_buf_putc(&b, c == 't' ? '\t' : c == 'n' ? '\n' : c);
				continue;
			}
			vr_buf_putc(&b, value[i]);
		}
		if (!b.data)
			return strdup("");
		return vr_buf_steal(&b);
	}
	return strdup(value);
}
