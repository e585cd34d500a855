/* hf-application.c — the Healthfolio application
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "hf-application-private.h"
#include "hf-settings.h"
#include "hf-window.h"

struct _HfApplication
{
  AdwApplication   parent_instance;

  GSettings       *settings;
  GCancellable    *cancellable;
  GDBusConnection *system_bus;
  guint            sleep_subscription;
};

G_DEFINE_FINAL_TYPE (HfApplication, hf_application, ADW_TYPE_APPLICATION)

/* A window that shows no unlocked vault and is not deriving a key can take another vault. */
static HfWindow *
find_free_window (HfApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (HF_IS_WINDOW (l->data) && hf_window_is_free (l->data))
        return l->data;
    }

  return NULL;
}

static void
hf_application_activate (GApplication *app)
{
  HfApplication *self = HF_APPLICATION (app);
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
  HfWindow *window;
  const char *path;

  if (HF_IS_WINDOW (active))
    {
      gtk_window_present (active);
      return;
    }

  window = hf_window_new (self);
  path = g_getenv ("HEALTHFOLIO_VAULT");

  if (path != NULL && *path != '\0')
    hf_window_open_path (window, path);
  else
    hf_window_show_vaults (window);

  gtk_window_present (GTK_WINDOW (window));
}

static void
hf_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  HfApplication *self = HF_APPLICATION (app);
  HfWindow *reusable = find_free_window (self);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);
      HfWindow *window;

      if (path == NULL)
        {
          g_autofree char *uri = g_file_get_uri (files[i]);

          g_warning ("Cannot open %s: vaults must be local files", uri);
          continue;
        }

      /* Each further vault gets its own window, so that each locks on its own. */
      window = reusable != NULL ? reusable : hf_window_new (self);
      reusable = NULL;

      hf_window_open_path (window, path);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
screensaver_active_changed_cb (HfApplication *self,
                               GParamSpec    *pspec,
                               gpointer       user_data)
{
  gboolean active = FALSE;

  g_object_get (self, "screensaver-active", &active, NULL);

  if (active && hf_settings_get_lock_on_session_lock (self->settings))
    hf_application_lock_all (self, _("Vault locked because the screen was locked"));
}

static void
prepare_for_sleep_cb (GDBusConnection *connection,
                      const char      *sender_name,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *signal_name,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  HfApplication *self = HF_APPLICATION (user_data);
  gboolean starting = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;

  g_variant_get (parameters, "(b)", &starting);

  if (starting && hf_settings_get_lock_on_session_lock (self->settings))
    hf_application_lock_all (self, _("Vault locked because the computer went to sleep"));
}

static void
system_bus_ready_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);
  HfApplication *self;

  if (bus == NULL)
    {
      /* No system bus (a container, a test under Xvfb): the screen lock still locks. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus, so no lock on suspend: %s", error->message);
      return;
    }

  self = HF_APPLICATION (user_data);
  self->system_bus = g_steal_pointer (&bus);
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (self->system_bus,
                                        "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager",
                                        "PrepareForSleep",
                                        "/org/freedesktop/login1",
                                        NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                        prepare_for_sleep_cb,
                                        self,
                                        NULL);
}

static void
hf_application_startup (GApplication *app)
{
  HfApplication *self = HF_APPLICATION (app);

  G_APPLICATION_CLASS (hf_application_parent_class)->startup (app);

  g_set_application_name (_("Healthfolio"));
  gtk_window_set_default_icon_name (HF_APPLICATION_ID);

  self->settings = hf_settings_new ();
  self->cancellable = g_cancellable_new ();

  _hf_application_add_actions (self);

  /* GTK tracks the screen saver only for applications that register with the session. */
  g_signal_connect (self, "notify::screensaver-active",
                    G_CALLBACK (screensaver_active_changed_cb), NULL);
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_ready_cb, self);
}

static void
hf_application_shutdown (GApplication *app)
{
  HfApplication *self = HF_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);

  if (self->sleep_subscription != 0)
    {
      g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
      self->sleep_subscription = 0;
    }

  G_APPLICATION_CLASS (hf_application_parent_class)->shutdown (app);
}

static void
hf_application_dispose (GObject *object)
{
  HfApplication *self = HF_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->system_bus);

  G_OBJECT_CLASS (hf_application_parent_class)->dispose (object);
}

static void
hf_application_class_init (HfApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = hf_application_dispose;

  app_class->activate = hf_application_activate;
  app_class->open = hf_application_open;
  app_class->startup = hf_application_startup;
  app_class->shutdown = hf_application_shutdown;
}

static void
hf_application_init (HfApplication *self)
{
}

HfApplication *
hf_application_new (void)
{
  /* The resources live under the release id, also in the .Devel profile. */
  return g_object_new (HF_TYPE_APPLICATION,
                       "application-id", HF_APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/healthfolio/Healthfolio",
                       "register-session", TRUE,
                       NULL);
}

/**
 * hf_application_lock_all:
 * @self: the application
 * @reason: (nullable): why, shown to the user in each window that had a vault unlocked
 *
 * Locks the vault of every window.
 */
void
hf_application_lock_all (HfApplication *self,
                         const char    *reason)
{
  g_return_if_fail (HF_IS_APPLICATION (self));

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (HF_IS_WINDOW (l->data))
        hf_window_lock (l->data, reason);
    }
}
