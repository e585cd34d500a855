/* fuzz-keyring.c — libFuzzer target: the keyring file parser (app/hf-keyring-private.h)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A keyring ends with a SHA-256 checksum of the rest, which random bytes never match: each
 * input is parsed as it is and again with its checksum made right, so that the fuzzer gets
 * past it to the slots. What parses must respect the bounds the parser promises, and must
 * come back the same from hf_keyring_serialize (which seals the data key afresh).
 * No slot is unlocked: Argon2id with 64 MiB per input would be far too slow.
 */

#include <sodium.h>
#include <string.h>

#include "hf-error.h"
#include "hf-fuzz.h"
#include "hf-keyring-private.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  hf_fuzz_init (argc, argv);
  return 0;
}

static void
assert_same_slot (const HfKeySlot *a,
                  const HfKeySlot *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpint (a->role, ==, b->role);
  g_assert_cmpuint (a->created, ==, b->created);
  g_assert_cmpuint (a->kdf.ops, ==, b->kdf.ops);
  g_assert_cmpuint (a->kdf.mem, ==, b->kdf.mem);
  g_assert_cmpmem (a->salt, sizeof a->salt, b->salt, sizeof b->salt);
  g_assert_cmpmem (a->pk, sizeof a->pk, b->pk, sizeof b->pk);
  g_assert_cmpmem (a->sk_nonce, sizeof a->sk_nonce, b->sk_nonce, sizeof b->sk_nonce);
  g_assert_cmpmem (a->wrapped_sk, sizeof a->wrapped_sk, b->wrapped_sk, sizeof b->wrapped_sk);
}

static void
check (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfKeyring) keyring = hf_keyring_parse (bytes, &error);
  g_autoptr(HfKeyring) copy = NULL;
  g_autoptr(HfKeyring) again = NULL;
  g_autoptr(HfSecret) data_key = NULL;
  g_autoptr(GBytes) written = NULL;

  if (keyring == NULL)
    {
      g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (keyring->slots->len, >=, 1);
  g_assert_cmpuint (keyring->slots->len, <=, HF_KEYRING_MAX_SLOTS);
  for (guint i = 0; i < keyring->slots->len; i++)
    {
      HfKeySlot *slot = g_ptr_array_index (keyring->slots, i);

      g_assert_true (g_utf8_validate (slot->name, -1, NULL));
      g_assert_cmpuint (strlen (slot->name), >=, 1);
      g_assert_cmpuint (strlen (slot->name), <=, HF_KEYRING_MAX_NAME);
      g_assert_true (slot->kdf.mem >= HF_KDF_MEM_MIN && slot->kdf.mem <= HF_KDF_MEM_MAX);
      g_assert_true (slot->kdf.ops >= HF_KDF_OPS_MIN && slot->kdf.ops <= HF_KDF_OPS_MAX);
      g_assert_true (hf_keyring_find_slot (keyring, slot->name) == slot);
    }
  hf_keyring_count_role (keyring, HF_ROLE_OWNER);
  hf_keyring_first_owner (keyring);

  /* A data key of zeros: the MAC is checked, and almost always refused, without harm. */
  data_key = hf_secret_new (HF_DATA_KEY_SIZE);
  if (!hf_keyring_verify_mac (keyring, data_key, &error))
    g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
  g_clear_error (&error);

  copy = hf_keyring_copy (keyring);
  written = hf_keyring_serialize (copy, data_key);
  if (written == NULL)
    return;   /* a public key X25519 refuses (a low-order point) */
  again = hf_keyring_parse (written, &error);
  g_assert_no_error (error);
  g_assert_true (hf_keyring_verify_mac (again, data_key, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (again->vault_id, HF_VAULT_ID_SIZE, keyring->vault_id, HF_VAULT_ID_SIZE);
  g_assert_cmpuint (again->generation, ==, keyring->generation);
  g_assert_cmpuint (again->slots->len, ==, keyring->slots->len);
  for (guint i = 0; i < keyring->slots->len; i++)
    assert_same_slot (g_ptr_array_index (again->slots, i),
                      g_ptr_array_index (keyring->slots, i));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) as_is = g_bytes_new (data, size);

  check (as_is);
  if (size >= crypto_hash_sha256_BYTES)
    {
      guint8 *fixed = g_memdup2 (data, size);
      g_autoptr(GBytes) summed = NULL;

      crypto_hash_sha256 (fixed + size - crypto_hash_sha256_BYTES, fixed,
                          size - crypto_hash_sha256_BYTES);
      summed = g_bytes_new_take (fixed, size);
      check (summed);
    }
  return 0;
}
