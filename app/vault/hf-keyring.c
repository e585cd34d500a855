/* hf-keyring.c — the keyring file: one key slot per vault member
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * File format (all integers big-endian):
 *
 *   magic "HFKEYS\0\1"              8   (last byte: format version)
 *   vault id                       16
 *   generation                      8
 *   slot count                      2
 *   slots:
 *     name length, name           1+n  (UTF-8, 1–64 bytes)
 *     role                          1
 *     created                       8
 *     kdf algorithm                 1   (1 = Argon2id v1.3)
 *     kdf opslimit                  4
 *     kdf memlimit                  8   (bytes)
 *     salt                         16
 *     public key                   32   (X25519)
 *     sk nonce, wrapped sk      24+48   (XChaCha20-Poly1305 under the passphrase's KEK)
 *     ephemeral pk                 32
 *     dk nonce, sealed dk       24+48   (XChaCha20-Poly1305 under ECDH(eph, pk))
 *   mac                            32   HMAC-SHA-256, key derived from the data key
 *   checksum                       32   SHA-256 of everything before it
 *
 * Both AEADs take the slot's metadata (magic, vault id, and the slot up to and including its
 * public key) as associated data, so a slot cannot be moved to another vault or have its role
 * changed. The data key is sealed to a public key per slot rather than wrapped with the
 * passphrase directly so that re-keying can re-wrap every remaining slot without knowing the
 * other members' passphrases. The unkeyed checksum tells damage from a wrong passphrase
 * before any KDF runs; the MAC, checked once the data key is known, tells forgery. A forger
 * who recomputes the checksum and alters a slot's metadata makes that slot's AEAD fail just
 * as a wrong passphrase does, so its member is told both are possible; any other member's
 * slot still opens, and the MAC then shows the file was altered (hf-vault.c says how the
 * change is named and undone).
 */

#include "hf-keyring-private.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <unistd.h>

#include "hf-error.h"

static const guint8 magic[8] = { 'H', 'F', 'K', 'E', 'Y', 'S', 0, 1 };

#define KDF_ARGON2ID13  1

/* {{{ byte helpers */

static void
put_u16 (GByteArray *b, guint16 v)
{
  guint8 x[2] = { v >> 8, v };
  g_byte_array_append (b, x, 2);
}

static void
put_u32 (GByteArray *b, guint32 v)
{
  guint8 x[4] = { v >> 24, v >> 16, v >> 8, v };
  g_byte_array_append (b, x, 4);
}

static void
put_u64 (GByteArray *b, guint64 v)
{
  put_u32 (b, v >> 32);
  put_u32 (b, v & 0xffffffff);
}

typedef struct
{
  const guint8 *p;
  gsize         left;
} Reader;

static gboolean
take (Reader *r, gsize n, const guint8 **out)
{
  if (r->left < n)
    return FALSE;
  *out = r->p;
  r->p += n;
  r->left -= n;
  return TRUE;
}

static gboolean
take_copy (Reader *r, gsize n, guint8 *out)
{
  const guint8 *p;

  if (!take (r, n, &p))
    return FALSE;
  memcpy (out, p, n);
  return TRUE;
}

static gboolean
take_uint (Reader *r, gsize n, guint64 *out)
{
  const guint8 *p;
  guint64 v = 0;

  if (!take (r, n, &p))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    v = (v << 8) | p[i];
  *out = v;
  return TRUE;
}

/* }}} */

/* {{{ HfKeySlot */

void
hf_key_slot_free (HfKeySlot *slot)
{
  if (slot == NULL)
    return;
  g_free (slot->name);
  sodium_memzero (slot, sizeof *slot);
  g_free (slot);
}

static HfKeySlot *
key_slot_copy (const HfKeySlot *slot)
{
  HfKeySlot *copy = g_memdup2 (slot, sizeof *slot);

  copy->name = g_strdup (slot->name);
  return copy;
}

