/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target for the policy and manifest parsers (config/): the bytes of one input are
 * read as a policy layer and as an env manifest, exactly as venvrun reads a --policy FILE or
 * ENV/venvrun.json. Besides the sanitizers' own findings, it aborts when a documented
 * contract is broken:
 *
 *   - a failure returns a negative code, fills the error record (exit status 125), names the
 *     file in it, and leaves the out-parameter alone; a success returns a JSON object and
 *     leaves the record alone;
 *   - a normalised layer, dumped and parsed again, is valid and equal (normalisation is
 *     idempotent: sizes in bytes, durations with units, "CAP_X" names, bind targets filled);
 *   - a layer merged over the defaults gives an effective policy whose vr_policy_to_json()
 *     text vr_policy_load_string() reads back to an equal policy (policy.h promises it).
 *
 * Build and run: see tests/fuzz/meson.build.
 */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "venvrun/error.h"
#include "venvrun/policy.h"

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A sentinel no parser returns: proves an out-parameter was not written on failure. */
static json_t sentinel_storage;
#define SENTINEL (&sentinel_storage)

static _Noreturn void
fail(const char *what, const char *text, const struct vr_error *err)
{
	char line[VR_ERROR_LINE_MAX];

	vr_error_format(err, line, sizeof line);
	fprintf(stderr, "fuzz-policy: %s\n", what);
	if (err && err->code != 0)
		fprintf(stderr, "  error: %s (code %d)\n", line, err->code);
	if (text)
		fprintf(stderr, "  text: %s\n", text);
	abort();
}

static bool
error_is_unset(const struct vr_error *err)
{
	return err->code == 0 && err->line == 0 && err->column == 0 && err->where[0] == 0 && err->message[0] == 0 &&
	       err->hint[0] == 0;
}

/* The error contract of every config/ parser (error.h, STYLE.md 4-6). */
static void
check_result(const char *fn, const char *file, int r, json_t *ret, const struct vr_error *err,
	     bool ret_written_on_success)
{
	char what[256];

	if (r < 0) {
		snprintf(what, sizeof what, "%s failed (%d) without filling the error record", fn, r);
		if (err->code == 0 || err->message[0] == 0)
			fail(what, NULL, err);
		snprintf(what, sizeof what, "%s failed (%d) but wrote its out-parameter", fn, r);
		if (ret != SENTINEL)
			fail(what, NULL, err);
		snprintf(what, sizeof what, "%s failed (%d) with an exit status other than 125", fn, r);
		if (vr_exit_status(r) != VR_EXIT_FAILURE)
			fail(what, NULL, err);
		/* "FILE:LINE:COL: ..." or "FILE: path: ...": the user must learn which file. */
		snprintf(what, sizeof what, "%s failed (%d) without naming the file", fn, r);
		if (r != -ENOMEM && strcmp(err->where, file) != 0)
			fail(what, NULL, err);
		return;
	}
	snprintf(what, sizeof what, "%s succeeded (%d) but wrote the error record", fn, r);
	if (!error_is_unset(err))
		fail(what, NULL, err);
	snprintf(what, sizeof what, "%s succeeded (%d) without a JSON object", fn, r);
	if (ret_written_on_success && (ret == SENTINEL || !json_is_object(ret)))
		fail(what, NULL, err);
}

/* Dump a valid layer, parse the text again: it must be valid and equal. */
static void
check_round_trip(json_t *doc)
{
	struct vr_error err = VR_ERROR_INIT;
	json_t *again = SENTINEL;
	char *text;
	int r;

	text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		abort(); /* out of memory, or a doc jansson cannot encode: either is a bug here */

	r = vr_policy_parse(text, strlen(text), "fuzz-round-trip", &again, &err);
	if (r < 0)
		fail("a normalised layer does not parse again", text, &err);
	check_result("vr_policy_parse (round trip)", "fuzz-round-trip", r, again, &err, true);
	if (!json_equal(doc, again))
		fail("a normalised layer parses to a different layer", text, NULL);

	json_decref(again);
	free(text);
}

/*
 * Merge the layer over the schema defaults, as vr_policy_effective() does for the top layer,
 * and read the result through the typed view and back through its JSON text. `extends` is
 * dropped first: resolving it would read profile files, which a fuzz input must not reach.
 * Failures here are allowed (a merged list may exceed its bound); crashes and unequal round
 * trips are not.
 */
static void
check_effective(json_t *doc)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_policy_values values;
	struct vr_policy effective = { NULL };
	struct vr_policy *again = NULL;
	json_t *layer = NULL;
	char *text = NULL;
	int r;

	effective.doc = vr_policy_defaults();
	if (!effective.doc)
		return;
	layer = json_deep_copy(doc);
	if (!layer)
		abort();
	json_object_del(layer, "extends");

	r = vr_policy_merge_json(effective.doc, layer, vr_policy_schema, &err);
	if (r < 0)
		goto out;

	memset(&values, 0, sizeof values);
	r = vr_policy_get_values(&effective, &values, &err);
	if (r >= 0)
		vr_policy_values_done(&values);

	text = vr_policy_to_json(&effective);
	if (!text)
		goto out;
	vr_error_clear(&err);
	r = vr_policy_load_string(text, strlen(text), "fuzz-effective", &again, &err);
	if (r < 0)
		fail("vr_policy_to_json() text of an effective policy does not load", text, &err);
	if (!again || !vr_policy_equal(&effective, again))
		fail("vr_policy_to_json() text of an effective policy loads to a different policy", text, NULL);
out:
	vr_policy_free(again);
	free(text);
	json_decref(layer);
	json_decref(effective.doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The parsers take (text, len): no terminating NUL, so ASan sees any read past the end. */
	const char *text = (const char *)data;
	struct vr_error err = VR_ERROR_INIT;
	json_t *doc = SENTINEL, *policy = SENTINEL;
	int r;

	r = vr_policy_parse(text, size, "fuzz", &doc, &err);
	check_result("vr_policy_parse", "fuzz", r, doc, &err, true);
	if (r >= 0) {
		check_round_trip(doc);
		check_effective(doc);
		json_decref(doc);
	}

	vr_error_clear(&err);
	r = vr_manifest_parse(text, size, "fuzz", &policy, &err);
	check_result("vr_manifest_parse", "fuzz", r, policy, &err, true);
	if (r >= 0) {
		/* The "policy" member is a validated layer ({} when absent): it round-trips too. */
		check_round_trip(policy);
		json_decref(policy);
	}

	/* NULL for the optional out-parameter is allowed and must not change the verdict. */
	{
		struct vr_error err2 = VR_ERROR_INIT;
		int r2 = vr_manifest_parse(text, size, "fuzz", NULL, &err2);

		if ((r2 < 0) != (r < 0))
			fail("vr_manifest_parse gives a different verdict without ret_policy", NULL, &err2);
	}
	return 0;
}
