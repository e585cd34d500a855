/* test-ui.c — the interface, driven through its real widgets under Xvfb
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With HF_SCREENSHOT_DIR set, each page is also saved there as a PNG.
 */

#include <string.h>

#include <glib/gstdio.h>

#include "hf-core.h"
#include "hf-application.h"
#include "hf-create-page-private.h"
#include "hf-demo.h"
#include "hf-fhir.h"
#include "hf-preferences-window.h"
#include "hf-record-detail-private.h"
#include "hf-record-list.h"
#include "hf-records.h"
#include "hf-secure.h"
#include "hf-timeline-row.h"
#include "hf-unlock-page-private.h"
#include "hf-vault-page-private.h"
#include "hf-window-private.h"

#define PASSPHRASE   "correct horse battery staple"
#define WAIT_SECONDS 30

static HfApplication *app;
static char *data_home;

/* {{{ helpers */

typedef gboolean (*Condition) (gpointer data);

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop, as the user's session would, until COND holds. */
static void
wait_for (Condition   cond,
          gpointer    data,
          const char *what)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add_seconds (WAIT_SECONDS, timed_out_cb, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Timed out after %d s waiting for %s", WAIT_SECONDS, what);

  g_source_remove (source);
}

static gboolean
frame_cb (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
enough_frames (gpointer data)
{
  return *(guint *) data >= 3;
}

/* Lets the window lay out and draw what just changed. */
static void
wait_frames (GtkWidget *widget)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, frame_cb, &frames, NULL);

  wait_for (enough_frames, &frames, "the window to draw");
  gtk_widget_remove_tick_callback (widget, id);
}

static void
screenshot (gpointer    window,
            const char *name)
{
  const char *dir = g_getenv ("HF_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  int width, height;

  wait_frames (GTK_WIDGET (window));

  if (dir == NULL || *dir == '\0')
    return;

  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));

  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  g_assert_no_errno (g_mkdir_with_parents (dir, 0755));
  file_name = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s", path);
}

static void
type_into (AdwEntryRow *row,
           const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* GtkButton's keyboard activation waits for its press animation; a click is immediate. */
static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
focus_is_in (HfWindow  *window,
             GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static HfWindow *
new_window (int width,
            int height)
{
  HfWindow *window = hf_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  return window;
}

static gboolean
on_recovery_stage (gpointer data)
{
  return g_strcmp0 (_hf_create_page_get_stage (data), "recovery") == 0;
}

static gboolean
on_vault_page (gpointer data)
{
  return g_strcmp0 (_hf_window_get_page_name (data), "vault") == 0;
}

static gboolean
unlock_finished (gpointer data)
{
  return !hf_unlock_page_get_busy (data);
}

static gboolean
create_finished (gpointer data)
{
  HfCreatePage *page = data;

  return !hf_create_page_get_busy (page) || on_recovery_stage (page);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type))
        return GTK_WINDOW (toplevel);
    }

  return NULL;
}

static gboolean
vault_locked (gpointer data)
{
  return hf_vault_is_locked (data);
}

static gboolean
clipboard_empty (gpointer data)
{
  return gdk_clipboard_get_content (data) == NULL;
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
    }

  g_remove (path);
}

/* }}} */

