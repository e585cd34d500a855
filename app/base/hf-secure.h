/* hf-secure.h — secrets in locked, wiped memory
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * HfSecret:
 *
 * A byte string kept in libsodium's guarded heap: locked in RAM, excluded from core dumps,
 * wiped when freed. Passphrases, the data key, key-encryption keys and the hex form of the
 * key handed to SQLCipher live in these. The buffer always has one extra NUL byte after
 * @size so that a passphrase can be used as a C string.
 */
typedef struct _HfSecret HfSecret;

gboolean      hf_secure_init           (void);
void          hf_secure_disable_core_dumps (void);

HfSecret     *hf_secret_new            (gsize           size);
HfSecret     *hf_secret_new_from_data  (gconstpointer   data,
                                        gsize           size);
HfSecret     *hf_secret_new_random     (gsize           size);
HfSecret     *hf_secret_dup            (const HfSecret *self);
guint8       *hf_secret_get_data       (HfSecret       *self);
const guint8 *hf_secret_peek           (const HfSecret *self);
const char   *hf_secret_get_string     (const HfSecret *self);
gsize         hf_secret_get_size       (const HfSecret *self);
void          hf_secret_truncate       (HfSecret       *self,
                                        gsize           size);
gboolean      hf_secret_equal          (const HfSecret *a,
                                        const HfSecret *b);
void          hf_secret_free           (HfSecret       *self);

HfSecret     *hf_secret_read_fd        (int             fd,
                                        GError        **error);
HfSecret     *hf_secret_read_file      (const char     *path,
                                        GError        **error);
HfSecret     *hf_secret_prompt         (const char     *prompt,
                                        GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfSecret, hf_secret_free)

G_END_DECLS
