/* test-keyring.c — the keyring file format, its slots and the KDF bounds
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <sodium.h>
#include <sys/resource.h>

#include "hf-error.h"
#include "hf-keyring-private.h"
#include "hf-test-util.h"

/* A slot's metadata after its name: role, created, kdf alg, ops, mem, salt, public key. */
#define SLOT_META_END (1 + 8 + 1 + 4 + 8 + 16 + 32)

static HfKeyring *
make_keyring (HfSecret **data_key)
{
  g_autoptr(HfKeyring) kr = hf_keyring_new (NULL, 7);
  g_autoptr(HfSecret) alice = hf_test_secret ("alice passphrase");
  g_autoptr(HfSecret) bob = hf_test_secret ("bob passphrase");
  g_autoptr(GError) error = NULL;
  HfKdfParams kdf = { HF_KDF_OPS_MIN, HF_KDF_MEM_MIN };
  HfKeySlot *slot;

  slot = hf_key_slot_new (kr, "alice", HF_ROLE_OWNER, 0, alice, &kdf, &error);
  g_assert_no_error (error);
  hf_keyring_add_slot (kr, slot);
  slot = hf_key_slot_new (kr, "bob", HF_ROLE_CAREGIVER, 0, bob, &kdf, &error);
  g_assert_no_error (error);
  hf_keyring_add_slot (kr, slot);
  *data_key = hf_secret_new_random (HF_DATA_KEY_SIZE);
  return g_steal_pointer (&kr);
}

/* Rewrite the unkeyed checksum, as someone crafting a keyring would. */
static GBytes *
with_checksum_fixed (guint8 *data,
                     gsize   size)
{
  crypto_hash_sha256 (data + size - 32, data, size - 32);
  return g_bytes_new (data, size);
}

static void
test_roundtrip (void)
{
  g_autoptr(HfSecret) dk = NULL;
  g_autoptr(HfKeyring) kr = make_keyring (&dk);
  g_autoptr(GBytes) bytes = hf_keyring_serialize (kr, dk);
  g_autoptr(HfKeyring) parsed = NULL;
  g_autoptr(HfSecret) pass = hf_test_secret ("bob passphrase");
  g_autoptr(HfSecret) got = NULL;
  g_autoptr(GError) error = NULL;

  parsed = hf_keyring_parse (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->generation, ==, 7);
  g_assert_cmpuint (parsed->slots->len, ==, 2);
  g_assert_cmpmem (parsed->vault_id, HF_VAULT_ID_SIZE, kr->vault_id, HF_VAULT_ID_SIZE);
  g_assert_cmpint (hf_keyring_find_slot (parsed, "bob")->role, ==, HF_ROLE_CAREGIVER);

  got = hf_key_slot_unlock (parsed, hf_keyring_find_slot (parsed, "bob"), pass, &error);
  g_assert_no_error (error);
  g_assert_true (hf_secret_equal (got, dk));
  g_assert_true (hf_keyring_verify_mac (parsed, got, &error));
  g_assert_no_error (error);
}

static void
test_wrong_passphrase (void)
{
  g_autoptr(HfSecret) dk = NULL;
  g_autoptr(HfKeyring) kr = make_keyring (&dk);
  g_autoptr(HfSecret) pass = hf_test_secret ("bob passphrasE");
  g_autoptr(HfSecret) got = NULL;
  g_autoptr(GError) error = NULL;

  g_bytes_unref (hf_keyring_serialize (kr, dk));
  got = hf_key_slot_unlock (kr, hf_keyring_find_slot (kr, "bob"), pass, &error);
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_assert_null (got);
  g_assert_null (strstr (error->message, "passphrasE"));
}

/* Any single flipped byte is caught before a KDF runs, as damage (exit code 4). */
static void
test_every_byte_flipped (void)
{
  g_autoptr(HfSecret) dk = NULL;
  g_autoptr(HfKeyring) kr = make_keyring (&dk);
  g_autoptr(GBytes) bytes = hf_keyring_serialize (kr, dk);
  gsize size;
  const guint8 *orig = g_bytes_get_data (bytes, &size);

  for (gsize i = 0; i < size; i++)
    {
      g_autofree guint8 *copy = g_memdup2 (orig, size);
      g_autoptr(GBytes) flipped = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(HfKeyring) parsed = NULL;

      copy[i] ^= 0x80;
      flipped = g_bytes_new (copy, size);
      parsed = hf_keyring_parse (flipped, &error);
      g_assert_null (parsed);
      g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
    }
}

