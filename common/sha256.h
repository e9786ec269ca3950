/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* SHA-256 (FIPS 180-4), incremental. */

#include <stddef.h>
#include <stdint.h>

#define VR_SHA256_SIZE 32

struct vr_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t n;
};

void vr_sha256_init(struct vr_sha256 *c);
void vr_sha256_update(struct vr_sha256 *c, const void *data, size_t len);
void vr_sha256_final(struct vr_sha256 *c, unsigned char out[VR_SHA256_SIZE]);
/* The digest as 64 lowercase hex digits and a NUL. */
void vr_sha256_hex(const unsigned char digest[VR_SHA256_SIZE], char out[2 * VR_SHA256_SIZE + 1]);
