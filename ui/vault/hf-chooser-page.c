/* hf-chooser-page.c — the list of vaults to choose from
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "hf-chooser-page.h"
#include "hf-demo.h"
#include "hf-vault.h"

struct _HfChooserPage
{
  GtkWidget      parent_instance;

  GtkStringList *paths;
  GCancellable  *cancellable;   /* the demo vault being made */

  AdwStatusPage *status_page;
  GtkListBox    *vault_list;
  GtkSpinner    *demo_spinner;
};

G_DEFINE_FINAL_TYPE (HfChooserPage, hf_chooser_page, GTK_TYPE_WIDGET)

enum {
  DEMO_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  const char *path = gtk_string_object_get_string (GTK_STRING_OBJECT (item));
  g_autofree char *name = hf_vault_dup_display_name (path);
  GtkWidget *row;

  /* Names come from file names: they are text, not markup. */
  row = g_object_new (ADW_TYPE_ACTION_ROW,
                      "title", name,
                      "use-markup", FALSE,
                      "activatable", TRUE,
                      "tooltip-text", path,
                      NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.open-vault");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", path);

  return row;
}

static void
show_toast (HfChooserPage *self,
            AdwToast      *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
set_demo_busy (HfChooserPage *self,
               gboolean       busy)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chooser.create-demo", !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_spinner), busy);
  gtk_spinner_set_spinning (self->demo_spinner, busy);
}

static void
create_demo_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HfChooserPage) self = HF_CHOOSER_PAGE (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = hf_demo_create_vault_finish (result, &error);
  g_autofree char *message = NULL;
  AdwToast *toast;

  /* The page went away meanwhile: the vault stays on disk, listed next time, but locked. */
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      if (vault != NULL)
        hf_vault_lock (vault);
      return;
    }
  set_demo_busy (self, FALSE);
  if (vault == NULL)
    {
      message = g_strdup_printf (_("The demo vault could not be created: %s"), error->message);
      show_toast (self, adw_toast_new (message));
      return;
    }

  g_signal_emit (self, signals[DEMO_CREATED], 0, vault);

  /* Shown until dismissed: the user needs it to unlock the vault again. */
  message = g_strdup_printf (_("Demo vault passphrase: “%s”"), HF_DEMO_PASSPHRASE);
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 0);
  show_toast (self, toast);
}

static void
create_demo_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  HfChooserPage *self = HF_CHOOSER_PAGE (widget);
  g_autofree char *dir = hf_vault_default_dir ();
  g_autofree char *path = hf_demo_dup_new_path (dir);

  set_demo_busy (self, TRUE);
  hf_demo_create_vault_async (path, self->cancellable, create_demo_cb, g_object_ref (self));
}

static void
hf_chooser_page_dispose (GObject *object)
{
  HfChooserPage *self = HF_CHOOSER_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_CHOOSER_PAGE);
  g_clear_object (&self->paths);

  G_OBJECT_CLASS (hf_chooser_page_parent_class)->dispose (object);
}

static void
hf_chooser_page_class_init (HfChooserPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_chooser_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/healthfolio/Healthfolio/"
                                               "vault/hf-chooser-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HfChooserPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, HfChooserPage, vault_list);
  gtk_widget_class_bind_template_child (widget_class, HfChooserPage, demo_spinner);

  gtk_widget_class_install_action (widget_class, "chooser.create-demo", NULL,
                                   create_demo_action);

  /**
   * HfChooserPage::demo-created:
   * @self: the page
   * @vault: the new demo vault, unlocked
   *
   * Emitted when the user asked for a demo vault and it is ready.
   */
  signals[DEMO_CREATED] =
    g_signal_new ("demo-created",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, HF_TYPE_VAULT);
}

static void
hf_chooser_page_init (HfChooserPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->paths = gtk_string_list_new (NULL);
  gtk_list_box_bind_model (self->vault_list, G_LIST_MODEL (self->paths),
                           create_row, NULL, NULL);
}

/**
 * hf_chooser_page_set_paths:
 * @self: the page
 * @paths: (element-type utf8): the vaults' paths
 * @first: (nullable): a path to list first if it is among @paths, the vault used last
 */
void
hf_chooser_page_set_paths (HfChooserPage *self,
                           GPtrArray     *paths,
                           const char    *first)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;
  gboolean has_first = FALSE;

  g_return_if_fail (HF_IS_CHOOSER_PAGE (self));
  g_return_if_fail (paths != NULL);

  for (guint i = 0; i < paths->len; i++)
    has_first |= g_strcmp0 (g_ptr_array_index (paths, i), first) == 0;

  if (has_first)
    g_strv_builder_add (builder, first);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);

      if (!has_first || g_strcmp0 (path, first) != 0)
        g_strv_builder_add (builder, path);
    }

  strv = g_strv_builder_end (builder);
  gtk_string_list_splice (self->paths, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->paths)),
                          (const char * const *) strv);
}

guint
hf_chooser_page_get_n_vaults (HfChooserPage *self)
{
  g_return_val_if_fail (HF_IS_CHOOSER_PAGE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->paths));
}