/* A crafted keyring with a valid checksum: whatever field changed, nothing opens with it. */
static void
test_crafted_fields (void)
{
  g_autoptr(HfSecret) dk = NULL;
  g_autoptr(HfKeyring) kr = make_keyring (&dk);
  g_autoptr(GBytes) bytes = hf_keyring_serialize (kr, dk);
  g_autoptr(HfSecret) pass = hf_test_secret ("alice passphrase");
  gsize size;
  const guint8 *orig = g_bytes_get_data (bytes, &size);
  /* Offsets into the first slot (alice) and the header: see the format in hf-keyring.c. */
  const gsize slot0 = 8 + 16 + 8 + 2;
  const gsize name = 1 + 5;
  struct { const char *what; gsize offset; } fields[] = {
    { "vault id", 8 + 3 },
    { "generation", 8 + 16 + 7 },
    { "name", slot0 + 2 },
    { "role", slot0 + name },
    { "created", slot0 + name + 1 + 7 },
    { "salt", slot0 + name + 1 + 8 + 1 + 4 + 8 + 3 },
    { "public key", slot0 + name + 1 + 8 + 1 + 4 + 8 + 16 + 5 },
    { "sk nonce", slot0 + name + SLOT_META_END + 1 },
    { "wrapped sk", slot0 + name + SLOT_META_END + 24 + 9 },
    { "ephemeral pk", slot0 + name + SLOT_META_END + 72 + 2 },
    { "dk nonce", slot0 + name + SLOT_META_END + 104 + 2 },
    { "sealed dk", slot0 + name + SLOT_META_END + 128 + 40 },
    { "mac", size - 64 + 5 },
  };

  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    {
      g_autofree guint8 *copy = g_memdup2 (orig, size);
      g_autoptr(GBytes) crafted = NULL;
      g_autoptr(HfKeyring) parsed = NULL;
      g_autoptr(HfSecret) got = NULL;
      g_autoptr(GError) error = NULL;
      HfKeySlot *slot;

      g_test_message ("crafted %s at offset %" G_GSIZE_FORMAT, fields[f].what, fields[f].offset);
      copy[fields[f].offset] ^= 0x04;
      crafted = with_checksum_fixed (copy, size);
      parsed = hf_keyring_parse (crafted, &error);
      if (parsed == NULL)
        {
          g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
          continue;
        }
      slot = hf_keyring_find_slot (parsed, "alice");
      if (slot == NULL)
        continue;   /* the name itself was changed: no such member */
      got = hf_key_slot_unlock (parsed, slot, pass, &error);
      if (got == NULL)
        {
          g_assert_true (g_error_matches (error, HF_ERROR, HF_ERROR_AUTH) ||
                         g_error_matches (error, HF_ERROR, HF_ERROR_INTEGRITY));
          continue;
        }
      g_assert_false (hf_keyring_verify_mac (parsed, got, &error));
      g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
    }
}

static char *
describe (const HfKeyring *found,
          const HfKeyring *expected)
{
  g_autoptr(GPtrArray) changes = hf_keyring_describe_changes (found, expected);

  g_ptr_array_add (changes, NULL);
  return g_strjoinv ("; ", (char **) changes->pdata);
}

/* What a genuine copy tells about a keyring altered by someone without the data key. */
static void
test_describe_changes (void)
{
  g_autoptr(HfSecret) dk = NULL;
  g_autoptr(HfKeyring) kr = make_keyring (&dk);
  g_autoptr(HfSecret) pass = hf_test_secret ("mallory passphrase");
  g_autoptr(GError) error = NULL;
  HfKdfParams kdf = { HF_KDF_OPS_MIN, HF_KDF_MEM_MIN };
  struct { const char *what; const char *expected; } cases[] = {
    { "role", "the key slot of “bob” was altered: its role was changed from caregiver to owner" },
    { "removed", "the key slot of “bob” was removed" },
    { "added", "a key slot for “mallory” as owner was added" },
    { "replaced", "the key slot of “bob” was replaced by another one" },
    { "sealed", "the sealed data key in the slot of “bob” was altered" },
    { "generation", "its generation was changed from 7 to 8" },
    { "reordered", "its key slots were reordered" },
    { "mac", "its authentication code was changed" },
  };

  g_bytes_unref (hf_keyring_serialize (kr, dk));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HfKeyring) found = hf_keyring_copy (kr);
      g_autofree char *text = NULL;
      HfKeySlot *bob = hf_keyring_find_slot (found, "bob");

      if (g_str_equal (cases[i].what, "role"))
        bob->role = HF_ROLE_OWNER;
      else if (g_str_equal (cases[i].what, "removed"))
        hf_keyring_remove_slot (found, "bob");
      else if (g_str_equal (cases[i].what, "added"))
        hf_keyring_add_slot (found, hf_key_slot_new (found, "mallory", HF_ROLE_OWNER, 0, pass,
                                                     &kdf, &error));
      else if (g_str_equal (cases[i].what, "replaced"))
        bob->salt[0] ^= 1;
      else if (g_str_equal (cases[i].what, "sealed"))
        bob->sealed_dk[3] ^= 1;
      else if (g_str_equal (cases[i].what, "generation"))
        found->generation++;
      else if (g_str_equal (cases[i].what, "reordered"))
        {
          gpointer first = found->slots->pdata[0];
          found->slots->pdata[0] = found->slots->pdata[1];
          found->slots->pdata[1] = first;
        }
      g_assert_no_error (error);
      text = describe (found, kr);
      g_test_message ("%s: %s", cases[i].what, text);
      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
