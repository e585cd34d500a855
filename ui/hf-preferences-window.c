/* hf-preferences-window.c — the preferences: how and when vaults lock
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "hf-preferences-window.h"
#include "hf-settings.h"

struct _HfPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  AdwPreferencesGroup  *locking_group;
  GtkSpinButton        *auto_lock_spin;
  GtkSwitch            *session_lock_switch;
  GtkSpinButton        *clipboard_spin;
};

G_DEFINE_FINAL_TYPE (HfPreferencesWindow, hf_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
hf_preferences_window_dispose (GObject *object)
{
  HfPreferencesWindow *self = HF_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hf_preferences_window_parent_class)->dispose (object);
}

static void
hf_preferences_window_class_init (HfPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/healthfolio/Healthfolio/"
                                               "hf-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HfPreferencesWindow, locking_group);
  gtk_widget_class_bind_template_child (widget_class, HfPreferencesWindow, auto_lock_spin);
  gtk_widget_class_bind_template_child (widget_class, HfPreferencesWindow, session_lock_switch);
  gtk_widget_class_bind_template_child (widget_class, HfPreferencesWindow, clipboard_spin);
}

static void
hf_preferences_window_init (HfPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = hf_settings_new ();

  if (self->settings == NULL)
    {
      adw_preferences_group_set_description (self->locking_group,
                                             _("These settings cannot be changed because the "
                                               "settings schema of Healthfolio is not "
                                               "installed. The defaults apply."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->auto_lock_spin), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->session_lock_switch), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->clipboard_spin), FALSE);
      return;
    }

  g_settings_bind (self->settings, "auto-lock-minutes",
                   self->auto_lock_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "lock-on-session-lock",
                   self->session_lock_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "clear-clipboard-seconds",
                   self->clipboard_spin, "value", G_SETTINGS_BIND_DEFAULT);
}

HfPreferencesWindow *
hf_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (HF_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}
