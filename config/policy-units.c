/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "policy.h"

/*
 * Sizes and durations in policies. Both are strict on purpose: "1.5G", " 2G", "+2G" or "2g"
 * are refused rather than guessed at, because a limit that silently means something else
 * than its author thought is worse than an error at load time.
 */

struct unit {
	const char *suffix;
	uint64_t factor;
};

static const struct unit size_units[] = {
	{ "K", 1ULL << 10 },   { "M", 1ULL << 20 },   { "G", 1ULL << 30 },   { "T", 1ULL << 40 },
	{ "KiB", 1ULL << 10 }, { "MiB", 1ULL << 20 }, { "GiB", 1ULL << 30 }, { "TiB", 1ULL << 40 },
};

/* Largest first: vr_format_duration() picks the first that divides the value. */
static const struct unit duration_units[] = {
	{ "d", 86400000ULL }, { "h", 3600000ULL }, { "m", 60000ULL }, { "s", 1000ULL }, { "ms", 1ULL },
};

/*
 * Digits, then nothing (times bare_factor) or exactly one of the suffixes. -EINVAL for
 * anything else, -ERANGE when the well-formed value does not fit in 64 bits; the form is
 * checked first, so that "99999999999999999999x" is not a number rather than an overflow.
 */
static int
parse_with_units(const char *s, const struct unit *units, size_t n_units, uint64_t bare_factor, uint64_t *ret)
{
	uint64_t v = 0, factor = 0;
	bool overflow = false;
	const char *p;

	if (!s || !ret)
		return -EINVAL;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	if (*p == 0)
		factor = bare_factor;
	for (size_t i = 0; i < n_units && !factor; i++)
		if (streq(p, units[i].suffix))
			factor = units[i].factor;
	if (!factor)
		return -EINVAL;
	if (overflow || v > UINT64_MAX / factor)
		return -ERANGE;
	*ret = v * factor;
	return 0;
}

int
vr_parse_size(const char *s, uint64_t *ret)
{
	return parse_with_units(s, size_units, ELEMENTSOF(size_units), 1, ret);
}

int
vr_parse_duration_ms(const char *s, uint64_t *ret)
{
	/* A bare number is seconds, as an integer in a policy file is. */
	return parse_with_units(s, duration_units, ELEMENTSOF(duration_units), 1000, ret);
}

void
vr_format_duration(uint64_t ms, char *buf, size_t size)
{
	if (!buf || size == 0)
		return;
	/* Zero is divisible by every unit; seconds read best. */
	if (ms == 0) {
		snprintf(buf, size, "0s");
		return;
	}
	for (size_t i = 0; i < ELEMENTSOF(duration_units); i++)
		if (ms % duration_units[i].factor == 0) {
			snprintf(buf, size, "%llu%s", (unsigned long long)(ms / duration_units[i].factor),
				 duration_units[i].suffix);
			return;
		}
}

/* Levenshtein distance, two rows; b is a schema key or a syscall name, so short. */
static size_t
edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	_cleanup_free_ size_t *prev = NULL, *cur = NULL;
	size_t d;

	prev = malloc((lb + 1) * sizeof *prev);
	cur = malloc((lb + 1) * sizeof *cur);
	if (!prev || !cur)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);

			cur[j] = del < ins ? del : ins;
			if (sub < cur[j])
				cur[j] = sub;
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	d = prev[lb];
	return d;
}

const char *
vr_did_you_mean(const char *key, const char *const *candidates)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, lk, limit;

	if (vr_isempty(key) || !candidates)
		return NULL;
	lk = strlen(key);
	/* Two typos in a short key, a third of a long one. */
	limit = lk / 3 > 2 ? lk / 3 : 2;
	for (size_t i = 0; candidates[i]; i++) {
		size_t lc = strlen(candidates[i]), d, longer = lk > lc ? lk : lc;

		/* The length difference alone is a lower bound of the distance. */
		if ((lk > lc ? lk - lc : lc - lk) > limit)
			continue;
		d = edit_distance(key, lk, candidates[i], lc);
		/* A candidate that shares nothing with the key is no suggestion: "x" is
		 * not close to "as" although the distance is only 2. */
		if (d > limit || d >= longer)
			continue;
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best;
}
