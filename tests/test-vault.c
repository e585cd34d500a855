/* test-vault.c — creating, opening, tampering, rollback, members and roles
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <sodium.h>
#include <string.h>
#include <sys/resource.h>

#include "hf-audit.h"
#include "hf-error.h"
#include "hf-keyring-private.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

#define OWNER_PASS "owner: correct horse battery staple"
#define BOB_PASS   "bob: tr0ub4dor&3"

typedef struct
{
  HfTestDir  td;
  char      *recovery;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret (OWNER_PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GError) error = NULL;

  hf_test_dir_setup (&f->td, data);
  vault = hf_vault_create (f->td.vault, "alice", pass, &code, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vault);
  f->recovery = g_strdup (hf_secret_get_string (code));
  hf_vault_lock (vault);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_free (f->recovery);
  hf_test_dir_teardown (&f->td, data);
}

static HfVault *
open_as (Fixture    *f,
         const char *member,
         const char *pass,
         GError    **error)
{
  g_autoptr(HfSecret) secret = hf_test_secret (pass);

  return hf_vault_open (f->td.vault, member, secret, error);
}

static HfVault *
open_ok (Fixture    *f,
         const char *member,
         const char *pass)
{
  g_autoptr(GError) error = NULL;
  HfVault *vault = open_as (f, member, pass, &error);

  g_assert_no_error (error);
  g_assert_nonnull (vault);
  return vault;
}

static void
assert_open_fails (Fixture    *f,
                   const char *member,
                   const char *pass,
                   int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = open_as (f, member, pass, &error);

  g_assert_null (vault);
  g_assert_error (error, HF_ERROR, code);
  g_test_message ("refused as expected: %s", error->message);
}

static void
add_bob (Fixture *f,
         HfRole   role)
{
  g_autoptr(HfVault) vault = open_ok (f, NULL, OWNER_PASS);
  g_autoptr(HfSecret) pass = hf_test_secret (BOB_PASS);
  g_autoptr(GError) error = NULL;

  g_assert_true (hf_vault_add_member (vault, "bob", role, pass, NULL, &error));
  g_assert_no_error (error);
  hf_vault_lock (vault);
}

static void
test_create_open (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) members = NULL;
  guint64 gen;

  g_assert_true (g_file_test (f->td.keys, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (strlen (f->recovery), ==, 39);

  vault = open_ok (f, NULL, OWNER_PASS);
  g_assert_false (hf_vault_is_locked (vault));
  g_assert_cmpstr (hf_vault_get_member_name (vault), ==, "alice");
  g_assert_cmpint (hf_vault_get_member_role (vault), ==, HF_ROLE_OWNER);
  members = hf_vault_list_members (vault);
  g_assert_cmpuint (members->len, ==, 2);
  g_assert_cmpint (((HfMemberInfo *) g_ptr_array_index (members, 1))->role, ==, HF_ROLE_RECOVERY);
  gen = hf_vault_get_generation (vault);
  hf_vault_lock (vault);
  g_assert_true (hf_vault_is_locked (vault));
  g_clear_object (&vault);

  /* Every unlock moves the generation on. */
  vault = open_ok (f, "alice", OWNER_PASS);
  g_assert_cmpuint (hf_vault_get_generation (vault), ==, gen + 1);
}

static void
test_create_existing (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret ("another");
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = hf_test_digest_dir (f->td.dir);
  g_autofree char *after = NULL;
  g_autoptr(HfVault) vault = hf_vault_create (f->td.vault, "eve", pass, &code, &error);

  g_assert_null (vault);
  g_assert_error (error, HF_ERROR, HF_ERROR_EXISTS);
  after = hf_test_digest_dir (f->td.dir);
  g_assert_cmpstr (before, ==, after);
}

