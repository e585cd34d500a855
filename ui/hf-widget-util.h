/* hf-widget-util.h — small helpers shared by the widgets
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void hf_widget_drop_focus (GtkWidget *widget);

G_END_DECLS
