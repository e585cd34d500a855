/* hf-preferences-window.h — the preferences: how and when vaults lock
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HF_TYPE_PREFERENCES_WINDOW (hf_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (HfPreferencesWindow, hf_preferences_window, HF, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

HfPreferencesWindow *hf_preferences_window_new (GtkWindow *parent);

G_END_DECLS