static void
test_file_name (void)
{
  static const struct {
    const char *typed;
    const char *file_name;
  } cases[] = {
    { "Alex", "Alex" },
    { "  Mum  ", "Mum" },
    { "Zoë's record", "Zoë's record" },
    { "a/b\\c:d", "a-b-c-d" },
    { "../../etc", "-..-etc" },
    { ".hidden", "hidden" },
    { "trailing. ", "trailing" },
    { "...", NULL },
    { "///", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *file_name = _hf_create_page_file_name_for (cases[i].typed);

      g_assert_cmpstr (file_name, ==, cases[i].file_name);
    }

  {
    g_autofree char *long_name = g_strnfill (300, 'x');
    g_autofree char *file_name = _hf_create_page_file_name_for (long_name);

    g_assert_cmpint (strlen (file_name) + strlen (".hfvault"), <=, 255);
  }
}

/* Creating a vault, reading the recovery code once, locking, a wrong and a right passphrase. */
static void
test_create_lock_unlock (void)
{
  HfWindow *window = new_window (800, 720);
  HfCreatePage *create;
  HfUnlockPage *unlock;
  AdwWindowTitle *title;
  GtkLabel *recovery_label;
  GtkLabel *error_label;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfVault) reopened = NULL;
  g_autoptr(GSettings) settings = g_settings_new (HF_APPLICATION_ID);
  GdkClipboard *clipboard;

  hf_window_show_vaults (window);
  gtk_window_present (GTK_WINDOW (window));

  /* A first start has no vault: the create page, with nothing to go back to. */
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "create");
  create = _hf_window_get_create_page (window);
  g_assert_false (gtk_widget_is_sensitive (_hf_create_page_get_create_button (create)));
  g_assert_true (focus_is_in (window, GTK_WIDGET (_hf_create_page_get_name_row (create))));
  screenshot (window, "create-empty");

  type_into (_hf_create_page_get_name_row (create), "Alex");
  type_into (_hf_create_page_get_owner_row (create), "Alex Example");

  /* Too weak a passphrase is refused, with a reason. */
  type_into (_hf_create_page_get_passphrase_row (create), "abc");
  type_into (_hf_create_page_get_confirm_row (create), "abc");
  g_assert_false (gtk_widget_is_sensitive (_hf_create_page_get_create_button (create)));
  g_assert_cmpstr (gtk_label_get_text (_hf_create_page_get_strength_label (create)), !=, "");

  /* A mismatch is pointed out. */
  type_into (_hf_create_page_get_passphrase_row (create), PASSPHRASE);
  type_into (_hf_create_page_get_confirm_row (create), "correct horse battery stable");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (_hf_create_page_get_problem_label (create))));
  g_assert_false (gtk_widget_is_sensitive (_hf_create_page_get_create_button (create)));

  type_into (_hf_create_page_get_confirm_row (create), PASSPHRASE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (_hf_create_page_get_problem_label (create))));
  screenshot (window, "create-filled");

  click (_hf_create_page_get_create_button (create));

  /* The passphrase is gone from the entries as soon as the work starts. */
  g_assert_cmpstr (text_of (_hf_create_page_get_passphrase_row (create)), ==, "");
  g_assert_cmpstr (text_of (_hf_create_page_get_confirm_row (create)), ==, "");
  g_assert_true (hf_create_page_get_busy (create));

  wait_for (create_finished, create, "the vault to be created");
  g_assert_cmpstr (_hf_create_page_get_stage (create), ==, "recovery");

  /* The code is shown, and the user can go on only after saying it is written down. */
  recovery_label = _hf_create_page_get_recovery_label (create);
  g_assert_cmpuint (strlen (gtk_label_get_text (recovery_label)), >=, 16);
  g_assert_true (gtk_label_get_selectable (recovery_label));
  g_assert_true (hf_create_page_get_busy (create));
  g_assert_false (gtk_widget_is_sensitive (_hf_create_page_get_continue_button (create)));
  screenshot (window, "recovery-code");

  /* Copied, then gone from the clipboard once the configured time is up. */
  g_settings_set_uint (settings, "clear-clipboard-seconds", 1);
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
  click (_hf_create_page_get_copy_button (create));
  g_assert_true (gdk_clipboard_is_local (clipboard));
  g_assert_nonnull (gdk_clipboard_get_content (clipboard));
  wait_for (clipboard_empty, clipboard, "the clipboard to be cleared");
  g_settings_reset (settings, "clear-clipboard-seconds");

  gtk_check_button_set_active (GTK_CHECK_BUTTON (_hf_create_page_get_written_check (create)),
                               TRUE);
  click (_hf_create_page_get_continue_button (create));

  /* Unlocked, named, and the code wiped from the page. */
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "vault");
  g_assert_cmpstr (gtk_label_get_text (recovery_label), ==, "");
  vault = g_object_ref (_hf_window_get_vault (window));
  g_assert_false (hf_vault_is_locked (vault));
  g_assert_cmpstr (hf_vault_get_member_name (vault), ==, "Alex Example");

  title = _hf_window_get_title (window);
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "Alex");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "Unlocked as Alex Example (owner)");
  g_assert_nonnull (adw_status_page_get_description (
                      _hf_vault_page_get_status_page (_hf_window_get_vault_page (window))));
  screenshot (window, "vault");

  /* Locking closes the vault and goes back to its unlock page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lock", NULL));
  g_assert_true (hf_vault_is_locked (vault));
  g_assert_null (_hf_window_get_vault (window));
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "unlock");
  unlock = _hf_window_get_unlock_page (window);
  g_assert_cmpstr (hf_unlock_page_get_title (unlock), ==, "Alex");
  g_assert_false (gtk_widget_is_sensitive (_hf_unlock_page_get_unlock_button (unlock)));
  screenshot (window, "unlock");

  /* A wrong passphrase: said plainly, the page stays, the vault stays locked. */
  type_into (_hf_unlock_page_get_passphrase_row (unlock), "not the passphrase at all");
  click (_hf_unlock_page_get_unlock_button (unlock));
  g_assert_cmpstr (text_of (_hf_unlock_page_get_passphrase_row (unlock)), ==, "");
  g_assert_true (hf_unlock_page_get_busy (unlock));
  wait_for (unlock_finished, unlock, "the wrong passphrase to be refused");

  error_label = _hf_unlock_page_get_error_label (unlock);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==, "Wrong passphrase. Try again.");
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "unlock");
  g_assert_null (_hf_window_get_vault (window));
  g_assert_true (focus_is_in (window, GTK_WIDGET (_hf_unlock_page_get_passphrase_row (unlock))));
  screenshot (window, "unlock-wrong-passphrase");

  /* The right one opens it; Enter in the passphrase row is enough. */
  type_into (_hf_unlock_page_get_passphrase_row (unlock), PASSPHRASE);
  g_signal_emit_by_name (gtk_editable_get_delegate (
                           GTK_EDITABLE (_hf_unlock_page_get_passphrase_row (unlock))),
                         "activate");
  wait_for (on_vault_page, window, "Enter to unlock the vault");

  reopened = g_object_ref (_hf_window_get_vault (window));
  g_assert_false (hf_vault_is_locked (reopened));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));

  /* What a screen lock or suspend does. */
  hf_application_lock_all (app, "Vault locked because the screen was locked");
  g_assert_true (hf_vault_is_locked (reopened));
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "unlock");
  screenshot (window, "unlock-after-screen-lock");

  g_clear_object (&reopened);
  type_into (_hf_unlock_page_get_passphrase_row (unlock), PASSPHRASE);
  click (_hf_unlock_page_get_unlock_button (unlock));
  wait_for (on_vault_page, window, "the vault to unlock again");
  reopened = g_object_ref (_hf_window_get_vault (window));

  /* Idle for an hour: nothing happens while auto-lock is off, the vault locks once it is on. */
  g_settings_set_uint (settings, "auto-lock-minutes", 0);
  _hf_window_pretend_idle (window, 3600);
  g_assert_false (hf_vault_is_locked (reopened));
  g_settings_set_uint (settings, "auto-lock-minutes", 1);
  wait_for (vault_locked, reopened, "the auto-lock");
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "unlock");
  g_settings_reset (settings, "auto-lock-minutes");

  g_clear_object (&reopened);
  type_into (_hf_unlock_page_get_passphrase_row (unlock), PASSPHRASE);
  click (_hf_unlock_page_get_unlock_button (unlock));
  wait_for (on_vault_page, window, "the vault to unlock once more");
  reopened = g_object_ref (_hf_window_get_vault (window));

  /* Closing the window locks what it had open. */
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (hf_vault_is_locked (reopened));
}