static void
append_slot_meta (GByteArray *b, const HfKeySlot *slot)
{
  gsize n = strlen (slot->name);

  g_byte_array_append (b, (const guint8 *) &(guint8) { n }, 1);
  g_byte_array_append (b, (const guint8 *) slot->name, n);
  g_byte_array_append (b, (const guint8 *) &(guint8) { slot->role }, 1);
  put_u64 (b, slot->created);
  g_byte_array_append (b, (const guint8 *) &(guint8) { KDF_ARGON2ID13 }, 1);
  put_u32 (b, slot->kdf.ops);
  put_u64 (b, slot->kdf.mem);
  g_byte_array_append (b, slot->salt, sizeof slot->salt);
  g_byte_array_append (b, slot->pk, sizeof slot->pk);
}

static GByteArray *
slot_associated_data (const HfKeyring *keyring, const HfKeySlot *slot)
{
  GByteArray *ad = g_byte_array_sized_new (sizeof magic + HF_VAULT_ID_SIZE + 128);

  g_byte_array_append (ad, magic, sizeof magic);
  g_byte_array_append (ad, keyring->vault_id, HF_VAULT_ID_SIZE);
  append_slot_meta (ad, slot);
  return ad;
}

static gboolean
name_is_valid (const char *name)
{
  gsize n;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  n = strlen (name);
  if (n == 0 || n > HF_KEYRING_MAX_NAME)
    return FALSE;
  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c))
        return FALSE;
    }
  return TRUE;
}

static gboolean
kdf_params_valid (const HfKdfParams *kdf)
{
  return kdf->mem >= HF_KDF_MEM_MIN && kdf->mem <= HF_KDF_MEM_MAX &&
         kdf->ops >= HF_KDF_OPS_MIN && kdf->ops <= HF_KDF_OPS_MAX;
}

gboolean
hf_kdf_derive (const HfSecret    *passphrase,
               const guint8      *salt,
               const HfKdfParams *params,
               guint8            *out,
               GError           **error)
{
  g_return_val_if_fail (kdf_params_valid (params), FALSE);

  if (crypto_pwhash (out, 32,
                     hf_secret_get_string (passphrase), hf_secret_get_size (passphrase),
                     salt, params->ops, params->mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED,
                   "Not enough memory to derive the key (%" G_GUINT64_FORMAT " MiB needed).",
                   params->mem / (1024 * 1024));
      return FALSE;
    }
  return TRUE;
}

/* Seal the data key to the slot's public key: an ephemeral X25519 key, a wrap key hashed from
 * the shared secret and both public keys, and the AEAD over the slot's metadata. */
static gboolean
seal_data_key (const HfKeyring *keyring,
               HfKeySlot       *slot,
               const HfSecret  *data_key)
{
  g_autoptr(HfSecret) esk = hf_secret_new (crypto_box_SECRETKEYBYTES);
  g_autoptr(HfSecret) shared = hf_secret_new (crypto_scalarmult_BYTES);
  g_autoptr(HfSecret) wrap = hf_secret_new (32);
  g_autoptr(GByteArray) ad = NULL;
  crypto_generichash_state st;

  crypto_box_keypair (slot->eph_pk, hf_secret_get_data (esk));
  if (crypto_scalarmult (hf_secret_get_data (shared), hf_secret_peek (esk), slot->pk) != 0)
    return FALSE;

  crypto_generichash_init (&st, NULL, 0, 32);
  crypto_generichash_update (&st, hf_secret_peek (shared), crypto_scalarmult_BYTES);
  crypto_generichash_update (&st, slot->eph_pk, sizeof slot->eph_pk);
  crypto_generichash_update (&st, slot->pk, sizeof slot->pk);
  crypto_generichash_final (&st, hf_secret_get_data (wrap), 32);
  sodium_memzero (&st, sizeof st);

  ad = slot_associated_data (keyring, slot);
  randombytes_buf (slot->dk_nonce, sizeof slot->dk_nonce);
  crypto_aead_xchacha20poly1305_ietf_encrypt (slot->sealed_dk, NULL,
                                              hf_secret_peek (data_key), HF_DATA_KEY_SIZE,
                                              ad->data, ad->len, NULL,
                                              slot->dk_nonce, hf_secret_peek (wrap));
  return TRUE;
}

