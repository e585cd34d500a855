/* hf-unlock-page.c — the passphrase that unlocks a vault
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib/gi18n.h>

#include "hf-error.h"
#include "hf-unlock-page-private.h"
#include "hf-vault.h"
#include "hf-widget-util.h"

struct _HfUnlockPage
{
  GtkWidget      parent_instance;

  char          *path;
  char          *title;
  GCancellable  *cancellable;
  gboolean       busy;

  AdwStatusPage *status_page;
  GtkWidget     *form_box;
  AdwEntryRow   *member_row;
  AdwEntryRow   *passphrase_row;
  GtkLabel      *error_label;
  GtkWidget     *unlock_button;
  GtkStack      *unlock_button_stack;
  GtkSpinner    *unlock_spinner;
};

G_DEFINE_FINAL_TYPE (HfUnlockPage, hf_unlock_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PATH,
  PROP_TITLE,
  PROP_BUSY,
  N_PROPS
};

enum {
  UNLOCKED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
update_action (HfUnlockPage *self)
{
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "unlock-page.unlock",
                                 !self->busy && self->path != NULL && *passphrase != '\0');
}

static void
set_busy (HfUnlockPage *self,
          gboolean      busy)
{
  self->busy = busy;

  if (busy)
    hf_widget_drop_focus (self->form_box);
  gtk_widget_set_sensitive (self->form_box, !busy);
  gtk_stack_set_visible_child_name (self->unlock_button_stack, busy ? "spinner" : "label");
  gtk_spinner_set_spinning (self->unlock_spinner, busy);
  update_action (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (HfUnlockPage *self,
            const char   *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
show_integrity_dialog (HfUnlockPage *self,
                       const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("This Vault Cannot Be Opened Safely"),
                                   NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Healthfolio found signs that the vault was damaged or "
                                    "tampered with, so it did not open it.\n\n%s"),
                                  error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
unlock_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HfUnlockPage) self = HF_UNLOCK_PAGE (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autofree char *message = NULL;

  vault = hf_vault_open_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (vault != NULL)
    {
      g_signal_emit (self, signals[UNLOCKED], 0, vault);
      return;
    }

  /* A wrong passphrase is an ordinary mistake: say so, and let the user type again. */
  if (g_error_matches (error, HF_ERROR, HF_ERROR_AUTH))
    {
      const char *member = gtk_editable_get_text (GTK_EDITABLE (self->member_row));

      show_error (self, *member == '\0' ? _("Wrong passphrase. Try again.")
                                        : _("Wrong member name or passphrase. Try again."));
    }
  else if (g_error_matches (error, HF_ERROR, HF_ERROR_INTEGRITY))
    {
      show_error (self, _("The vault was not opened because it may be damaged."));
      show_integrity_dialog (self, error);
    }
  else
    {
      message = g_strdup_printf (_("The vault could not be unlocked: %s"), error->message);
      show_error (self, message);
    }

  gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HfUnlockPage *self = HF_UNLOCK_PAGE (widget);
  g_autofree char *member = NULL;
  g_autoptr(HfSecret) passphrase = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));

  g_return_if_fail (self->path != NULL);

  member = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->member_row))));
  passphrase = hf_secret_new_from_data (text, strlen (text));

  /* The passphrase lives on only in protected memory. */
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");

  show_error (self, NULL);
  set_busy (self, TRUE);

  /* An empty member name means the owner. */
  hf_vault_open_async (self->path, *member != '\0' ? member : NULL, passphrase,
                       self->cancellable, unlock_cb, g_object_ref (self));
}

static void
passphrase_changed_cb (GtkEditable  *editable,
                       HfUnlockPage *self)
{
  update_action (self);
}

static void
hf_unlock_page_map (GtkWidget *widget)
{
  HfUnlockPage *self = HF_UNLOCK_PAGE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (hf_unlock_page_parent_class)->map (widget);

  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_default_widget (GTK_WINDOW (root), self->unlock_button);
}

