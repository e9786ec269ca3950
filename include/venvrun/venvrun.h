/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * libvenvrun: build Python virtual environments (PEP 405) and describe them.
 * Include this header for all of it; each concept has its own header:
 *
 *   venvrun/error.h        the error record, error codes and exit statuses
 *   venvrun/interpreter.h  interpreter discovery and facts
 *   venvrun/env.h          creating and reading envs
 *   venvrun/policy.h       policies and profiles (venvrun.json)
 *   venvrun/plan.h         the sandbox plan, as data
 *   venvrun/run.h          executing a plan
 */

#include "venvrun/error.h"
#include "venvrun/interpreter.h"
#include "venvrun/env.h"
#include "venvrun/policy.h"
#include "venvrun/plan.h"
#include "venvrun/run.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version, "MAJOR.MINOR.PATCH". */
VR_PUBLIC const char *vr_version(void);

#ifdef __cplusplus
}
#endif
