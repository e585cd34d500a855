/* hf-create-page.c — a new vault: its name, its owner, a passphrase, the recovery code
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib/gi18n.h>
#include <pwquality.h>

#include "hf-create-page-private.h"
#include "hf-error.h"
#include "hf-settings.h"
#include "hf-vault.h"
#include "hf-widget-util.h"
#include "hf-window.h"

/* Leaves room for ".hfvault" within the 255 bytes of a file name, at 4 bytes a character. */
#define MAX_NAME_CHARS 60

/* pwquality scores 0–100 and mostly rewards mixed kinds of characters, which a passphrase of
 * plain words lacks. Such a passphrase still resists guessing when it is long, the more so as
 * every guess costs a full Argon2id derivation; so 12 characters or more are enough as long as
 * pwquality finds no outright flaw in them (a dictionary word, a palindrome, the owner's
 * name). Anything shorter needs pwquality's own "good" mark of 50. */
#define MIN_SCORE        50
#define MIN_LONG_CHARS   12
#define STRONG_SCORE     80

struct _HfCreatePage
{
  GtkWidget             parent_instance;

  GCancellable         *cancellable;
  pwquality_settings_t *pwquality;
  HfVault              *vault;
  HfSecret             *recovery_code;
  char                 *failure;
  gboolean              creating;

  GtkStack             *stage_stack;
  GtkWidget            *form_box;
  AdwEntryRow          *name_row;
  AdwEntryRow          *owner_row;
  AdwEntryRow          *passphrase_row;
  AdwEntryRow          *confirm_row;
  GtkLevelBar          *strength_bar;
  GtkLabel             *strength_label;
  GtkLabel             *problem_label;
  GtkWidget            *create_button;
  GtkStack             *create_button_stack;
  GtkSpinner           *create_spinner;
  GtkLabel             *recovery_label;
  GtkWidget            *copy_button;
  GtkCheckButton       *written_check;
  GtkWidget            *continue_button;
};

G_DEFINE_FINAL_TYPE (HfCreatePage, hf_create_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

enum {
  VAULT_CREATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  GdkClipboard       *clipboard;
  GdkContentProvider *provider;
} ClipboardClear;

static void
clipboard_clear_free (ClipboardClear *clear)
{
  g_object_unref (clear->clipboard);
  g_object_unref (clear->provider);
  g_free (clear);
}

/* Runs even after the page is gone; leaves alone anything copied since. */
static gboolean
clear_clipboard_cb (gpointer user_data)
{
  ClipboardClear *clear = user_data;

  if (gdk_clipboard_get_content (clear->clipboard) == clear->provider)
    gdk_clipboard_set_content (clear->clipboard, NULL);

  return G_SOURCE_REMOVE;
}

/**
 * _hf_create_page_file_name_for:
 * @vault_name: what the user typed
 *
 * Vaults get copied to backup sticks, so the name avoids what FAT and NTFS refuse as well as
 * what would make a hidden file or leave the vault folder.
 *
 * Returns: (transfer full) (nullable): the file name without its extension, or %NULL when
 *   nothing usable is left
 */
char *
_hf_create_page_file_name_for (const char *vault_name)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autofree char *stripped = g_strstrip (g_strdup (vault_name));
  g_autofree char *shortened = NULL;
  const char *p = stripped;

  while (*p == '.')
    p++;

  shortened = g_utf8_substring (p, 0, MIN (g_utf8_strlen (p, -1), MAX_NAME_CHARS));

  for (const char *c = shortened; *c != '\0'; c = g_utf8_next_char (c))
    {
      gunichar ch = g_utf8_get_char (c);

      if (g_unichar_iscntrl (ch) || (ch < 0x80 && strchr ("/\\:*?\"<>|", (int) ch) != NULL))
        g_string_append_c (name, '-');
      else
        g_string_append_unichar (name, ch);
    }

  while (name->len > 0 && (name->str[name->len - 1] == '.' || name->str[name->len - 1] == ' '))
    g_string_truncate (name, name->len - 1);

  if (name->len == 0 || strspn (name->str, "-") == name->len)
    return NULL;

  return g_string_free (g_steal_pointer (&name), FALSE);
}