/* With a vault in place: the list to choose from, and a name that is taken. */
static void
test_chooser_and_taken_name (void)
{
  HfWindow *window = new_window (800, 720);
  HfCreatePage *create;
  GtkLabel *problem;

  hf_window_show_vaults (window);
  gtk_window_present (GTK_WINDOW (window));

  /* One vault: straight to its unlock page; back leads to the list. */
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "unlock");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-vaults", NULL));
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "chooser");
  g_assert_cmpuint (hf_chooser_page_get_n_vaults (_hf_window_get_chooser_page (window)), ==, 1);
  screenshot (window, "chooser");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-vault", NULL));
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "create");
  create = _hf_window_get_create_page (window);
  type_into (_hf_create_page_get_name_row (create), " Alex ");
  type_into (_hf_create_page_get_owner_row (create), "Someone");
  type_into (_hf_create_page_get_passphrase_row (create), PASSPHRASE);
  type_into (_hf_create_page_get_confirm_row (create), PASSPHRASE);

  problem = _hf_create_page_get_problem_label (create);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (problem)));
  g_assert_nonnull (strstr (gtk_label_get_text (problem), "exists already"));
  g_assert_false (gtk_widget_is_sensitive (_hf_create_page_get_create_button (create)));
  screenshot (window, "create-name-taken");

  type_into (_hf_create_page_get_name_row (create), "Sam");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (problem)));
  g_assert_true (gtk_widget_is_sensitive (_hf_create_page_get_create_button (create)));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A vault whose database does not match its keyring is refused with an explanation. */
static void
test_damaged_vault (void)
{
  HfWindow *window = new_window (800, 720);
  g_autofree char *dir = g_build_filename (data_home, "elsewhere", NULL);
  g_autofree char *path = g_build_filename (dir, "Damaged.hfvault", NULL);
  g_autoptr(HfSecret) passphrase = hf_secret_new_from_data (PASSPHRASE, strlen (PASSPHRASE));
  g_autoptr(HfSecret) recovery_code = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  HfUnlockPage *unlock;
  GtkWindow *dialog;

  vault = hf_vault_create (path, "Owner", passphrase, &recovery_code, &error);
  g_assert_no_error (error);
  hf_vault_lock (vault);

  /* SQLCipher's salt: the key from the keyring no longer opens the database. */
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_cmpuint (length, >, 16);
  contents[3] ^= 0x5a;
  g_assert_true (g_file_set_contents (path, contents, length, &error));

  hf_window_open_path (window, path);
  gtk_window_present (GTK_WINDOW (window));
  unlock = _hf_window_get_unlock_page (window);
  type_into (_hf_unlock_page_get_passphrase_row (unlock), PASSPHRASE);
  click (_hf_unlock_page_get_unlock_button (unlock));
  wait_for (unlock_finished, unlock, "the damaged vault to be refused");

  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "unlock");
  g_assert_null (_hf_window_get_vault (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (_hf_unlock_page_get_error_label (unlock))));
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
  screenshot (dialog, "damaged-vault-dialog");

  gtk_window_destroy (dialog);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The smallest width the window allows, as on a phone. */