craft_kdf (guint64 ops,
           guint64 mem)
{
  g_autoptr(HfSecret) dk = NULL;
  g_autoptr(HfKeyring) kr = make_keyring (&dk);
  g_autoptr(GBytes) bytes = hf_keyring_serialize (kr, dk);
  g_autoptr(GBytes) crafted = NULL;
  g_autoptr(HfKeyring) parsed = NULL;
  g_autoptr(GError) error = NULL;
  struct rusage before, after;
  gsize size;
  g_autofree guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (bytes), &size);
  gsize at = 8 + 16 + 8 + 2 + 1 + 5 + 1 + 8 + 1;   /* alice's opslimit */

  for (int i = 0; i < 4; i++)
    copy[at + i] = ops >> (24 - 8 * i);
  for (int i = 0; i < 8; i++)
    copy[at + 4 + i] = mem >> (56 - 8 * i);
  crafted = with_checksum_fixed (copy, size);

  getrusage (RUSAGE_SELF, &before);
  parsed = hf_keyring_parse (crafted, &error);
  getrusage (RUSAGE_SELF, &after);
  g_assert_null (parsed);
  g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
  g_assert_nonnull (strstr (error->message, "outside safe bounds"));
  /* Nothing near the asked-for amount was allocated. */
  g_assert_cmpint (after.ru_maxrss - before.ru_maxrss, <, 16 * 1024);
}

static void
test_kdf_bounds (void)
{
  craft_kdf (3, G_GUINT64_CONSTANT (4) << 40);           /* 4 TiB */
  craft_kdf (3, HF_KDF_MEM_MAX + 1024);
  craft_kdf (3, 8 * 1024 * 1024);                        /* too cheap to resist guessing */
  craft_kdf (0, HF_KDF_MEM_MIN);
  craft_kdf (1000000, HF_KDF_MEM_MIN);
}

static void
test_write_atomic (HfTestDir    *td,
                   gconstpointer data)
{
  g_autoptr(HfSecret) dk = NULL;
  g_autoptr(HfKeyring) kr = make_keyring (&dk);
  g_autoptr(HfKeyring) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  guint files = 0;

  g_assert_true (hf_keyring_write (kr, dk, td->keys, &error));
  g_assert_no_error (error);
  kr->generation++;
  g_assert_true (hf_keyring_write (kr, dk, td->keys, &error));
  loaded = hf_keyring_load (td->keys, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->generation, ==, 8);

  /* No temporary file is left behind, and the keyring is private to its owner. */
  dir = g_dir_open (td->dir, 0, NULL);
  while (g_dir_read_name (dir) != NULL)
    files++;
  g_assert_cmpuint (files, ==, 1);
  {
    GStatBuf st;
    g_assert_cmpint (g_stat (td->keys, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
}

static void
test_kdf_tune (void)
{
  HfKdfParams p;
  g_autoptr(HfSecret) pass = hf_test_secret ("tuning");
  guint8 salt[16] = { 1 }, out[32];
  gint64 start;
  double t;

  hf_kdf_tune (&p, 0.7);
  g_assert_cmpuint (p.mem, >=, HF_KDF_MEM_MIN);
  g_assert_cmpuint (p.mem, <=, HF_KDF_MEM_MAX);
  start = g_get_monotonic_time ();
  g_assert_true (hf_kdf_derive (pass, salt, &p, out, NULL));
  t = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("tuned: %" G_GUINT64_FORMAT " MiB, %" G_GUINT64_FORMAT " passes, %.2f s",
                  p.mem >> 20, p.ops, t);
  /* Loose bounds: the machine may be busy with other tests. */
  g_assert_cmpfloat (t, >, 0.2);
  g_assert_cmpfloat (t, <, 3.0);
}

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/hf/keyring/roundtrip", test_roundtrip);
  g_test_add_func ("/hf/keyring/wrong-passphrase", test_wrong_passphrase);
  g_test_add_func ("/hf/keyring/every-byte-flipped", test_every_byte_flipped);
  g_test_add_func ("/hf/keyring/crafted-fields", test_crafted_fields);
  g_test_add_func ("/hf/keyring/describe-changes", test_describe_changes);
  g_test_add_func ("/hf/keyring/kdf-bounds", test_kdf_bounds);
  g_test_add ("/hf/keyring/write-atomic", HfTestDir, NULL, hf_test_dir_setup, test_write_atomic,
              hf_test_dir_teardown);
  g_test_add_func ("/hf/kdf/tune", test_kdf_tune);

  return g_test_run ();
}