HfKeySlot *
hf_key_slot_new (const HfKeyring    *keyring,
                 const char         *name,
                 HfRole              role,
                 guint64             created,
                 const HfSecret     *passphrase,
                 const HfKdfParams  *kdf,
                 GError            **error)
{
  g_autoptr(HfKeySlot) slot = g_new0 (HfKeySlot, 1);
  g_autoptr(HfSecret) sk = hf_secret_new (crypto_box_SECRETKEYBYTES);
  g_autoptr(HfSecret) kek = hf_secret_new (32);
  g_autoptr(GByteArray) ad = NULL;

  g_return_val_if_fail (keyring != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);
  g_return_val_if_fail (kdf_params_valid (kdf), NULL);

  if (!name_is_valid (name))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "A member name must be 1 to %d bytes of printable UTF-8.",
                   HF_KEYRING_MAX_NAME);
      return NULL;
    }

  slot->name = g_strdup (name);
  slot->role = role;
  slot->created = created != 0 ? created : (guint64) (g_get_real_time () / G_USEC_PER_SEC);
  slot->kdf = *kdf;
  randombytes_buf (slot->salt, sizeof slot->salt);
  crypto_box_keypair (slot->pk, hf_secret_get_data (sk));

  if (!hf_kdf_derive (passphrase, slot->salt, &slot->kdf, hf_secret_get_data (kek), error))
    return NULL;

  ad = slot_associated_data (keyring, slot);
  randombytes_buf (slot->sk_nonce, sizeof slot->sk_nonce);
  crypto_aead_xchacha20poly1305_ietf_encrypt (slot->wrapped_sk, NULL,
                                              hf_secret_peek (sk), crypto_box_SECRETKEYBYTES,
                                              ad->data, ad->len, NULL,
                                              slot->sk_nonce, hf_secret_peek (kek));
  return g_steal_pointer (&slot);
}

HfSecret *
hf_key_slot_unlock (const HfKeyring  *keyring,
                    const HfKeySlot  *slot,
                    const HfSecret   *passphrase,
                    GError          **error)
{
  g_autoptr(HfSecret) kek = hf_secret_new (32);
  g_autoptr(HfSecret) sk = hf_secret_new (crypto_box_SECRETKEYBYTES);
  g_autoptr(HfSecret) shared = hf_secret_new (crypto_scalarmult_BYTES);
  g_autoptr(HfSecret) wrap = hf_secret_new (32);
  g_autoptr(HfSecret) dk = hf_secret_new (HF_DATA_KEY_SIZE);
  g_autoptr(GByteArray) ad = NULL;
  crypto_generichash_state st;

  if (!hf_kdf_derive (passphrase, slot->salt, &slot->kdf, hf_secret_get_data (kek), error))
    return NULL;

  ad = slot_associated_data (keyring, slot);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (hf_secret_get_data (sk), NULL, NULL,
                                                  slot->wrapped_sk, sizeof slot->wrapped_sk,
                                                  ad->data, ad->len,
                                                  slot->sk_nonce, hf_secret_peek (kek)) != 0)
    {
      /* The AEAD fails alike for a wrong passphrase and for altered metadata (its associated
       * data): only another member's unlock, through the keyring's MAC, can tell them apart. */
      g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                   "Wrong passphrase for “%s”, or the keyring's slot for “%s” was altered; if "
                   "the passphrase is right, let another member unlock the vault, which checks "
                   "the whole keyring and restores an altered slot.", slot->name, slot->name);
      return NULL;
    }

  if (crypto_scalarmult (hf_secret_get_data (shared), hf_secret_peek (sk), slot->eph_pk) != 0)
    goto forged;

  crypto_generichash_init (&st, NULL, 0, 32);
  crypto_generichash_update (&st, hf_secret_peek (shared), crypto_scalarmult_BYTES);
  crypto_generichash_update (&st, slot->eph_pk, sizeof slot->eph_pk);
  crypto_generichash_update (&st, slot->pk, sizeof slot->pk);
  crypto_generichash_final (&st, hf_secret_get_data (wrap), 32);
  sodium_memzero (&st, sizeof st);

  if (crypto_aead_xchacha20poly1305_ietf_decrypt (hf_secret_get_data (dk), NULL, NULL,
                                                  slot->sealed_dk, sizeof slot->sealed_dk,
                                                  ad->data, ad->len,
                                                  slot->dk_nonce, hf_secret_peek (wrap)) != 0)
    goto forged;

  return g_steal_pointer (&dk);

