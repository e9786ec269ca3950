/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Interpreter specs (the -p argument): parsing, and matching against an interpreter's facts. */

#include <stdbool.h>

#include "venvrun/error.h"

enum vr_spec_kind {
	VR_SPEC_PATH,	 /* contains a slash: that file */
	VR_SPEC_VERSION, /* [impl][X[.Y[.Z]]][t][-64|-32] */
	VR_SPEC_RANGE,	 /* [impl] PEP 440 specifier set */
};

enum vr_spec_op { VR_OP_EQ, VR_OP_NE, VR_OP_LT, VR_OP_LE, VR_OP_GT, VR_OP_GE, VR_OP_COMPAT, VR_OP_ARBITRARY };

struct vr_spec_clause {
	enum vr_spec_op op;
	int v[3];
	int n;	       /* how many of v were given */
	bool wildcard; /* "==3.12.*" */
};

#define VR_SPEC_MAX_CLAUSES 8

struct vr_python_spec {
	enum vr_spec_kind kind;
	char text[256]; /* the spec as given */
	char impl[16];	/* "cpython", "pypy", or "" for any */
	int v[3];	/* VR_SPEC_VERSION: the version prefix */
	int nv;		/* how many of v were given (0: any) */
	bool free_threaded;
	int bits; /* 0: any */
	struct vr_spec_clause clauses[VR_SPEC_MAX_CLAUSES];
	int nclauses;
};

/* The facts a spec is matched against. */
struct vr_spec_facts {
	const char *impl; /* lower case */
	int v[3];
	bool free_threaded;
	int bits;
};

int vr_python_spec_parse(const char *text, struct vr_python_spec *spec, struct vr_error *err);
bool vr_python_spec_matches(const struct vr_python_spec *spec, const struct vr_spec_facts *f);
/* True when the spec could also be the name of a command to look up on PATH. */
bool vr_python_spec_is_command_like(const char *text);
