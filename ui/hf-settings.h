/* hf-settings.h — the application's GSettings, when its schema is installed
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSettings *hf_settings_new                         (void);
guint      hf_settings_get_auto_lock_minutes       (GSettings *settings);
gboolean   hf_settings_get_lock_on_session_lock    (GSettings *settings);
guint      hf_settings_get_clear_clipboard_seconds (GSettings *settings);

G_END_DECLS