forged:
  /* The passphrase was right, so the slot itself was altered after it was written. */
  g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
               "The key slot of “%s” has been altered; the keyring cannot be trusted. "
               "Restore the .hfkeys file from a backup.", slot->name);
  return NULL;
}

/* }}} */

/* {{{ HfKeyring */

HfKeyring *
hf_keyring_new (const guint8 *vault_id,
                guint64       generation)
{
  HfKeyring *self = g_new0 (HfKeyring, 1);

  if (vault_id != NULL)
    memcpy (self->vault_id, vault_id, HF_VAULT_ID_SIZE);
  else
    randombytes_buf (self->vault_id, HF_VAULT_ID_SIZE);
  self->generation = generation;
  self->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_key_slot_free);
  return self;
}

HfKeyring *
hf_keyring_copy (const HfKeyring *self)
{
  HfKeyring *copy = hf_keyring_new (self->vault_id, self->generation);

  for (guint i = 0; i < self->slots->len; i++)
    g_ptr_array_add (copy->slots, key_slot_copy (g_ptr_array_index (self->slots, i)));
  copy->raw = self->raw ? g_bytes_ref (self->raw) : NULL;
  return copy;
}

void
hf_keyring_free (HfKeyring *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->slots);
  g_clear_pointer (&self->raw, g_bytes_unref);
  g_free (self);
}

static gboolean
damaged (GError **error, const char *why)
{
  g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
               "The keyring is damaged or has been altered (%s). Restore the .hfkeys file "
               "from a backup; the vault was not changed.", why);
  return FALSE;
}