static void
test_narrow (void)
{
  HfWindow *window = new_window (360, 720);

  hf_window_show_vaults (window);
  gtk_window_present (GTK_WINDOW (window));
  screenshot (window, "narrow-unlock");
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 360);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-vault", NULL));
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "create");
  g_assert_true (focus_is_in (window,
                              GTK_WIDGET (_hf_create_page_get_name_row (
                                            _hf_window_get_create_page (window)))));
  screenshot (window, "narrow-create");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-vaults", NULL));
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "chooser");
  screenshot (window, "narrow-chooser");

  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkSpinButton *
find_spin_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkSpinButton *found;

      if (GTK_IS_SPIN_BUTTON (child))
        return GTK_SPIN_BUTTON (child);
      if ((found = find_spin_button (child)) != NULL)
        return found;
    }

  return NULL;
}

/* The preferences change the settings the auto-lock reads. */
static void
test_preferences (void)
{
  HfWindow *window = new_window (800, 720);
  g_autoptr(GSettings) settings = g_settings_new (HF_APPLICATION_ID);
  HfPreferencesWindow *preferences;
  GtkSpinButton *auto_lock;

  hf_window_show_vaults (window);
  gtk_window_present (GTK_WINDOW (window));

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  preferences = HF_PREFERENCES_WINDOW (find_toplevel (HF_TYPE_PREFERENCES_WINDOW));
  g_assert_nonnull (preferences);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (preferences)) == GTK_WINDOW (window));
  screenshot (preferences, "preferences");

  /* The first spin button is the auto-lock's. */
  auto_lock = find_spin_button (GTK_WIDGET (preferences));
  g_assert_nonnull (auto_lock);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (auto_lock), ==,
                   g_settings_get_uint (settings, "auto-lock-minutes"));
  gtk_spin_button_set_value (auto_lock, 15);
  g_assert_cmpuint (g_settings_get_uint (settings, "auto-lock-minutes"), ==, 15);
  g_settings_reset (settings, "auto-lock-minutes");

  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The primary menu's other entries open what they say. */
static void
test_shortcuts_and_about (void)
{
  HfWindow *window = new_window (800, 720);
  GtkWindow *shortcuts;
  GtkWindow *about;

  hf_window_show_vaults (window);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  screenshot (shortcuts, "shortcuts");

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, HF_VERSION);
  screenshot (about, "about");

  gtk_window_destroy (about);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Ctrl+N: another window for another person's vault; each window has its own. */
static void
test_new_window (void)
{
  GList *before = gtk_application_get_windows (GTK_APPLICATION (app));
  guint n = g_list_length (before);
  GtkWindow *added = NULL;
  const char *page;

  g_action_group_activate_action (G_ACTION_GROUP (app), "new-window", NULL);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==,
                    n + 1);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (g_list_find (before, l->data) == NULL)
      added = l->data;
  /* The application's list changed under BEFORE; the new window is its first. */
  added = gtk_application_get_windows (GTK_APPLICATION (app))->data;
  g_assert_true (HF_IS_WINDOW (added));
  page = _hf_window_get_page_name (HF_WINDOW (added));
  g_assert_true (g_strcmp0 (page, "chooser") == 0 || g_strcmp0 (page, "create") == 0);
  g_assert_null (_hf_window_get_vault (HF_WINDOW (added)));
  gtk_window_destroy (added);
}

static gboolean
vault_page_shown (gpointer data)
{
  return g_strcmp0 (_hf_window_get_page_name (data), "vault") == 0;
}

/* "Try a Demo Vault": a new vault in the default folder, filled and opened, its passphrase
 * told in a toast. */
static void
test_demo_vault (void)
{
  HfWindow *window = new_window (800, 720);
  g_autofree char *dir = hf_vault_default_dir ();
  g_autofree char *path = hf_demo_dup_new_path (dir);
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GError) error = NULL;
  HfVault *vault;
  guint64 total = 0;

  /* Offered on the create page, which is what a first run shows. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-vault", NULL));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "create");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (_hf_window_get_create_page (window)),
                                             "win.create-demo", NULL));
  wait_for (vault_page_shown, window, "the demo vault to open");

  vault = _hf_window_get_vault (window);
  g_assert_nonnull (vault);
  g_assert_false (hf_vault_is_locked (vault));
  g_assert_cmpstr (hf_vault_get_path (vault), ==, path);
  counts = hf_record_store_stats (vault, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (total, >, 100);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Patient")), ==, 1);
  screenshot (window, "demo-vault");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* {{{ records */

