/* hf-application.h — the Healthfolio application
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HF_TYPE_APPLICATION (hf_application_get_type ())

G_DECLARE_FINAL_TYPE (HfApplication, hf_application, HF, APPLICATION, AdwApplication)

HfApplication *hf_application_new      (void);
void           hf_application_lock_all (HfApplication *self,
                                        const char    *reason);

G_END_DECLS
