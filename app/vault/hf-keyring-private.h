/* hf-keyring-private.h — the keyring file: one key slot per vault member
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "hf-role.h"
#include "hf-secure.h"

G_BEGIN_DECLS

#define HF_KEYRING_MAX_SLOTS     32
#define HF_KEYRING_MAX_NAME      64
#define HF_KEYRING_MAX_FILE      (64 * 1024)
#define HF_DATA_KEY_SIZE         32
#define HF_VAULT_ID_SIZE         16

/* Bounds every KDF parameter read from a keyring must lie in: a crafted file can neither
 * make unlocking trivial nor ask for more memory than a desktop has. */
#define HF_KDF_MEM_MIN           (G_GUINT64_CONSTANT (64) * 1024 * 1024)
#define HF_KDF_MEM_MAX           (G_GUINT64_CONSTANT (1024) * 1024 * 1024)
#define HF_KDF_OPS_MIN           1
#define HF_KDF_OPS_MAX           16

typedef struct
{
  guint64 ops;
  guint64 mem;
} HfKdfParams;

typedef struct
{
  char   *name;
  HfRole  role;
  guint64 created;               /* seconds since the epoch */
  HfKdfParams kdf;               /* Argon2id */
  guint8  salt[16];
  guint8  pk[32];                /* the slot's X25519 public key */
  guint8  sk_nonce[24];
  guint8  wrapped_sk[32 + 16];   /* its secret key, sealed with the passphrase's KEK */
  guint8  eph_pk[32];
  guint8  dk_nonce[24];
  guint8  sealed_dk[32 + 16];    /* the data key, sealed to pk */
} HfKeySlot;

typedef struct
{
  guint8     vault_id[HF_VAULT_ID_SIZE];
  guint64    generation;
  GPtrArray *slots;              /* HfKeySlot */
  GBytes    *raw;                /* the bytes it was parsed from, if any */
} HfKeyring;

HfKeyring  *hf_keyring_new             (const guint8    *vault_id,
                                        guint64          generation);
HfKeyring  *hf_keyring_copy            (const HfKeyring *self);
void        hf_keyring_free            (HfKeyring       *self);
HfKeyring  *hf_keyring_parse           (GBytes          *bytes,
                                        GError         **error);
HfKeyring  *hf_keyring_load            (const char      *path,
                                        GError         **error);
GBytes     *hf_keyring_serialize       (HfKeyring       *self,
                                        const HfSecret  *data_key);
gboolean    hf_keyring_verify_mac      (const HfKeyring *self,
                                        const HfSecret  *data_key,
                                        GError         **error);
gboolean    hf_keyring_write           (HfKeyring       *self,
                                        const HfSecret  *data_key,
                                        const char      *path,
                                        GError         **error);
HfKeySlot  *hf_keyring_find_slot       (const HfKeyring *self,
                                        const char      *name);
HfKeySlot  *hf_keyring_first_owner     (const HfKeyring *self);
guint       hf_keyring_count_role      (const HfKeyring *self,
                                        HfRole           role);
void        hf_keyring_add_slot        (HfKeyring       *self,
                                        HfKeySlot       *slot);
gboolean    hf_keyring_remove_slot     (HfKeyring       *self,
                                        const char      *name);

HfKeySlot  *hf_key_slot_new            (const HfKeyring *keyring,
                                        const char      *name,
                                        HfRole           role,
                                        guint64          created,
                                        const HfSecret  *passphrase,
                                        const HfKdfParams *kdf,
                                        GError         **error);
void        hf_key_slot_free           (HfKeySlot       *slot);
HfSecret   *hf_key_slot_unlock         (const HfKeyring *keyring,
                                        const HfKeySlot *slot,
                                        const HfSecret  *passphrase,
                                        GError         **error);
gboolean    hf_key_slot_same_credentials
                                       (const HfKeySlot *a,
                                        const HfKeySlot *b);
GPtrArray  *hf_keyring_describe_changes
                                       (const HfKeyring *found,
                                        const HfKeyring *expected);

void        hf_kdf_params_for_new_slot (HfKdfParams     *params);
void        hf_kdf_tune                (HfKdfParams     *params,
                                        double           target_seconds);
gboolean    hf_kdf_derive              (const HfSecret  *passphrase,
                                        const guint8    *salt,
                                        const HfKdfParams *params,
                                        guint8          *out,
                                        GError         **error);

gboolean    hf_write_file_atomic       (const char      *path,
                                        GBytes          *contents,
                                        GError         **error);
gboolean    hf_fsync_dir_of            (const char      *path,
                                        GError         **error);

void        _hf_crash_point            (const char      *action,
                                        const char      *point);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfKeyring, hf_keyring_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfKeySlot, hf_key_slot_free)

G_END_DECLS