HfKeyring *
hf_keyring_parse (GBytes  *bytes,
                  GError **error)
{
  g_autoptr(HfKeyring) self = NULL;
  guint8 sum[crypto_hash_sha256_BYTES];
  const guint8 *data;
  const guint8 *p;
  gsize size;
  guint64 v, count = 0;
  Reader r;

  data = g_bytes_get_data (bytes, &size);
  if (size > HF_KEYRING_MAX_FILE)
    return damaged (error, "the file is too large"), NULL;
  if (size < sizeof magic + HF_VAULT_ID_SIZE + 8 + 2 + 64)
    return damaged (error, "the file is too short"), NULL;

  crypto_hash_sha256 (sum, data, size - sizeof sum);
  if (sodium_memcmp (sum, data + size - sizeof sum, sizeof sum) != 0)
    return damaged (error, "its checksum does not match"), NULL;

  if (memcmp (data, magic, sizeof magic - 1) != 0)
    return damaged (error, "it is not a Healthfolio keyring"), NULL;
  if (data[sizeof magic - 1] != magic[sizeof magic - 1])
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                   "The keyring has format version %d, which this version of Healthfolio "
                   "does not know. Use a newer Healthfolio.", data[sizeof magic - 1]);
      return NULL;
    }

  r.p = data + sizeof magic;
  r.left = size - sizeof magic - 64;

  self = hf_keyring_new (NULL, 0);
  self->raw = g_bytes_ref (bytes);
  take_copy (&r, HF_VAULT_ID_SIZE, self->vault_id);
  take_uint (&r, 8, &self->generation);
  take_uint (&r, 2, &count);
  if (count == 0 || count > HF_KEYRING_MAX_SLOTS)
    return damaged (error, "impossible number of key slots"), NULL;

  for (guint64 i = 0; i < count; i++)
    {
      g_autoptr(HfKeySlot) slot = g_new0 (HfKeySlot, 1);
      guint64 name_len, alg;

      if (!take_uint (&r, 1, &name_len) || name_len == 0 || name_len > HF_KEYRING_MAX_NAME ||
          !take (&r, name_len, &p))
        return damaged (error, "a member name is malformed"), NULL;
      slot->name = g_strndup ((const char *) p, name_len);
      if (strlen (slot->name) != name_len || !name_is_valid (slot->name))
        return damaged (error, "a member name is malformed"), NULL;
      if (hf_keyring_find_slot (self, slot->name) != NULL)
        return damaged (error, "a member appears twice"), NULL;

      if (!take_uint (&r, 1, &v) || v < HF_ROLE_OWNER || v > HF_ROLE_RECOVERY)
        return damaged (error, "a role is unknown"), NULL;
      slot->role = v;
      if (!take_uint (&r, 8, &slot->created) ||
          !take_uint (&r, 1, &alg) ||
          !take_uint (&r, 4, &slot->kdf.ops) ||
          !take_uint (&r, 8, &slot->kdf.mem))
        return damaged (error, "a key slot is truncated"), NULL;
      if (alg != KDF_ARGON2ID13)
        return damaged (error, "a key slot names an unknown key derivation"), NULL;
      if (!kdf_params_valid (&slot->kdf))
        {
          /* Refused before anything is allocated for it. */
          g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                       "The key slot of “%s” asks for key derivation parameters outside safe "
                       "bounds (%" G_GUINT64_FORMAT " MiB of memory, %" G_GUINT64_FORMAT
                       " passes; allowed are %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT
                       " MiB and %d–%d passes). The keyring was crafted or damaged; it was "
                       "not used.", slot->name, slot->kdf.mem / (1024 * 1024), slot->kdf.ops,
                       HF_KDF_MEM_MIN / (1024 * 1024), HF_KDF_MEM_MAX / (1024 * 1024),
                       HF_KDF_OPS_MIN, HF_KDF_OPS_MAX);
          return NULL;
        }
      if (!take_copy (&r, sizeof slot->salt, slot->salt) ||
          !take_copy (&r, sizeof slot->pk, slot->pk) ||
          !take_copy (&r, sizeof slot->sk_nonce, slot->sk_nonce) ||
          !take_copy (&r, sizeof slot->wrapped_sk, slot->wrapped_sk) ||
          !take_copy (&r, sizeof slot->eph_pk, slot->eph_pk) ||
          !take_copy (&r, sizeof slot->dk_nonce, slot->dk_nonce) ||
          !take_copy (&r, sizeof slot->sealed_dk, slot->sealed_dk))
        return damaged (error, "a key slot is truncated"), NULL;

      g_ptr_array_add (self->slots, g_steal_pointer (&slot));
    }

  if (r.left != 0)
    return damaged (error, "unexpected bytes after the last key slot"), NULL;

  return g_steal_pointer (&self);
}

HfKeyring *
hf_keyring_load (const char  *path,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GMappedFile) map = NULL;
  g_autoptr(GBytes) bytes = NULL;

  map = g_mapped_file_new (path, FALSE, &local_error);
  if (map == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                     "The keyring “%s” is missing; without it the vault cannot be opened. "
                     "Restore it from a backup.", path);
      else
        g_set_error (error, HF_ERROR, HF_ERROR_FAILED,
                     "Could not read the keyring: %s", local_error->message);
      return NULL;
    }
  if (g_mapped_file_get_length (map) > HF_KEYRING_MAX_FILE)
    return damaged (error, "the file is too large"), NULL;

  bytes = g_bytes_new (g_mapped_file_get_contents (map), g_mapped_file_get_length (map));
  return hf_keyring_parse (bytes, error);
}

static void
keyring_mac (const guint8   *data,
             gsize           size,
             const HfSecret *data_key,
             guint8         *mac)
{
  g_autoptr(HfSecret) mac_key = hf_secret_new (crypto_auth_hmacsha256_KEYBYTES);
  static const char context[] = "healthfolio keyring mac v1";

  crypto_generichash (hf_secret_get_data (mac_key), crypto_auth_hmacsha256_KEYBYTES,
                      (const guint8 *) context, sizeof context - 1,
                      hf_secret_peek (data_key), HF_DATA_KEY_SIZE);
  crypto_auth_hmacsha256 (mac, data, size, hf_secret_peek (mac_key));
}

