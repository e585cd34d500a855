/* hf-chooser-page.h — the list of vaults to choose from
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HF_TYPE_CHOOSER_PAGE (hf_chooser_page_get_type ())

G_DECLARE_FINAL_TYPE (HfChooserPage, hf_chooser_page, HF, CHOOSER_PAGE, GtkWidget)

void  hf_chooser_page_set_paths    (HfChooserPage *self,
                                    GPtrArray     *paths,
                                    const char    *first);
guint hf_chooser_page_get_n_vaults (HfChooserPage *self);

G_END_DECLS
