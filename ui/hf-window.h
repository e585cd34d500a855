/* hf-window.h — the main window: one vault, from choosing it to unlocked
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hf-application.h"

G_BEGIN_DECLS

#define HF_TYPE_WINDOW (hf_window_get_type ())

G_DECLARE_FINAL_TYPE (HfWindow, hf_window, HF, WINDOW, AdwApplicationWindow)

HfWindow *hf_window_new         (HfApplication *application);
void      hf_window_show_vaults (HfWindow      *self);
void      hf_window_open_path   (HfWindow      *self,
                                 const char    *path);
gboolean  hf_window_is_free     (HfWindow      *self);
void      hf_window_lock        (HfWindow      *self,
                                 const char    *reason);
void      hf_window_add_toast   (HfWindow      *self,
                                 AdwToast      *toast);

G_END_DECLS
