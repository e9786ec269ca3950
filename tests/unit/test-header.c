/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public header stands alone: this file includes nothing else and is compiled with
 * -std=c99 -pedantic -Werror (see tests/unit/meson.build), so a header that needs a GNU
 * extension, another header first, or a newer C fails the build.
 */
#include "venvrun/venvrun.h"

int
main(void)
{
	struct vr_error err = VR_ERROR_INIT;
	struct vr_create_options o;

	vr_create_options_init(&o);
	/* The library's own view of a few contracts the header states. */
	if (o.activators != VR_ACTIVATOR_ALL || vr_exit_status(-VR_ERR_USAGE) != VR_EXIT_FAILURE)
		return 1;
	return vr_error_set(&err, VR_ERR_USAGE, "x") == -VR_ERR_USAGE ? 0 : 1;
}