static char *
dup_stripped_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static char *
dup_vault_path (HfCreatePage *self)
{
  g_autofree char *name = dup_stripped_text (self->name_row);
  g_autofree char *file_name = _hf_create_page_file_name_for (name);
  g_autofree char *dir = NULL;
  g_autofree char *basename = NULL;

  if (file_name == NULL)
    return NULL;

  dir = hf_vault_default_dir ();
  basename = g_strconcat (file_name, ".hfvault", NULL);

  return g_build_filename (dir, basename, NULL);
}

static void
set_busy (HfCreatePage *self,
          gboolean      creating)
{
  self->creating = creating;

  if (creating)
    hf_widget_drop_focus (self->form_box);
  gtk_widget_set_sensitive (self->form_box, !creating);
  gtk_stack_set_visible_child_name (self->create_button_stack, creating ? "spinner" : "label");
  gtk_spinner_set_spinning (self->create_spinner, creating);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Scores the passphrase and says how good it is; returns whether it is good enough. */
static gboolean
check_strength (HfCreatePage *self,
                const char   *passphrase,
                const char   *owner)
{
  char buffer[PWQ_MAX_ERROR_MESSAGE_LEN];
  void *auxerror = NULL;
  glong n_chars = g_utf8_strlen (passphrase, -1);
  gboolean acceptable;
  int score;

  if (n_chars == 0)
    {
      gtk_level_bar_set_value (self->strength_bar, 0);
      gtk_label_set_text (self->strength_label,
                          _("Use several words, or at least 12 characters."));
      return FALSE;
    }

  /* The owner's name lets pwquality refuse a passphrase made of it. */
  score = pwquality_check (self->pwquality, passphrase, NULL, owner, &auxerror);
  acceptable = score >= MIN_SCORE || (score >= 0 && n_chars >= MIN_LONG_CHARS);

  if (score < 0)
    {
      gtk_level_bar_set_value (self->strength_bar, 0);
      gtk_label_set_text (self->strength_label,
                          pwquality_strerror (buffer, sizeof buffer, score, auxerror));
    }
  else if (!acceptable)
    {
      gtk_level_bar_set_value (self->strength_bar, MIN (score, MIN_SCORE - 1));
      gtk_label_set_text (self->strength_label,
                          _("Too weak. Add another word or make it longer."));
    }
  else
    {
      gtk_level_bar_set_value (self->strength_bar, MAX (score, MIN_SCORE));
      gtk_label_set_text (self->strength_label,
                          score >= STRONG_SCORE ? _("Strong passphrase.")
                                                : _("Good enough. Longer is stronger."));
    }

  return acceptable;
}

/* Checks everything typed so far, says what is wrong, and allows Create only when nothing is. */
static void
validate (HfCreatePage *self)
{
  g_autofree char *name = dup_stripped_text (self->name_row);
  g_autofree char *owner = dup_stripped_text (self->owner_row);
  g_autofree char *path = dup_vault_path (self);
  g_autofree char *keyring_path = path != NULL ? hf_vault_keyring_path (path) : NULL;
  g_autofree char *name_problem = NULL;
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));
  const char *problem = NULL;
  gboolean strong, matching;

  strong = check_strength (self, passphrase, owner);
  matching = *passphrase != '\0' && strcmp (passphrase, confirm) == 0;

  if (*name != '\0' && path == NULL)
    name_problem = g_strdup (_("Use at least one letter or digit in the vault’s name."));
  else if (path != NULL && (g_file_test (path, G_FILE_TEST_EXISTS) ||
                            g_file_test (keyring_path, G_FILE_TEST_EXISTS)))
    name_problem = g_strdup_printf (_("A vault named “%s” exists already. Choose another name."),
                                    name);

  if (self->failure != NULL)
    problem = self->failure;
  else if (name_problem != NULL)
    problem = name_problem;
  else if (*confirm != '\0' && !g_str_has_prefix (passphrase, confirm))
    problem = _("The passphrases do not match.");

  gtk_label_set_text (self->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "create-page.create",
                                 !self->creating && path != NULL && name_problem == NULL &&
                                 *owner != '\0' && strong && matching);
}