static gboolean
import_finished (gpointer data)
{
  return !hf_vault_page_get_importing (data);
}

static gboolean
shows_search_results (gpointer data)
{
  GListModel *model = gtk_single_selection_get_model (data);

  return model != NULL && !HF_IS_RECORD_LIST (model);
}

static char *
test_data_path (const char *part)
{
  const char *dir = g_getenv ("HF_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, part, NULL);
}

/* A vault outside the default folder, unlocked in WINDOW through its unlock page. */
static HfVault *
unlock_new_vault (HfWindow   *window,
                  const char *name)
{
  g_autofree char *dir = g_build_filename (data_home, "records", NULL);
  g_autofree char *file_name = g_strconcat (name, ".hfvault", NULL);
  g_autofree char *path = g_build_filename (dir, file_name, NULL);
  g_autoptr(HfSecret) passphrase = hf_secret_new_from_data (PASSPHRASE, strlen (PASSPHRASE));
  g_autoptr(HfSecret) recovery_code = NULL;
  g_autoptr(HfVault) created = NULL;
  g_autoptr(GError) error = NULL;
  HfUnlockPage *unlock;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      created = hf_vault_create (path, "Carla", passphrase, &recovery_code, &error);
      g_assert_no_error (error);
      hf_vault_lock (created);
    }

  hf_window_open_path (window, path);
  gtk_window_present (GTK_WINDOW (window));
  unlock = _hf_window_get_unlock_page (window);
  type_into (_hf_unlock_page_get_passphrase_row (unlock), PASSPHRASE);
  click (_hf_unlock_page_get_unlock_button (unlock));
  wait_for (on_vault_page, window, "the vault to unlock");

  return g_object_ref (_hf_window_get_vault (window));
}

static void
import_through_page (HfVaultPage *page,
                     const char  *path)
{
  const char *paths[] = { path, NULL };

  hf_vault_page_import_files (page, paths);
  g_assert_true (hf_vault_page_get_importing (page));
  g_assert_cmpstr (_hf_vault_page_get_stage (page), ==, "importing");
  wait_for (import_finished, page, "the import to finish");
}

static HfTimelineRow *
first_timeline_row (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      HfTimelineRow *found;

      if (HF_IS_TIMELINE_ROW (child) && gtk_widget_get_mapped (child))
        return HF_TIMELINE_ROW (child);
      if ((found = first_timeline_row (child)) != NULL)
        return found;
    }

  return NULL;
}

static GtkListBoxRow *
category_row (HfVaultPage *page,
              const char  *category)
{
  GtkListBox *list = _hf_vault_page_get_category_list (page);

  for (int i = 0; ; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, i);

      if (row == NULL)
        return NULL;
      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "category"), category) == 0)
        return row;
    }
}