GBytes *
hf_keyring_serialize (HfKeyring      *self,
                      const HfSecret *data_key)
{
  g_autoptr(GByteArray) b = g_byte_array_sized_new (4096);
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  guint8 sum[crypto_hash_sha256_BYTES];

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (data_key != NULL && hf_secret_get_size (data_key) == HF_DATA_KEY_SIZE,
                        NULL);
  g_return_val_if_fail (self->slots->len > 0 && self->slots->len <= HF_KEYRING_MAX_SLOTS, NULL);

  g_byte_array_append (b, magic, sizeof magic);
  g_byte_array_append (b, self->vault_id, HF_VAULT_ID_SIZE);
  put_u64 (b, self->generation);
  put_u16 (b, self->slots->len);

  for (guint i = 0; i < self->slots->len; i++)
    {
      HfKeySlot *slot = g_ptr_array_index (self->slots, i);

      if (!seal_data_key (self, slot, data_key))
        return NULL;
      append_slot_meta (b, slot);
      g_byte_array_append (b, slot->sk_nonce, sizeof slot->sk_nonce);
      g_byte_array_append (b, slot->wrapped_sk, sizeof slot->wrapped_sk);
      g_byte_array_append (b, slot->eph_pk, sizeof slot->eph_pk);
      g_byte_array_append (b, slot->dk_nonce, sizeof slot->dk_nonce);
      g_byte_array_append (b, slot->sealed_dk, sizeof slot->sealed_dk);
    }

  keyring_mac (b->data, b->len, data_key, mac);
  g_byte_array_append (b, mac, sizeof mac);
  crypto_hash_sha256 (sum, b->data, b->len);
  g_byte_array_append (b, sum, sizeof sum);

  g_clear_pointer (&self->raw, g_bytes_unref);
  self->raw = g_byte_array_free_to_bytes (g_steal_pointer (&b));
  return g_bytes_ref (self->raw);
}

gboolean
hf_keyring_verify_mac (const HfKeyring  *self,
                       const HfSecret   *data_key,
                       GError          **error)
{
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  const guint8 *data;
  gsize size;

  g_return_val_if_fail (self->raw != NULL, FALSE);

  data = g_bytes_get_data (self->raw, &size);
  keyring_mac (data, size - 64, data_key, mac);
  if (sodium_memcmp (mac, data + size - 64, sizeof mac) != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                   "The keyring's authentication code does not match its data key: the file "
                   "was forged or altered. Restore the .hfkeys file from a backup.");
      return FALSE;
    }
  return TRUE;
}

gboolean
hf_keyring_write (HfKeyring       *self,
                  const HfSecret  *data_key,
                  const char      *path,
                  GError         **error)
{
  g_autoptr(GBytes) bytes = hf_keyring_serialize (self, data_key);

  if (bytes == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not seal the data key.");
      return FALSE;
    }
  return hf_write_file_atomic (path, bytes, error);
}

/* The same member with the same passphrase: everything the passphrase unwraps, and the
 * metadata bound to it. What re-sealing the data key changes (the ephemeral key, the sealed
 * data key) is left out. */
gboolean
hf_key_slot_same_credentials (const HfKeySlot *a,
                              const HfKeySlot *b)
{
  return a != NULL && b != NULL &&
         g_strcmp0 (a->name, b->name) == 0 && a->role == b->role && a->created == b->created &&
         a->kdf.ops == b->kdf.ops && a->kdf.mem == b->kdf.mem &&
         memcmp (a->salt, b->salt, sizeof a->salt) == 0 &&
         memcmp (a->pk, b->pk, sizeof a->pk) == 0 &&
         memcmp (a->sk_nonce, b->sk_nonce, sizeof a->sk_nonce) == 0 &&
         memcmp (a->wrapped_sk, b->wrapped_sk, sizeof a->wrapped_sk) == 0;
}

static gboolean
key_slot_equal (const HfKeySlot *a,
                const HfKeySlot *b)
{
  return hf_key_slot_same_credentials (a, b) &&
         memcmp (a->eph_pk, b->eph_pk, sizeof a->eph_pk) == 0 &&
         memcmp (a->dk_nonce, b->dk_nonce, sizeof a->dk_nonce) == 0 &&
         memcmp (a->sealed_dk, b->sealed_dk, sizeof a->sealed_dk) == 0;
}