static void
form_changed_cb (GtkEditable  *editable,
                 HfCreatePage *self)
{
  /* A failure is about what was typed then; editing starts over. */
  g_clear_pointer (&self->failure, g_free);
  validate (self);
}

static void
written_toggled_cb (GtkCheckButton *check,
                    HfCreatePage   *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "create-page.continue",
                                 gtk_check_button_get_active (check));
}

static void
set_default_widget (HfCreatePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *stage = gtk_stack_get_visible_child_name (self->stage_stack);

  if (GTK_IS_WINDOW (root))
    gtk_window_set_default_widget (GTK_WINDOW (root),
                                   g_strcmp0 (stage, "form") == 0 ? self->create_button
                                                                  : self->continue_button);
}

static void
wipe_recovery_code (HfCreatePage *self)
{
  gtk_label_set_text (self->recovery_label, "");
  g_clear_pointer (&self->recovery_code, hf_secret_free);
}

/* Four groups a line: the code reads as two short lines, and no group is ever split. */
static HfSecret *
format_recovery_code (const HfSecret *recovery_code)
{
  const char *code = hf_secret_get_string (recovery_code);
  gsize length = strlen (code);
  HfSecret *shown = hf_secret_new_from_data (code, length);
  char *text = (char *) hf_secret_get_data (shown);
  guint groups = 0;

  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == '-' && ++groups % 4 == 0)
        text[i] = '\n';
    }

  return shown;
}

static void
show_recovery_code (HfCreatePage *self,
                    HfVault      *vault,
                    HfSecret     *recovery_code)
{
  g_autoptr(HfSecret) shown = format_recovery_code (recovery_code);

  g_set_object (&self->vault, vault);
  self->recovery_code = recovery_code;

  gtk_label_set_text (self->recovery_label, hf_secret_get_string (shown));
  gtk_check_button_set_active (self->written_check, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "create-page.continue", FALSE);
  gtk_stack_set_visible_child_name (self->stage_stack, "recovery");

  set_default_widget (self);
  gtk_widget_grab_focus (self->copy_button);
}

static void
create_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HfCreatePage) self = HF_CREATE_PAGE (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;
  HfSecret *recovery_code = NULL;

  vault = hf_vault_create_finish (result, &recovery_code, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (vault == NULL)
    {
      gboolean exists = g_error_matches (error, HF_ERROR, HF_ERROR_EXISTS);

      g_free (self->failure);
      if (exists)
        self->failure = g_strdup (_("A vault with this name exists already. Choose another "
                                    "name."));
      else
        self->failure = g_strdup_printf (_("The vault could not be created: %s"),
                                         error->message);

      set_busy (self, FALSE);
      validate (self);
      gtk_widget_grab_focus (GTK_WIDGET (exists ? self->name_row : self->passphrase_row));
      return;
    }

  /* Stays busy: the user may not leave before confirming the code is written down. */
  self->creating = FALSE;
  gtk_spinner_set_spinning (self->create_spinner, FALSE);
  show_recovery_code (self, vault, recovery_code);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HfCreatePage *self = HF_CREATE_PAGE (widget);
  g_autofree char *path = dup_vault_path (self);
  g_autofree char *owner = dup_stripped_text (self->owner_row);
  g_autoptr(HfSecret) passphrase = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));

  g_return_if_fail (path != NULL);

  passphrase = hf_secret_new_from_data (text, strlen (text));

  /* The passphrase lives on only in protected memory. */
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");

  set_busy (self, TRUE);
  validate (self);

  hf_vault_create_async (path, owner, passphrase, self->cancellable,
                         create_cb, g_object_ref (self));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HfCreatePage *self = HF_CREATE_PAGE (widget);
  g_autoptr(GSettings) settings = hf_settings_new ();
  guint seconds = hf_settings_get_clear_clipboard_seconds (settings);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  g_autoptr(GdkContentProvider) provider = NULL;
  g_autofree char *message = NULL;
  GtkRoot *root;

  g_return_if_fail (self->recovery_code != NULL);

  provider = gdk_content_provider_new_typed (G_TYPE_STRING,
                                             hf_secret_get_string (self->recovery_code));
  gdk_clipboard_set_content (clipboard, provider);

  if (seconds > 0)
    {
      ClipboardClear *clear = g_new0 (ClipboardClear, 1);

      clear->clipboard = g_object_ref (clipboard);
      clear->provider = g_object_ref (provider);
      g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, seconds, clear_clipboard_cb,
                                  clear, (GDestroyNotify) clipboard_clear_free);
      message = g_strdup_printf (ngettext ("Recovery code copied. It leaves the clipboard "
                                           "in %u second.",
                                           "Recovery code copied. It leaves the clipboard "
                                           "in %u seconds.",
                                           seconds),
                                 seconds);
    }
  else
    {
      message = g_strdup (_("Recovery code copied"));
    }

  root = gtk_widget_get_root (widget);
  if (HF_IS_WINDOW (root))
    hf_window_add_toast (HF_WINDOW (root), adw_toast_new (message));
}