static gboolean
hf_unlock_page_grab_focus (GtkWidget *widget)
{
  HfUnlockPage *self = HF_UNLOCK_PAGE (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
}

static void
hf_unlock_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HfUnlockPage *self = HF_UNLOCK_PAGE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_unlock_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HfUnlockPage *self = HF_UNLOCK_PAGE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      hf_unlock_page_set_path (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_unlock_page_dispose (GObject *object)
{
  HfUnlockPage *self = HF_UNLOCK_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_UNLOCK_PAGE);

  G_OBJECT_CLASS (hf_unlock_page_parent_class)->dispose (object);
}

static void
hf_unlock_page_finalize (GObject *object)
{
  HfUnlockPage *self = HF_UNLOCK_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->path);
  g_free (self->title);

  G_OBJECT_CLASS (hf_unlock_page_parent_class)->finalize (object);
}

static void
hf_unlock_page_class_init (HfUnlockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = hf_unlock_page_get_property;
  object_class->set_property = hf_unlock_page_set_property;
  object_class->dispose = hf_unlock_page_dispose;
  object_class->finalize = hf_unlock_page_finalize;

  widget_class->map = hf_unlock_page_map;
  widget_class->grab_focus = hf_unlock_page_grab_focus;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * HfUnlockPage:busy:
   *
   * Whether a key is being derived from the passphrase.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HfUnlockPage::unlocked:
   * @self: the page
   * @vault: the vault, unlocked
   */
  signals[UNLOCKED] =
    g_signal_new ("unlocked",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, HF_TYPE_VAULT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/healthfolio/Healthfolio/"
                                               "vault/hf-unlock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HfUnlockPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, HfUnlockPage, form_box);
  gtk_widget_class_bind_template_child (widget_class, HfUnlockPage, member_row);
  gtk_widget_class_bind_template_child (widget_class, HfUnlockPage, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, HfUnlockPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, HfUnlockPage, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, HfUnlockPage, unlock_button_stack);
  gtk_widget_class_bind_template_child (widget_class, HfUnlockPage, unlock_spinner);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_changed_cb);

  gtk_widget_class_install_action (widget_class, "unlock-page.unlock", NULL, unlock_action);
}

static void
hf_unlock_page_init (HfUnlockPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  update_action (self);
}

const char *
hf_unlock_page_get_path (HfUnlockPage *self)
{
  g_return_val_if_fail (HF_IS_UNLOCK_PAGE (self), NULL);

  return self->path;
}

/**
 * hf_unlock_page_set_path:
 * @self: the page
 * @path: (nullable): the vault's .hfvault file
 *
 * Shows the vault at @path, abandoning an unlock in progress. The member name stays when the
 * vault is the same, so that a caregiver who locked it need not type it again.
 */
void
hf_unlock_page_set_path (HfUnlockPage *self,
                         const char   *path)
{
  gboolean same;

  g_return_if_fail (HF_IS_UNLOCK_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->busy)
    set_busy (self, FALSE);
  show_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");

  same = g_strcmp0 (self->path, path) == 0;
  if (same)
    return;

  g_free (self->path);
  self->path = g_strdup (path);
  g_free (self->title);
  self->title = path != NULL ? hf_vault_dup_display_name (path) : NULL;

  gtk_editable_set_text (GTK_EDITABLE (self->member_row), "");
  adw_status_page_set_title (self->status_page, self->title != NULL ? self->title : "");
  update_action (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/**
 * hf_unlock_page_get_title:
 * @self: the page
 *
 * Returns: (nullable): the vault's name, as shown to the user
 */
const char *
hf_unlock_page_get_title (HfUnlockPage *self)
{
  g_return_val_if_fail (HF_IS_UNLOCK_PAGE (self), NULL);

  return self->title;
}

gboolean
hf_unlock_page_get_busy (HfUnlockPage *self)
{
  g_return_val_if_fail (HF_IS_UNLOCK_PAGE (self), FALSE);

  return self->busy;
}

AdwEntryRow *
_hf_unlock_page_get_member_row (HfUnlockPage *self)
{
  return self->member_row;
}

AdwEntryRow *
_hf_unlock_page_get_passphrase_row (HfUnlockPage *self)
{
  return self->passphrase_row;
}

GtkWidget *
_hf_unlock_page_get_unlock_button (HfUnlockPage *self)
{
  return self->unlock_button;
}

GtkLabel *
_hf_unlock_page_get_error_label (HfUnlockPage *self)
{
  return self->error_label;
}