static void
test_recovery_code (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfSecret) newpass = hf_test_secret ("a new owner passphrase");
  g_autofree char *sloppy = NULL;

  /* Typed in lower case, with spaces instead of dashes. */
  sloppy = g_ascii_strdown (f->recovery, -1);
  g_strdelimit (sloppy, "-", ' ');
  vault = open_ok (f, "recovery", sloppy);
  g_assert_cmpint (hf_vault_get_member_role (vault), ==, HF_ROLE_RECOVERY);

  /* The break-glass path: set a new owner passphrase. */
  g_assert_true (hf_vault_change_passphrase (vault, "alice", newpass, NULL, &error));
  g_assert_no_error (error);
  entries = hf_audit_list (vault, 0, 0, &error);
  g_assert_no_error (error);
  {
    gboolean logged = FALSE;
    for (guint i = 0; i < entries->len; i++)
      logged |= g_str_equal (((HfAuditEntry *) g_ptr_array_index (entries, i))->action,
                             "recovery-unlock");
    g_assert_true (logged);
  }
  hf_vault_lock (vault);
  assert_open_fails (f, NULL, OWNER_PASS, HF_ERROR_AUTH);
  g_object_unref (open_ok (f, NULL, "a new owner passphrase"));
}

static void
test_wrong_passphrase (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *before = hf_test_digest_dir (f->td.dir);
  g_autofree char *after = NULL;

  assert_open_fails (f, NULL, "owner: correct horse battery stapler", HF_ERROR_AUTH);
  assert_open_fails (f, "nobody", OWNER_PASS, HF_ERROR_AUTH);
  assert_open_fails (f, "recovery", OWNER_PASS, HF_ERROR_AUTH);
  after = hf_test_digest_dir (f->td.dir);
  g_assert_cmpstr (before, ==, after);
}

/* Every single byte of the keyring, flipped in turn: refused as damage, nothing touched. */
static void
test_keyring_byte_flipped (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GBytes) orig = hf_test_read (f->td.keys);
  g_autofree char *vault_before = NULL;
  gsize size = g_bytes_get_size (orig);

  for (gsize i = 0; i < size; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HfVault) vault = NULL;
      g_autofree char *vault_after = NULL;

      hf_test_write (f->td.keys, orig);
      hf_test_flip_byte (f->td.keys, i);
      g_free (vault_before);
      vault_before = hf_test_digest_dir (f->td.dir);

      vault = open_as (f, NULL, OWNER_PASS, &error);
      g_assert_null (vault);
      g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
      vault_after = hf_test_digest_dir (f->td.dir);
      g_assert_cmpstr (vault_before, ==, vault_after);
    }

  hf_test_write (f->td.keys, orig);
  g_object_unref (open_ok (f, NULL, OWNER_PASS));
}

/* {{{ a keyring crafted with its checksum fixed */

/* A slot on disk: name length, name, role … public key (70 bytes), then the sealed keys. */
#define SLOT_SIZE(name_len) (1 + (name_len) + 70 + 24 + 48 + 32 + 24 + 48)

/* Where NAME's slot starts in the keyring's bytes. */
static gsize
slot_offset (const guint8 *d,
             const char   *name)
{
  gsize at = 8 + 16 + 8 + 2;
  guint count = d[8 + 16 + 8] << 8 | d[8 + 16 + 8 + 1];

  for (guint i = 0; i < count; i++)
    {
      gsize n = d[at];

      if (n == strlen (name) && memcmp (d + at + 1, name, n) == 0)
        return at;
      at += SLOT_SIZE (n);
    }
  g_error ("no slot for %s", name);
}

/* Rewrites the keyring with EDIT applied and the unkeyed checksum recomputed, as someone who
 * can write the file but knows no passphrase would. */
static void
craft_keyring (Fixture    *f,
               void      (*edit) (guint8 *data, gsize size, gpointer user_data),
               gpointer    user_data)
{
  g_autoptr(GBytes) bytes = hf_test_read (f->td.keys);
  gsize size;
  g_autofree guint8 *d = g_bytes_unref_to_data (g_bytes_ref (bytes), &size);

  edit (d, size, user_data);
  crypto_hash_sha256 (d + size - 32, d, size - 32);
  g_assert_true (g_file_set_contents (f->td.keys, (char *) d, size, NULL));
}

static void
make_bob_owner (guint8  *d,
                gsize    size,
                gpointer user_data)
{
  gsize at = slot_offset (d, "bob");

  g_assert_cmpint (d[at + 1 + 3], ==, HF_ROLE_CAREGIVER_READ_ONLY);
  d[at + 1 + 3] = HF_ROLE_OWNER;
}

