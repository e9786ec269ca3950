/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* One function per verb (cmd-<verb>.c). Each returns 0 or a negative code with the error
 * record filled; main() prints the error and maps the exit status. */

#include "venvrun/venvrun.h"

int vr_cmd_create(int argc, char **argv, struct vr_error *err);
/* run, install and shell return the program's exit status (>= 0) when it ran. */
int vr_cmd_run(int argc, char **argv, struct vr_error *err);
int vr_cmd_install(int argc, char **argv, struct vr_error *err);
int vr_cmd_shell(int argc, char **argv, struct vr_error *err);
int vr_cmd_interpreters(int argc, char **argv, struct vr_error *err);
int vr_cmd_describe(int argc, char **argv, struct vr_error *err);
int vr_cmd_check_config(int argc, char **argv, struct vr_error *err);
int vr_cmd_profiles(int argc, char **argv, struct vr_error *err);

/* Print a line of -v explanation to stderr (the library's explain callback). */
void vr_cmd_explain(void *userdata, const char *line);
