/* hf-fuzz.h — what the libFuzzer targets share: set-up, a scratch folder, a vault
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hf-vault.h"

G_BEGIN_DECLS

/* libFuzzer's entry points, which every target defines. */
int         LLVMFuzzerInitialize     (int            *argc,
                                      char         ***argv);
int         LLVMFuzzerTestOneInput   (const uint8_t  *data,
                                      size_t          size);

/* Call first in LLVMFuzzerInitialize. Runs the process again with G_SLICE=always-malloc and
 * G_DEBUG=gc-friendly if they are not set (GLib reads them before main, and without them
 * AddressSanitizer cannot see inside GSlice blocks); makes warnings and criticals fatal, so
 * that a g_return_if_fail reached from input is a crash; initializes libsodium. */
void        hf_fuzz_init             (int            *argc,
                                      char         ***argv);

/* A folder for this process's files, removed when it exits. */
const char *hf_fuzz_scratch_dir      (void);

/* Writes DATA to NAME in the scratch folder; returns its path. */
char       *hf_fuzz_write_file       (const char     *name,
                                      const guint8   *data,
                                      gsize           size);

/* A vault in the scratch folder, owned by "owner", created on first use with the cheapest
 * key derivation the tests use (HF_KDF_MINIMUM=1) and without fsync: the fuzzer looks for
 * crashes, not for durability. */
HfVault    *hf_fuzz_vault            (void);

/* Starts over with a new, empty vault once the vault's files are larger than MAX_BYTES, so
 * that a long run stays fast and its disk use bounded. */
void        hf_fuzz_vault_trim       (gsize           max_bytes);

G_END_DECLS