/* Empty vault, import, timeline, a record and its original, categories, search, lock. */
static void
test_records (void)
{
  HfWindow *window = new_window (1100, 760);
  g_autoptr(HfVault) vault = unlock_new_vault (window, "Carla");
  HfVaultPage *page = _hf_window_get_vault_page (window);
  GtkSingleSelection *selection = _hf_vault_page_get_selection (page);
  HfRecordDetail *detail = _hf_vault_page_get_detail (page);
  /* One person's record: a vault holds one person's. */
  g_autofree char *synthea = test_data_path ("synthea/Carla_Echevarria_9a628ccd-2a55-4331-"
                                             "8e68-bb58458fd674.json");
  g_autofree char *bad = g_build_filename (data_home, "bad.json", NULL);
  g_autoptr(GHashTable) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfRecord) first = NULL;
  g_autofree char *original = NULL;
  HfRecordFilter labs = { .category = HF_CATEGORY_LAB_RESULTS };
  HfTimelineRow *row;
  GtkWindow *dialog;
  guint64 total = 0, n_labs = 0;

  /* Nothing imported yet: the page says what to do, and the import action is there. */
  g_assert_cmpstr (_hf_vault_page_get_stage (page), ==, "empty");
  g_assert_nonnull (adw_status_page_get_description (_hf_vault_page_get_status_page (page)));
  g_assert_true (hf_vault_page_get_can_import (page));
  g_assert_false (hf_vault_page_get_can_search (page));
  screenshot (window, "vault-empty");

  /* Imported in a thread through the page, then told in a toast. */
  import_through_page (page, synthea);
  g_assert_cmpstr (_hf_vault_page_get_stage (page), ==, "records");
  g_assert_true (g_str_has_prefix (_hf_vault_page_get_last_message (page), "Imported "));

  /* The timeline holds every current record of "All records" (not billing, not the people
   * and places records refer to), newest first, a month heading at the top. */
  stats = hf_record_store_stats (vault, &total, &error);
  g_assert_no_error (error);
  g_assert_true (hf_record_store_count (vault, NULL, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (total, >, 100);
  g_assert_true (HF_IS_RECORD_LIST (gtk_single_selection_get_model (selection)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, total);
  wait_frames (GTK_WIDGET (window));
  g_assert_false (adw_leaflet_get_folded (_hf_vault_page_get_leaflet (page)));
  row = first_timeline_row (GTK_WIDGET (_hf_vault_page_get_list_view (page)));
  g_assert_nonnull (row);
  g_assert_nonnull (hf_timeline_row_get_heading (row));
  g_assert_cmpstr (hf_record_detail_get_title (detail), ==, NULL);
  screenshot (window, "timeline");

  /* Selecting a record shows it, readable; the original JSON is one click away. */
  first = g_list_model_get_item (G_LIST_MODEL (selection), 0);
  gtk_single_selection_set_selected (selection, 0);
  g_assert_cmpint (hf_record_detail_get_id (detail), ==, hf_record_get_id (first));
  g_assert_cmpstr (hf_record_detail_get_title (detail), ==, hf_record_get_title (first));
  g_assert_cmpstr (_hf_record_detail_get_view (detail), ==, "readable");
  screenshot (window, "record");

  gtk_toggle_button_set_active (_hf_record_detail_get_original_button (detail), TRUE);
  g_assert_cmpstr (_hf_record_detail_get_view (detail), ==, "original");
  original = _hf_record_detail_dup_original (detail);
  g_assert_nonnull (strstr (original, "\"resourceType\""));
  g_assert_nonnull (strchr (original, '\n'));
  screenshot (window, "record-original");

  /* A category shows its records only. */
  g_assert_true (hf_record_store_count (vault, &labs, &n_labs, &error));
  g_assert_cmpuint (n_labs, >, 0);
  gtk_list_box_select_row (_hf_vault_page_get_category_list (page),
                           category_row (page, HF_CATEGORY_LAB_RESULTS));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, n_labs);
  g_assert_cmpstr (_hf_record_detail_get_view (detail), ==, "none");
  screenshot (window, "timeline-lab-results");

  /* Ctrl+F searches as one types; leaving the search goes back to the timeline. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  g_assert_true (hf_vault_page_get_search_mode (page));
  g_assert_true (focus_is_in (window, GTK_WIDGET (_hf_vault_page_get_search_entry (page))));
  gtk_editable_set_text (_hf_vault_page_get_search_entry (page), "echevarria");
  wait_for (shows_search_results, selection, "search results");
  g_assert_false (HF_IS_RECORD_LIST (gtk_single_selection_get_model (selection)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), >=, 1);
  screenshot (window, "search");

  g_signal_emit_by_name (_hf_vault_page_get_search_entry (page), "stop-search");
  g_assert_false (hf_vault_page_get_search_mode (page));
  g_assert_true (HF_IS_RECORD_LIST (gtk_single_selection_get_model (selection)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, n_labs);

  /* A file that is not FHIR: a dialog with the reason, and the vault unchanged. */
  g_assert_true (g_file_set_contents (bad, "{\"resourceType\": \"Observation\", ", -1, &error));
  import_through_page (page, bad);
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
  g_assert_nonnull (strstr (_hf_vault_page_get_last_message (page), "bad.json"));
  screenshot (dialog, "import-failed-dialog");
  gtk_window_destroy (dialog);
  g_assert_cmpstr (_hf_vault_page_get_stage (page), ==, "records");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, n_labs);

  /* Locking drops every model that reads the vault, and what was copied from it. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), "HbA1c 6.3 %");
  g_assert_true (gdk_clipboard_is_local (gtk_widget_get_clipboard (GTK_WIDGET (window))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lock", NULL));
  g_assert_true (hf_vault_is_locked (vault));
  g_assert_null (gdk_clipboard_get_content (gtk_widget_get_clipboard (GTK_WIDGET (window))));
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "unlock");
  g_assert_null (gtk_single_selection_get_model (selection));
  g_assert_cmpstr (_hf_record_detail_get_view (detail), ==, "none");
  g_assert_cmpuint (gtk_widget_get_first_child (GTK_WIDGET (
                      _hf_vault_page_get_category_list (page))) == NULL, ==, TRUE);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Many records: read page by page, a jump to the end reads only the end; cancel; lock. */
static void
test_records_many (void)
{
  HfWindow *window = new_window (1100, 760);
  g_autoptr(HfVault) vault = unlock_new_vault (window, "Many");
  HfVaultPage *page = _hf_window_get_vault_page (window);
  GtkSingleSelection *selection = _hf_vault_page_get_selection (page);
  g_autofree char *path = g_build_filename (data_home, "many.ndjson", NULL);
  g_autoptr(GString) ndjson = g_string_new (NULL);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(HfRecord) last = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *facts = NULL;
  const char *paths[] = { path, NULL };
  HfRecordList *list;
  guint n;

  for (int i = 0; i < 5000; i++)
    g_string_append_printf (ndjson, "{\"resourceType\":\"Observation\",\"id\":\"w%d\","
                            "\"status\":\"final\",\"category\":[{\"coding\":[{\"code\":"
                            "\"vital-signs\"}]}],\"code\":{\"coding\":[{\"system\":"
                            "\"http://loinc.org\",\"code\":\"29463-7\",\"display\":"
                            "\"Body weight\"}]},\"performer\":[{\"display\":\"Dr. Ada Ng\"}],"
                            "\"referenceRange\":[{\"low\":{\"value\":55,\"unit\":\"kg\"},"
                            "\"high\":{\"value\":75,\"unit\":\"kg\"}}],"
                            "\"effectiveDateTime\":\"%04d-%02d-%02d\","
                            "\"valueQuantity\":{\"value\":%d.5,\"unit\":\"kg\"}}\n",
                            i, 1990 + i / 336, 1 + (i / 28) % 12, 1 + i % 28, 60 + i % 20);
  g_assert_true (g_file_set_contents (path, ndjson->str, ndjson->len, &error));

  /* Cancelled at once: nothing changes, and the page says so. */
  hf_vault_page_import_files (page, paths);
  screenshot (window, "importing");
  click (_hf_vault_page_get_cancel_button (page));
  wait_for (import_finished, page, "the cancelled import to stop");
  g_assert_cmpstr (_hf_vault_page_get_stage (page), ==, "empty");
  g_assert_cmpstr (_hf_vault_page_get_last_message (page), ==,
                   "Import cancelled; the vault is as it was");

  import_through_page (page, path);
  g_assert_cmpstr (_hf_vault_page_get_stage (page), ==, "records");
  g_assert_cmpstr (_hf_vault_page_get_last_message (page), ==, "Imported 5000 records");

  list = HF_RECORD_LIST (gtk_single_selection_get_model (selection));
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, ==, 5000);
  wait_frames (GTK_WIDGET (window));
  g_assert_cmpuint (hf_record_list_get_n_loaded (list), <, n);

  /* The last item, straight away: what the store says is last, without the pages between. */
  last = g_list_model_get_item (G_LIST_MODEL (list), n - 1);
  all = hf_record_store_query (vault, NULL, NULL, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hf_record_get_id (last), ==,
                   ((HfRecordRow *) g_ptr_array_index (all, 4999))->id);
  /* GtkListView 4.8 makes about 200 rows before its first allocation: two or three pages. */
  g_assert_cmpuint (hf_record_list_get_n_loaded (list), <=, 500);
  for (guint i = 0; i < n; i += 37)
    {
      g_autoptr(HfRecord) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpint (hf_record_get_id (item), ==,
                       ((HfRecordRow *) g_ptr_array_index (all, i))->id);
    }
  g_assert_cmpuint (hf_record_list_get_n_loaded (list), <=, 1600);

  /* A measurement reads as one: the result with its unit, the normal range, who, the code. */
  gtk_single_selection_set_selected (selection, 0);
  facts = _hf_record_detail_dup_facts (_hf_vault_page_get_detail (page));
  g_assert_nonnull (strstr (facts, "Result: 79.5 kg\n"));
  g_assert_nonnull (strstr (facts, "Normal Range: 55 kg to 75 kg\n"));
  g_assert_nonnull (strstr (facts, "Who: Dr. Ada Ng\n"));
  g_assert_nonnull (strstr (facts, "Codes: Body weight — LOINC 29463-7\n"));
  g_assert_nonnull (strstr (facts, "Category: Vital Signs\n"));
  /* Weighed 5000 times: the trend shows the newest values, this one picked out. */
  {
    HfTrendChart *chart = _hf_record_detail_get_trend_chart (_hf_vault_page_get_detail (page));
    const HfTrend *trend;
    g_autofree char *said = NULL;
    int series = -1, index = -1;

    g_assert_nonnull (chart);
    trend = hf_trend_chart_get_trend (chart);
    g_assert_nonnull (trend);
    g_assert_cmpstr (trend->code, ==, "29463-7");
    g_assert_cmpuint (trend->n_points, ==, HF_TREND_MAX_OBSERVATIONS);
    g_assert_true (hf_trend_chart_get_selected (chart, &series, &index));
    g_assert_cmpint (g_array_index (((HfTrendSeries *) g_ptr_array_index (trend->series, series))
                                      ->points, HfTrendPoint, index).record_id, ==,
                     ((HfRecordRow *) g_ptr_array_index (all, 0))->id);
    said = hf_trend_chart_describe_selected (chart);
    g_assert_nonnull (strstr (said, "79.5 kg (normal 55–75)"));

    /* The next weight: the same trend, read once, pointed at the new record. */
    gtk_single_selection_set_selected (selection, 1);
    g_assert_true (_hf_record_detail_get_trend_chart (_hf_vault_page_get_detail (page)) == chart);
    g_assert_true (hf_trend_chart_get_trend (chart) == trend);
    g_assert_true (hf_trend_chart_get_selected (chart, &series, &index));
    g_assert_cmpint (g_array_index (((HfTrendSeries *) g_ptr_array_index (trend->series, series))
                                      ->points, HfTrendPoint, index).record_id, ==,
                     ((HfRecordRow *) g_ptr_array_index (all, 1))->id);
    gtk_single_selection_set_selected (selection, 0);
  }
  screenshot (window, "record-value");

  /* Locking while an import runs: the lock waits for the import's thread, then happens. */
  hf_vault_page_import_files (page, paths);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lock", NULL));
  g_assert_cmpstr (_hf_window_get_page_name (window), ==, "unlock");
  g_assert_null (_hf_window_get_vault (window));
  wait_for (vault_locked, vault, "the vault to lock after the import stopped");

  /* And it opens again, whole. */
  g_clear_object (&vault);
  type_into (_hf_unlock_page_get_passphrase_row (_hf_window_get_unlock_page (window)),
             PASSPHRASE);
  click (_hf_unlock_page_get_unlock_button (_hf_window_get_unlock_page (window)));
  wait_for (on_vault_page, window, "the vault to unlock again");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 5000);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A phone-sized window: one pane at a time, with a way back. */