/* How FOUND differs from EXPECTED, a copy known to be genuine: one phrase per difference
 * ("the key slot of “bob” was altered: its role was changed from … to …"), for a sentence
 * that lists them. Never empty when the two differ at all. */
GPtrArray *
hf_keyring_describe_changes (const HfKeyring *found,
                             const HfKeyring *expected)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  gboolean same_order = found->slots->len == expected->slots->len;

  if (memcmp (found->vault_id, expected->vault_id, HF_VAULT_ID_SIZE) != 0)
    g_ptr_array_add (changes, g_strdup ("its vault identifier was changed"));
  if (found->generation != expected->generation)
    g_ptr_array_add (changes, g_strdup_printf ("its generation was changed from %"
                                               G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT,
                                               expected->generation, found->generation));

  for (guint i = 0; i < expected->slots->len; i++)
    {
      const HfKeySlot *e = g_ptr_array_index (expected->slots, i);
      const HfKeySlot *f = hf_keyring_find_slot (found, e->name);

      if (same_order && f != g_ptr_array_index (found->slots, i))
        same_order = FALSE;
      if (f == NULL)
        g_ptr_array_add (changes, g_strdup_printf ("the key slot of “%s” was removed",
                                                   e->name));
      else if (f->role != e->role)
        g_ptr_array_add (changes, g_strdup_printf ("the key slot of “%s” was altered: its "
                                                   "role was changed from %s to %s", e->name,
                                                   hf_role_to_string (e->role),
                                                   hf_role_to_string (f->role)));
      else if (!hf_key_slot_same_credentials (f, e))
        g_ptr_array_add (changes, g_strdup_printf ("the key slot of “%s” was replaced by "
                                                   "another one", e->name));
      else if (!key_slot_equal (f, e))
        g_ptr_array_add (changes, g_strdup_printf ("the sealed data key in the slot of “%s” "
                                                   "was altered", e->name));
    }
  for (guint i = 0; i < found->slots->len; i++)
    {
      const HfKeySlot *f = g_ptr_array_index (found->slots, i);

      if (hf_keyring_find_slot (expected, f->name) == NULL)
        g_ptr_array_add (changes, g_strdup_printf ("a key slot for “%s” as %s was added",
                                                   f->name, hf_role_to_string (f->role)));
    }

  if (changes->len == 0 && !same_order)
    g_ptr_array_add (changes, g_strdup ("its key slots were reordered"));
  if (changes->len == 0)
    g_ptr_array_add (changes, g_strdup ("its authentication code was changed"));
  return g_steal_pointer (&changes);
}

HfKeySlot *
hf_keyring_find_slot (const HfKeyring *self,
                      const char      *name)
{
  for (guint i = 0; i < self->slots->len; i++)
    {
      HfKeySlot *slot = g_ptr_array_index (self->slots, i);
      if (g_strcmp0 (slot->name, name) == 0)
        return slot;
    }
  return NULL;
}

HfKeySlot *
hf_keyring_first_owner (const HfKeyring *self)
{
  for (guint i = 0; i < self->slots->len; i++)
    {
      HfKeySlot *slot = g_ptr_array_index (self->slots, i);
      if (slot->role == HF_ROLE_OWNER)
        return slot;
    }
  return NULL;
}

guint
hf_keyring_count_role (const HfKeyring *self,
                       HfRole           role)
{
  guint n = 0;

  for (guint i = 0; i < self->slots->len; i++)
    n += ((HfKeySlot *) g_ptr_array_index (self->slots, i))->role == role;
  return n;
}

void
hf_keyring_add_slot (HfKeyring *self,
                     HfKeySlot *slot)
{
  g_ptr_array_add (self->slots, slot);
}

gboolean
hf_keyring_remove_slot (HfKeyring  *self,
                        const char *name)
{
  HfKeySlot *slot = hf_keyring_find_slot (self, name);

  return slot != NULL && g_ptr_array_remove (self->slots, slot);
}

/* }}} */

/* {{{ KDF tuning */

