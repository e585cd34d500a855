/* hf-chooser-page.c — the list of vaults to choose from
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-chooser-page.h"
#include "hf-vault.h"

struct _HfChooserPage
{
  GtkWidget      parent_instance;

  GtkStringList *paths;

  AdwStatusPage *status_page;
  GtkListBox    *vault_list;
};

G_DEFINE_FINAL_TYPE (HfChooserPage, hf_chooser_page, GTK_TYPE_WIDGET)

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
hf_chooser_page_dispose (GObject *object)
{
  HfChooserPage *self = HF_CHOOSER_PAGE (object);

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
                                               "hf-chooser-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HfChooserPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, HfChooserPage, vault_list);
}

static void
hf_chooser_page_init (HfChooserPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

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
