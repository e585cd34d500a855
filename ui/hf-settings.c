/* hf-settings.c — the application's GSettings, when its schema is installed
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-settings.h"

/* The schema's defaults, used when it is not installed. */
#define DEFAULT_AUTO_LOCK_MINUTES       5
#define DEFAULT_LOCK_ON_SESSION_LOCK    TRUE
#define DEFAULT_CLEAR_CLIPBOARD_SECONDS 30

/**
 * hf_settings_new:
 *
 * GSettings aborts on a schema it cannot find, which would make an uninstalled build unusable;
 * this looks the schema up first.
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL when the schema is not installed
 */
GSettings *
hf_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, HF_APPLICATION_ID, TRUE);

  if (schema == NULL)
    {
      g_debug ("Settings schema %s is not installed; using defaults", HF_APPLICATION_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

guint
hf_settings_get_auto_lock_minutes (GSettings *settings)
{
  if (settings == NULL)
    return DEFAULT_AUTO_LOCK_MINUTES;

  return g_settings_get_uint (settings, "auto-lock-minutes");
}

gboolean
hf_settings_get_lock_on_session_lock (GSettings *settings)
{
  if (settings == NULL)
    return DEFAULT_LOCK_ON_SESSION_LOCK;

  return g_settings_get_boolean (settings, "lock-on-session-lock");
}

guint
hf_settings_get_clear_clipboard_seconds (GSettings *settings)
{
  if (settings == NULL)
    return DEFAULT_CLEAR_CLIPBOARD_SECONDS;

  return g_settings_get_uint (settings, "clear-clipboard-seconds");
}
