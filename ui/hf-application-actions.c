/* hf-application-actions.c — the application's actions and their shortcuts
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "hf-application-private.h"
#include "hf-preferences-window.h"
#include "hf-window.h"

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  HfApplication *self = HF_APPLICATION (user_data);
  g_autoptr(GPtrArray) windows = g_ptr_array_new_with_free_func (g_object_unref);

  /* Closing each window saves its size and locks its vault before the process ends. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    g_ptr_array_add (windows, g_object_ref (l->data));
  for (guint i = 0; i < windows->len; i++)
    gtk_window_close (g_ptr_array_index (windows, i));

  g_application_quit (G_APPLICATION (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  HfApplication *self = HF_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", _("Healthfolio"),
                        "application-icon", HF_APPLICATION_ID,
                        "developer-name", _("The Healthfolio authors"),
                        "version", HF_VERSION,
                        "comments", _("Your health record, kept encrypted on your own computer"),
                        "website", "https://github.com/healthfolio/healthfolio",
                        "issue-url", "https://github.com/healthfolio/healthfolio/issues",
                        "copyright", "© 2026 The Healthfolio authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (about);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  HfApplication *self = HF_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (hf_preferences_window_new (parent)));
}

/* Imports into the vault the active window shows; the window knows whether it may. */
static void
import_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  HfApplication *self = HF_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.import", NULL);
}

/* Another person's vault, side by side: each window holds one vault and locks on its own. */
static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  HfApplication *self = HF_APPLICATION (user_data);
  HfWindow *window = hf_window_new (self);

  hf_window_show_vaults (window);
  gtk_window_present (GTK_WINDOW (window));
}

static const GActionEntry app_entries[] = {
  { .name = "new-window", .activate = new_window_action },
  { .name = "quit", .activate = quit_action },
  { .name = "about", .activate = about_action },
  { .name = "preferences", .activate = preferences_action },
  { .name = "import", .activate = import_action },
};

/* The keyboard shortcuts window (win.show-help-overlay, Ctrl+?) is set up by GTK itself from
 * gtk/help-overlay.ui in the resources. */
static const struct {
  const char *action;
  const char *accels[2];
} app_accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.new-window", { "<Control>n", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "win.lock", { "<Control>l", NULL } },
  { "win.import", { "<Control>i", NULL } },
  { "win.search", { "<Control>f", NULL } },
};

void
_hf_application_add_actions (HfApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_entries, G_N_ELEMENTS (app_entries),
                                   self);

  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           app_accels[i].action,
                                           app_accels[i].accels);
}
