/* hf-widget-util.h — small helpers shared by the widgets
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void      hf_widget_drop_focus (GtkWidget  *widget);
char     *hf_format_date       (const char *effective);
char     *hf_format_month      (const char *effective);
gboolean  hf_same_month        (const char *a,
                                const char *b);

guint       hf_category_get_n     (void);
const char *hf_category_get_id    (guint       index);
const char *hf_category_get_label (const char *category);

G_END_DECLS