static void
change_vault_id (guint8  *d,
                 gsize    size,
                 gpointer user_data)
{
  d[8 + 5] ^= 0x10;
}

/* Puts back the slot of USER_DATA (a keyring's bytes) for alice. */
static void
splice_alice (guint8  *d,
              gsize    size,
              gpointer user_data)
{
  GBytes *old = user_data;
  const guint8 *o = g_bytes_get_data (old, NULL);

  memcpy (d + slot_offset (d, "alice"), o + slot_offset (o, "alice"), SLOT_SIZE (5));
}

static gboolean
audit_has (HfVault    *vault,
           const char *action,
           const char *detail_part)
{
  g_autoptr(GPtrArray) entries = hf_audit_list (vault, 0, 0, NULL);
  gboolean found = FALSE;

  g_assert_nonnull (entries);
  for (guint i = 0; i < entries->len; i++)
    {
      HfAuditEntry *e = g_ptr_array_index (entries, i);
      if (g_str_equal (e->action, action) && strstr (e->detail, detail_part) != NULL)
        {
          g_test_message ("logged: %s %s: %s", e->actor, e->action, e->detail);
          found = TRUE;
        }
    }
  return found;
}

/* A forged role in one slot: that member cannot tell it from a wrong passphrase, and is told
 * so; any other member's unlock finds it through the keyring's MAC, names it, logs it, and
 * restores the slot from the database's copy of the keyring. */
static void
test_forged_role (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;
  HfVaultCheck check;

  add_bob (f, HF_ROLE_CAREGIVER_READ_ONLY);
  craft_keyring (f, make_bob_owner, NULL);

  vault = open_as (f, "bob", BOB_PASS, &error);
  g_assert_null (vault);
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_test_message ("bob: %s", error->message);
  g_assert_nonnull (strstr (error->message, "Wrong passphrase for “bob”"));
  g_assert_nonnull (strstr (error->message, "altered"));
  g_clear_error (&error);

  vault = open_ok (f, NULL, OWNER_PASS);
  g_assert_nonnull (hf_vault_get_keyring_repair (vault));
  g_test_message ("alice: %s", hf_vault_get_keyring_repair (vault));
  g_assert_nonnull (strstr (hf_vault_get_keyring_repair (vault), "“bob”"));
  g_assert_nonnull (strstr (hf_vault_get_keyring_repair (vault),
                            "from caregiver-read-only to owner"));
  g_assert_true (audit_has (vault, "keyring-restored", "“bob”"));
  g_assert_true (hf_vault_check (vault, &check, &error));
  g_assert_true (check.ok);
  hf_vault_check_clear (&check);
  g_clear_object (&vault);

  /* Bob has his own slot back, with his own role; the next unlock reports nothing. */
  vault = open_ok (f, "bob", BOB_PASS);
  g_assert_cmpint (hf_vault_get_member_role (vault), ==, HF_ROLE_CAREGIVER_READ_ONLY);
  g_assert_null (hf_vault_get_keyring_repair (vault));

  /* Forged again while the vault is open: the check says what changed. */
  craft_keyring (f, make_bob_owner, NULL);
  g_assert_true (hf_vault_check (vault, &check, &error));
  g_assert_false (check.ok);
  g_test_message ("check: %s", (char *) g_ptr_array_index (check.problems, 0));
  g_assert_nonnull (strstr (g_ptr_array_index (check.problems, 0),
                            "altered outside Healthfolio (the key slot of “bob” was altered: "
                            "its role was changed from caregiver-read-only to owner)"));
  hf_vault_check_clear (&check);
}

/* The vault id is in every slot's associated data: no slot opens, for anyone, and each is
 * told that the passphrase is wrong or the keyring altered. */
static void
test_forged_vault_id (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;

  craft_keyring (f, change_vault_id, NULL);
  vault = open_as (f, NULL, OWNER_PASS, &error);
  g_assert_null (vault);
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "altered"));
  g_clear_error (&error);
  vault = open_as (f, "recovery", f->recovery, &error);
  g_assert_null (vault);
  g_assert_error (error, HF_ERROR, HF_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "altered"));
}

/* An old slot of alice's, put back into the current keyring, would let her old passphrase in:
 * refused as tampering and logged, though the slot itself is genuine. The recovery member's
 * unlock then restores her current slot. */