static void
continue_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HfCreatePage *self = HF_CREATE_PAGE (widget);
  g_autoptr(HfVault) vault = g_steal_pointer (&self->vault);

  g_return_if_fail (vault != NULL);

  hf_create_page_reset (self);
  g_signal_emit (self, signals[VAULT_CREATED], 0, vault);
}

static void
hf_create_page_map (GtkWidget *widget)
{
  HfCreatePage *self = HF_CREATE_PAGE (widget);

  GTK_WIDGET_CLASS (hf_create_page_parent_class)->map (widget);

  set_default_widget (self);
}

static gboolean
hf_create_page_grab_focus (GtkWidget *widget)
{
  HfCreatePage *self = HF_CREATE_PAGE (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stage_stack), "form") == 0)
    return gtk_widget_grab_focus (GTK_WIDGET (self->name_row));

  return gtk_widget_grab_focus (self->copy_button);
}

static void
hf_create_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HfCreatePage *self = HF_CREATE_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, hf_create_page_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_create_page_dispose (GObject *object)
{
  HfCreatePage *self = HF_CREATE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  wipe_recovery_code (self);
  if (self->vault != NULL)
    hf_vault_lock (self->vault);
  g_clear_object (&self->vault);

  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_CREATE_PAGE);

  G_OBJECT_CLASS (hf_create_page_parent_class)->dispose (object);
}

static void
hf_create_page_finalize (GObject *object)
{
  HfCreatePage *self = HF_CREATE_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pwquality, pwquality_free_settings);
  g_free (self->failure);

  G_OBJECT_CLASS (hf_create_page_parent_class)->finalize (object);
}

static void
hf_create_page_class_init (HfCreatePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = hf_create_page_get_property;
  object_class->dispose = hf_create_page_dispose;
  object_class->finalize = hf_create_page_finalize;

  widget_class->map = hf_create_page_map;
  widget_class->grab_focus = hf_create_page_grab_focus;

  /**
   * HfCreatePage:busy:
   *
   * Whether the page must not be left: while the key is derived, and then until the user
   * confirms that the recovery code is written down.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HfCreatePage::vault-created:
   * @self: the page
   * @vault: the new vault, unlocked
   *
   * Emitted once the vault exists and the user has confirmed the recovery code is written down.
   */
  signals[VAULT_CREATED] =
    g_signal_new ("vault-created",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, HF_TYPE_VAULT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/healthfolio/Healthfolio/"
                                               "vault/hf-create-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, stage_stack);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, form_box);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, name_row);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, owner_row);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, strength_bar);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, strength_label);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, create_button);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, create_button_stack);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, create_spinner);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, recovery_label);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, copy_button);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, written_check);
  gtk_widget_class_bind_template_child (widget_class, HfCreatePage, continue_button);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, written_toggled_cb);

  gtk_widget_class_install_action (widget_class, "create-page.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "create-page.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "create-page.continue", NULL, continue_action);
}