static void
test_records_narrow (void)
{
  HfWindow *window = new_window (360, 720);
  g_autoptr(HfVault) vault = unlock_new_vault (window, "Narrow");
  HfVaultPage *page = _hf_window_get_vault_page (window);
  GtkSingleSelection *selection = _hf_vault_page_get_selection (page);
  AdwLeaflet *leaflet = _hf_vault_page_get_leaflet (page);
  /* One person's record: a vault holds one person's. */
  g_autofree char *synthea = test_data_path ("synthea/Carla_Echevarria_9a628ccd-2a55-4331-"
                                             "8e68-bb58458fd674.json");

  import_through_page (page, synthea);
  wait_frames (GTK_WIDGET (window));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 360);
  g_assert_true (adw_leaflet_get_folded (leaflet));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), >, 0);
  g_assert_true (hf_vault_page_get_can_go_back (page));
  screenshot (window, "narrow-timeline");

  gtk_single_selection_set_selected (selection, 1);
  wait_frames (GTK_WIDGET (window));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) ==
                 GTK_WIDGET (_hf_vault_page_get_detail (page)));
  screenshot (window, "narrow-record");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  wait_frames (GTK_WIDGET (window));
  g_assert_false (hf_vault_page_get_can_go_back (page));
  screenshot (window, "narrow-categories");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (hf_vault_is_locked (vault));
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  data_home = g_dir_make_tmp ("hf-test-ui-XXXXXX", &error);
  g_assert_no_error (error);

  /* Before anything reads it: GLib keeps the first value. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_assert_true (hf_core_init ());
  gtk_test_init (&argc, &argv, NULL);

  /* Screenshots show pages, not transitions between them. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = hf_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/hf/ui/create/file-name", test_file_name);
  g_test_add_func ("/hf/ui/window/create-lock-unlock", test_create_lock_unlock);
  g_test_add_func ("/hf/ui/window/chooser-and-taken-name", test_chooser_and_taken_name);
  g_test_add_func ("/hf/ui/window/damaged-vault", test_damaged_vault);
  g_test_add_func ("/hf/ui/window/narrow", test_narrow);
  g_test_add_func ("/hf/ui/window/shortcuts-and-about", test_shortcuts_and_about);
  g_test_add_func ("/hf/ui/preferences/auto-lock", test_preferences);
  g_test_add_func ("/hf/ui/window/demo-vault", test_demo_vault);
  g_test_add_func ("/hf/ui/window/new-window", test_new_window);
  g_test_add_func ("/hf/ui/records/timeline-detail-search", test_records);
  g_test_add_func ("/hf/ui/records/many-cancel-lock", test_records_many);
  g_test_add_func ("/hf/ui/records/narrow", test_records_narrow);

  status = g_test_run ();

  g_clear_object (&app);
  remove_tree (data_home);
  g_free (data_home);

  return status;
}