static void
test_spliced_old_slot (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GBytes) old = hf_test_read (f->td.keys);
  g_autoptr(HfSecret) newpass = hf_test_secret ("alice's new passphrase");
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;

  vault = open_ok (f, NULL, OWNER_PASS);
  g_assert_true (hf_vault_change_passphrase (vault, NULL, newpass, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&vault);

  craft_keyring (f, splice_alice, old);
  vault = open_as (f, NULL, OWNER_PASS, &error);
  g_assert_null (vault);
  g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
  g_test_message ("old passphrase: %s", error->message);
  g_assert_nonnull (strstr (error->message, "not the current one"));
  g_clear_error (&error);

  vault = open_ok (f, "recovery", f->recovery);
  g_assert_nonnull (hf_vault_get_keyring_repair (vault));
  g_assert_nonnull (strstr (hf_vault_get_keyring_repair (vault), "“alice”"));
  g_assert_true (audit_has (vault, "keyring-tampered", "“alice”"));
  g_assert_true (audit_has (vault, "keyring-restored", "“alice”"));
  g_clear_object (&vault);

  assert_open_fails (f, NULL, OWNER_PASS, HF_ERROR_AUTH);
  g_object_unref (open_ok (f, NULL, "alice's new passphrase"));
}

/* A vault whose database holds no copy of the keyring yet (written before there was one):
 * the forgery is still caught and logged, but nothing can be restored. */
static void
test_forged_without_copy (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GBytes) good = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;

  add_bob (f, HF_ROLE_CAREGIVER_READ_ONLY);
  vault = open_ok (f, NULL, OWNER_PASS);
  g_assert_true (_hf_db_exec (_hf_vault_get_db (vault), "DELETE FROM meta WHERE key = 'keyring'",
                              NULL));
  g_clear_object (&vault);
  good = hf_test_read (f->td.keys);

  craft_keyring (f, make_bob_owner, NULL);
  vault = open_as (f, NULL, OWNER_PASS, &error);
  g_assert_null (vault);
  g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
  g_test_message ("alice: %s", error->message);
  g_assert_nonnull (strstr (error->message, "altered"));
  g_assert_nonnull (strstr (error->message, "backup"));

  hf_test_write (f->td.keys, good);
  vault = open_ok (f, NULL, OWNER_PASS);
  g_assert_true (audit_has (vault, "keyring-tampered", "no copy"));
}

/* }}} */

static void
test_keyring_rollback (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *old = g_build_filename (f->td.dir, "old.hfkeys", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;

  hf_test_copy (f->td.keys, old);
  g_object_unref (open_ok (f, NULL, OWNER_PASS));
  hf_test_copy (old, f->td.keys);

  vault = open_as (f, NULL, OWNER_PASS, &error);
  g_assert_null (vault);
  g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
  g_assert_nonnull (strstr (error->message, "keyring is older than the database"));
}

static void
test_database_rollback (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *old = g_build_filename (f->td.dir, "old.hfvault", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;

  hf_test_copy (f->td.vault, old);
  g_object_unref (open_ok (f, NULL, OWNER_PASS));
  hf_test_copy (old, f->td.vault);

  vault = open_as (f, NULL, OWNER_PASS, &error);
  g_assert_null (vault);
  g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
  g_assert_nonnull (strstr (error->message, "database is older than its keyring"));
}

static void
test_other_vaults_keyring (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *other = g_build_filename (f->td.dir, "other.hfvault", NULL);
  g_autofree char *other_keys = g_build_filename (f->td.dir, "other.hfkeys", NULL);
  g_autoptr(HfSecret) pass = hf_test_secret (OWNER_PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GError) error = NULL;

  vault = hf_vault_create (other, "alice", pass, &code, &error);
  g_assert_no_error (error);
  hf_vault_lock (vault);
  g_clear_object (&vault);

  hf_test_copy (other_keys, f->td.keys);
  vault = open_as (f, NULL, OWNER_PASS, &error);
  g_assert_null (vault);
  g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
}

/* Every page after the first, damaged in turn: refused with the page named. */
static void
test_corrupt_page (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) orig = NULL;
  g_autoptr(GBytes) orig_keys = NULL;
  gsize pages;

  /* Enough activity-log entries for several pages. */
  {
    g_autoptr(HfVault) vault = open_ok (f, NULL, OWNER_PASS);
    for (int i = 0; i < 200; i++)
      g_assert_true (hf_audit_log (vault, "test", "filler entry to grow the database", NULL));
    hf_vault_lock (vault);
  }
  orig = hf_test_read (f->td.vault);
  orig_keys = hf_test_read (f->td.keys);
  pages = g_bytes_get_size (orig) / 4096;
  g_assert_cmpuint (pages, >=, 4);

  for (gsize p = 0; p < pages; p++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HfVault) vault = NULL;
      g_autofree char *page = g_strdup_printf ("page %" G_GSIZE_FORMAT, p + 1);

      /* A successful open moves the keyring on; both files go back to the same state. */
      hf_test_write (f->td.vault, orig);
      hf_test_write (f->td.keys, orig_keys);
      hf_test_flip_byte (f->td.vault, p * 4096 + 1000);
      vault = open_as (f, NULL, OWNER_PASS, &error);
      if (vault != NULL)
        {
          HfVaultCheck check;

          /* A page the unlock does not read: the full check must find it. */
          g_assert_true (hf_vault_check (vault, &check, &error));
          g_assert_false (check.ok);
          g_assert_nonnull (strstr (g_ptr_array_index (check.problems, 0), page));
          hf_vault_check_clear (&check);
          continue;
        }
      g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
      g_test_message ("page %" G_GSIZE_FORMAT ": %s", p + 1, error->message);
      if (p > 0)
        g_assert_nonnull (strstr (error->message, page));
    }
}