static void
hf_create_page_init (HfCreatePage *self)
{
  void *auxerror = NULL;
  int rc;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Without a readable configuration pwquality's built-in defaults apply. */
  self->pwquality = pwquality_default_settings ();
  rc = pwquality_read_config (self->pwquality, NULL, &auxerror);
  if (rc != 0)
    {
      char buffer[PWQ_MAX_ERROR_MESSAGE_LEN];

      g_debug ("pwquality configuration not read: %s",
               pwquality_strerror (buffer, sizeof buffer, rc, auxerror));
    }

  /* Without cracklib's word list every passphrase would fail the dictionary check; the other
   * checks still apply. The probe is random enough to pass any working dictionary. */
  auxerror = NULL;
  rc = pwquality_check (self->pwquality, "Vq7#pZ2!mK9@xL4$wT", NULL, NULL, &auxerror);
  if (rc == PWQ_ERROR_CRACKLIB_CHECK)
    {
      char buffer[PWQ_MAX_ERROR_MESSAGE_LEN];

      g_debug ("Passphrases are not checked against a dictionary: %s",
               pwquality_strerror (buffer, sizeof buffer, rc, auxerror));
      pwquality_set_int_value (self->pwquality, PWQ_SETTING_DICT_CHECK, 0);
    }

  hf_create_page_reset (self);
}

/**
 * hf_create_page_reset:
 * @self: the page
 *
 * Empties the form, drops a vault whose recovery code was never confirmed, and shows the form
 * again.
 */
void
hf_create_page_reset (HfCreatePage *self)
{
  const char *real_name = g_get_real_name ();

  g_return_if_fail (HF_IS_CREATE_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  wipe_recovery_code (self);
  if (self->vault != NULL)
    hf_vault_lock (self->vault);
  g_clear_object (&self->vault);
  g_clear_pointer (&self->failure, g_free);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->owner_row),
                         g_strcmp0 (real_name, "Unknown") != 0 ? real_name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  gtk_check_button_set_active (self->written_check, FALSE);
  gtk_stack_set_visible_child_name (self->stage_stack, "form");

  set_busy (self, FALSE);
  validate (self);
}

gboolean
hf_create_page_get_busy (HfCreatePage *self)
{
  g_return_val_if_fail (HF_IS_CREATE_PAGE (self), FALSE);

  return self->creating || self->vault != NULL;
}

AdwEntryRow *
_hf_create_page_get_name_row (HfCreatePage *self)
{
  return self->name_row;
}

AdwEntryRow *
_hf_create_page_get_owner_row (HfCreatePage *self)
{
  return self->owner_row;
}

AdwEntryRow *
_hf_create_page_get_passphrase_row (HfCreatePage *self)
{
  return self->passphrase_row;
}

AdwEntryRow *
_hf_create_page_get_confirm_row (HfCreatePage *self)
{
  return self->confirm_row;
}

GtkWidget *
_hf_create_page_get_create_button (HfCreatePage *self)
{
  return self->create_button;
}

GtkLabel *
_hf_create_page_get_problem_label (HfCreatePage *self)
{
  return self->problem_label;
}

GtkLabel *
_hf_create_page_get_strength_label (HfCreatePage *self)
{
  return self->strength_label;
}

GtkLabel *
_hf_create_page_get_recovery_label (HfCreatePage *self)
{
  return self->recovery_label;
}

GtkWidget *
_hf_create_page_get_copy_button (HfCreatePage *self)
{
  return self->copy_button;
}

GtkWidget *
_hf_create_page_get_written_check (HfCreatePage *self)
{
  return GTK_WIDGET (self->written_check);
}

GtkWidget *
_hf_create_page_get_continue_button (HfCreatePage *self)
{
  return self->continue_button;
}

const char *
_hf_create_page_get_stage (HfCreatePage *self)
{
  return gtk_stack_get_visible_child_name (self->stage_stack);
}
