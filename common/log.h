/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "macro.h"

/*
 * Debug output, the only output libvenvrun ever writes: to stderr, and only when
 * VENVRUN_DEBUG is set in the environment (read with secure_getenv, so never for a
 * set-id process).
 */
bool vr_debug_enabled(void);
void vr_debug(const char *fmt, ...) _printf_(1, 2);