static double
time_kdf (const HfKdfParams *params)
{
  g_autoptr(HfSecret) pass = hf_secret_new_from_data ("tuning passphrase", 17);
  g_autoptr(HfSecret) out = hf_secret_new (32);
  guint8 salt[16] = { 0 };
  gint64 start = g_get_monotonic_time ();

  if (!hf_kdf_derive (pass, salt, params, hf_secret_get_data (out), NULL))
    return G_MAXDOUBLE;
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* Memory first (it is what makes Argon2id expensive to attack), up to 256 MiB so that a
 * desktop under load can still unlock; then passes, until one derivation takes at least half
 * the target. The result lands between about 0.5 and 1 s for the default target of 0.7 s. */
void
hf_kdf_tune (HfKdfParams *params,
             double       target_seconds)
{
  const guint64 mem_cap = G_GUINT64_CONSTANT (256) * 1024 * 1024;
  double t;

  params->mem = HF_KDF_MEM_MIN;
  params->ops = 2;
  t = time_kdf (params);

  while (t < target_seconds / 2 && params->mem < mem_cap)
    {
      params->mem *= 2;
      t *= 2;
    }
  if (t < target_seconds)
    {
      double per_pass = t / params->ops;
      guint64 ops = (guint64) (target_seconds / per_pass + 0.5);

      params->ops = CLAMP (ops, params->ops, HF_KDF_OPS_MAX);
    }
  g_debug ("KDF tuned: %" G_GUINT64_FORMAT " MiB, %" G_GUINT64_FORMAT " passes",
           params->mem / (1024 * 1024), params->ops);
}

/* HF_KDF_MINIMUM=1 skips tuning and uses the floor (64 MiB, 1 pass): for the test suite, which
 * creates hundreds of slots. The floor is still within the bounds a keyring must respect. */
void
hf_kdf_params_for_new_slot (HfKdfParams *params)
{
  static HfKdfParams tuned;
  static gsize once;

  if (g_strcmp0 (g_getenv ("HF_KDF_MINIMUM"), "1") == 0)
    {
      params->mem = HF_KDF_MEM_MIN;
      params->ops = HF_KDF_OPS_MIN;
      return;
    }
  if (g_once_init_enter (&once))
    {
      hf_kdf_tune (&tuned, 0.7);
      g_once_init_leave (&once, 1);
    }
  *params = tuned;
}

/* }}} */

/* {{{ test support */

/* Fault injection for the crash tests: HF_TEST_CRASH_AT=ACTION:POINT kills the process with
 * SIGKILL at that point of a transition logged as ACTION, as a power cut or kill -9 would. */
void
_hf_crash_point (const char *action,
                 const char *point)
{
  const char *at = g_getenv ("HF_TEST_CRASH_AT");
  gsize n;

  if (at == NULL)
    return;
  n = strlen (action);
  if (strncmp (at, action, n) == 0 && at[n] == ':' && g_str_equal (at + n + 1, point))
    raise (SIGKILL);
}

/* }}} */

/* {{{ atomic files */

gboolean
hf_fsync_dir_of (const char  *path,
                 GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED,
                   "Could not flush the folder “%s” to disk: %s.", dir, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Temp file in the same folder, fsync, rename over, fsync the folder: after a crash the file
 * is either wholly old or wholly new. */
gboolean
hf_write_file_atomic (const char  *path,
                      GBytes      *contents,
                      GError     **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.XXXXXX", path);
  const guint8 *data;
  gsize size, done = 0;
  int fd, saved;

  data = g_bytes_get_data (contents, &size);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    goto fail;

  while (done < size)
    {
      ssize_t n = write (fd, data + done, size - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto fail;
      done += n;
    }
  if (fsync (fd) != 0)
    goto fail;
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  fd = -1;
  _hf_crash_point ("keyring-write", "before-rename");
  if (rename (tmp, path) != 0)
    goto fail;
  return hf_fsync_dir_of (path, error);

fail:
  saved = errno;
  if (fd >= 0)
    close (fd);
  unlink (tmp);
  g_set_error (error, HF_ERROR, HF_ERROR_FAILED,
               "Could not write “%s”: %s.", path, g_strerror (saved));
  return FALSE;
}

/* }}} */