/* Temporary keyrings a killed writer left are removed on the next open; only this vault's,
 * only those hf_write_file_atomic names, and never another vault's files. */
static void
test_stale_temp_keyrings (Fixture       *f,
                          gconstpointer  data)
{
  static const char *const stale[] = { "test.hfkeys.next.Ab3dE9", "test.hfkeys.Zz09Qq" };
  static const char *const kept[] = {
    "other.hfkeys.next.Ab3dE9",     /* another vault's: its lock is not held */
    "test.hfkeys.next.Ab3dE",       /* not the temporary-file pattern */
    "test.hfkeys.next.Ab3dE9x",
    "test.hfkeys.next.Ab-dE9",
    "test.hfkeys.hfkeys",           /* the keyring of a vault called test.hfkeys */
    "test.hfkeys.next.hfkeys",      /* the keyring of a vault called test.hfkeys.next */
  };

  for (guint i = 0; i < G_N_ELEMENTS (stale); i++)
    g_free (hf_test_write_file (&f->td, stale[i], "half a keyring"));
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    g_free (hf_test_write_file (&f->td, kept[i], "not ours to remove"));

  g_object_unref (open_ok (f, NULL, OWNER_PASS));

  for (guint i = 0; i < G_N_ELEMENTS (stale); i++)
    {
      g_autofree char *path = g_build_filename (f->td.dir, stale[i], NULL);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        g_error ("the stale %s is still there", stale[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      g_autofree char *path = g_build_filename (f->td.dir, kept[i], NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        g_error ("%s was removed", kept[i]);
    }
}

static void
test_kdf_4tib (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GBytes) bytes = hf_test_read (f->td.keys);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;
  gsize size;
  g_autofree guint8 *d = g_bytes_unref_to_data (g_bytes_ref (bytes), &size);
  gsize at = 8 + 16 + 8 + 2 + 1 + strlen ("alice") + 1 + 8 + 1 + 4;
  guint64 mem = G_GUINT64_CONSTANT (4) << 40;
  struct rusage before, after;

  for (int i = 0; i < 8; i++)
    d[at + i] = mem >> (56 - 8 * i);
  crypto_hash_sha256 (d + size - 32, d, size - 32);
  g_file_set_contents (f->td.keys, (char *) d, size, NULL);

  getrusage (RUSAGE_SELF, &before);
  vault = open_as (f, NULL, OWNER_PASS, &error);
  getrusage (RUSAGE_SELF, &after);
  g_assert_null (vault);
  g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
  g_assert_nonnull (strstr (error->message, "4194304 MiB"));
  g_assert_cmpint (after.ru_maxrss - before.ru_maxrss, <, 16 * 1024);
}

static void
test_passwd (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret ("the new one");
  g_autoptr(GError) error = NULL;

  add_bob (f, HF_ROLE_CAREGIVER);
  {
    g_autoptr(HfVault) vault = open_ok (f, NULL, OWNER_PASS);
    g_assert_true (hf_vault_change_passphrase (vault, NULL, pass, NULL, &error));
    g_assert_no_error (error);
  }
  assert_open_fails (f, NULL, OWNER_PASS, HF_ERROR_AUTH);
  g_object_unref (open_ok (f, NULL, "the new one"));
  g_object_unref (open_ok (f, "bob", BOB_PASS));
  g_object_unref (open_ok (f, "recovery", f->recovery));
}

/* A removed member's passphrase opens nothing, even with a saved copy of the old keyring. */
static void
test_remove_rekeys (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *saved = g_build_filename (f->td.dir, "saved.hfkeys", NULL);
  g_autofree char *current = g_build_filename (f->td.dir, "current.hfkeys", NULL);
  g_autoptr(HfKeyring) old_kr = NULL;
  g_autoptr(HfSecret) bob_pass = hf_test_secret (BOB_PASS);
  g_autoptr(HfSecret) old_key = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  int rc;

  add_bob (f, HF_ROLE_CAREGIVER);
  g_object_unref (open_ok (f, "bob", BOB_PASS));
  hf_test_copy (f->td.keys, saved);
  {
    g_autoptr(HfVault) vault = open_ok (f, NULL, OWNER_PASS);
    g_autoptr(GPtrArray) members = NULL;

    g_assert_true (hf_vault_remove_member (vault, "bob", &error));
    g_assert_no_error (error);
    members = hf_vault_list_members (vault);
    g_assert_cmpuint (members->len, ==, 2);
  }

  assert_open_fails (f, "bob", BOB_PASS, HF_ERROR_AUTH);
  g_object_unref (open_ok (f, NULL, OWNER_PASS));
  g_object_unref (open_ok (f, "recovery", f->recovery));

  /* Bob puts back the keyring he saved. */
  hf_test_copy (f->td.keys, current);
  hf_test_copy (saved, f->td.keys);
  assert_open_fails (f, "bob", BOB_PASS, HF_ERROR_INTEGRITY);

  /* Even outside Healthfolio, the key Bob can still unwrap does not open the database. */
  old_kr = hf_keyring_load (saved, &error);
  g_assert_no_error (error);
  old_key = hf_key_slot_unlock (old_kr, hf_keyring_find_slot (old_kr, "bob"), bob_pass, &error);
  g_assert_no_error (error);
  {
    g_autofree char *hex = g_malloc (2 * HF_DATA_KEY_SIZE + 4);
    hex[0] = 'x';
    hex[1] = '\'';
    sodium_bin2hex (hex + 2, 2 * HF_DATA_KEY_SIZE + 1, hf_secret_peek (old_key),
                    HF_DATA_KEY_SIZE);
    hex[2 + 2 * HF_DATA_KEY_SIZE] = '\'';
    hex[3 + 2 * HF_DATA_KEY_SIZE] = '\0';
    g_assert_cmpint (sqlite3_open (f->td.vault, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_key (db, hex, strlen (hex)), ==, SQLITE_OK);
    rc = sqlite3_exec (db, "PRAGMA cipher_log_level = NONE; SELECT count(*) FROM sqlite_master",
                       NULL, NULL, NULL);
    g_assert_cmpint (rc & 0xff, ==, SQLITE_NOTADB);
    sqlite3_close (db);
  }

  /* And the others still work with the current keyring. */
  hf_test_copy (current, f->td.keys);
  g_object_unref (open_ok (f, NULL, OWNER_PASS));
}

static void
test_roles (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret ("whatever passphrase");
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) members = NULL;
  GError *error = NULL;

  add_bob (f, HF_ROLE_CAREGIVER_READ_ONLY);
  vault = open_ok (f, "bob", BOB_PASS);
  g_assert_cmpint (hf_vault_get_member_role (vault), ==, HF_ROLE_CAREGIVER_READ_ONLY);

  g_assert_false (hf_vault_add_member (vault, "carl", HF_ROLE_OWNER, pass, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_false (hf_vault_remove_member (vault, "alice", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_false (hf_vault_change_passphrase (vault, "alice", pass, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_false (hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "import", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_assert_nonnull (strstr (error->message, "read-only caregiver"));
  g_clear_error (&error);
  members = hf_vault_list_members (vault);
  g_assert_cmpuint (members->len, ==, 3);

  /* Their own credential is theirs to change. */
  g_assert_true (hf_vault_change_passphrase (vault, NULL, pass, NULL, &error));
  g_assert_no_error (error);
  hf_vault_lock (vault);
  g_clear_object (&vault);
  g_object_unref (open_ok (f, "bob", "whatever passphrase"));

  /* A caregiver can write records but not manage members. */
  {
    g_autoptr(HfVault) owner = open_ok (f, NULL, OWNER_PASS);
    g_autoptr(HfSecret) cp = hf_test_secret ("carol passphrase");
    g_assert_true (hf_vault_add_member (owner, "carol", HF_ROLE_CAREGIVER, cp, NULL, &error));
    g_assert_no_error (error);
  }
  vault = open_ok (f, "carol", "carol passphrase");
  g_assert_true (hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "import", &error));
  g_assert_false (hf_vault_remove_member (vault, "bob", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  g_clear_error (&error);

  /* The last owner cannot be removed. */
  {
    g_autoptr(HfVault) owner = open_ok (f, NULL, OWNER_PASS);
    g_assert_false (hf_vault_remove_member (owner, "alice", &error));
    g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
    g_clear_error (&error);
  }
}

static void
test_pragmas (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HfVault) vault = open_ok (f, NULL, OWNER_PASS);
  sqlite3 *db = _hf_vault_get_db (vault);
  struct { const char *pragma; const char *value; } expect[] = {
    { "PRAGMA journal_mode", "wal" },
    { "PRAGMA secure_delete", "1" },
    { "PRAGMA foreign_keys", "1" },
    { "PRAGMA temp_store", "2" },
    { "PRAGMA synchronous", "2" },
    { "PRAGMA cipher_memory_security", NULL },
    { "PRAGMA user_version", NULL },
  };
  g_autofree char *version = g_strdup_printf ("%d", _hf_vault_schema_version ());

  expect[G_N_ELEMENTS (expect) - 1].value = version;
  /* Our allocator does what cipher_memory_security would (test_db_memory). */
  expect[G_N_ELEMENTS (expect) - 2].value = _hf_db_memory_is_installed () ? "0" : "1";

  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      sqlite3_stmt *stmt = NULL;
      g_assert_cmpint (sqlite3_prepare_v2 (db, expect[i].pragma, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, expect[i].value);
      sqlite3_finalize (stmt);
    }

  hf_vault_lock (vault);
  g_assert_null (_hf_vault_get_db (vault));
  g_assert_null (_hf_vault_get_audit_key (vault));
}

/* A vault from a newer Healthfolio is refused, not damaged. */
static void
test_newer_schema (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;

  {
    g_autoptr(HfVault) v = open_ok (f, NULL, OWNER_PASS);
    g_assert_true (_hf_db_exec (_hf_vault_get_db (v), "PRAGMA user_version = 999", NULL));
  }
  vault = open_as (f, NULL, OWNER_PASS, &error);
  g_assert_null (vault);
  g_assert_error (error, HF_ERROR, HF_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "newer version"));
}

static void
test_vault_check_ok (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HfVault) vault = open_ok (f, NULL, OWNER_PASS);
  g_autoptr(GError) error = NULL;
  HfVaultCheck check;

  g_assert_true (hf_vault_check (vault, &check, &error));
  g_assert_true (check.ok);
  g_assert_cmpuint (check.problems->len, ==, 0);
  g_assert_cmpuint (check.audit_entries, >=, 2);
  g_assert_cmpuint (check.pages, >=, 3);
  hf_vault_check_clear (&check);
}

static gint64
status_kib (const char *field)
{
  g_autofree char *text = NULL;
  const char *at;

  g_assert_true (g_file_get_contents ("/proc/self/status", &text, NULL, NULL));
  at = strstr (text, field);
  g_assert_nonnull (at);
  return g_ascii_strtoll (at + strlen (field) + 1, NULL, 10);
}

/* SQLite's memory: ours (installed by hf_core_init before SQLite started), locked, wiped on
 * free, reused, and large blocks mapped apart; what a vault holds goes through it. */
static void
test_db_memory (Fixture       *f,
                gconstpointer  data)
{
  HfDbMemoryStats before, after;
  guint8 *p, *q;
  gsize lengths[] = { 1, 100, 4200, 70000, 3 * 1024 * 1024 };

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifdef UNDER_ASAN
  g_test_skip ("Under AddressSanitizer SQLite keeps the system's allocator.");
  return;
#endif
  g_assert_true (_hf_db_memory_is_installed ());
  _hf_db_memory_get_stats (&before);
  {
    g_autoptr(HfVault) vault = open_ok (f, NULL, OWNER_PASS);

    _hf_db_memory_get_stats (&after);
    g_assert_cmpuint (after.chunks, >=, 1);
    g_assert_cmpuint (after.locked_bytes + after.unlocked_bytes, >=, 1024 * 1024);
    /* As root (CAP_IPC_LOCK) or with a large enough RLIMIT_MEMLOCK, all of it is locked. */
    if (after.lock_failures == 0)
      g_assert_cmpint (status_kib ("VmLck:") * 1024, >=, (gint64) after.locked_bytes);
    hf_vault_lock (vault);
  }
  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      gsize n = lengths[i];

      p = sqlite3_malloc64 (n);
      g_assert_nonnull (p);
      g_assert_cmpint (sqlite3_msize (p), >=, n);
      memset (p, 0xA5, n);
      p = sqlite3_realloc64 (p, n + 9);
      g_assert_nonnull (p);
      for (gsize j = 0; j < n; j++)
        if (p[j] != 0xA5)
          g_error ("realloc lost byte %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT, j, n);
      sqlite3_free (p);
      /* A block of the same size comes from the same free list: wiped, but for the list's
       * pointer in its first 8 bytes. */
      q = sqlite3_malloc64 (n + 9);
      if (q == p && n + 9 <= 65536)
        for (gsize j = sizeof (gpointer); j < n + 9; j++)
          g_assert_cmpuint (q[j], ==, 0);
      sqlite3_free (q);
    }
  _hf_db_memory_get_stats (&after);
  g_assert_cmpuint (after.large_bytes, ==, before.large_bytes);
}

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/hf/vault/create-open", test_create_open);
  ADD ("/hf/vault/create-existing", test_create_existing);
  ADD ("/hf/vault/recovery-code", test_recovery_code);
  ADD ("/hf/vault/wrong-passphrase", test_wrong_passphrase);
  ADD ("/hf/vault/keyring-byte-flipped", test_keyring_byte_flipped);
  ADD ("/hf/vault/forged-role", test_forged_role);
  ADD ("/hf/vault/forged-vault-id", test_forged_vault_id);
  ADD ("/hf/vault/spliced-old-slot", test_spliced_old_slot);
  ADD ("/hf/vault/forged-without-copy", test_forged_without_copy);
  ADD ("/hf/vault/keyring-rollback", test_keyring_rollback);
  ADD ("/hf/vault/database-rollback", test_database_rollback);
  ADD ("/hf/vault/other-vaults-keyring", test_other_vaults_keyring);
  ADD ("/hf/vault/corrupt-page", test_corrupt_page);
  ADD ("/hf/vault/stale-temp-keyrings", test_stale_temp_keyrings);
  ADD ("/hf/vault/kdf-4tib", test_kdf_4tib);
  ADD ("/hf/vault/passwd", test_passwd);
  ADD ("/hf/vault/remove-rekeys", test_remove_rekeys);
  ADD ("/hf/vault/roles", test_roles);
  ADD ("/hf/vault/pragmas", test_pragmas);
  ADD ("/hf/vault/newer-schema", test_newer_schema);
  ADD ("/hf/vault/check-ok", test_vault_check_ok);
  ADD ("/hf/vault/db-memory", test_db_memory);
#undef ADD

  return g_test_run ();
}
