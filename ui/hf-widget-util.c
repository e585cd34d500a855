/* hf-widget-util.c — small helpers shared by the widgets
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-widget-util.h"

/**
 * hf_widget_drop_focus:
 * @widget: a widget
 *
 * Takes the keyboard focus away if it is on @widget or inside it. GTK 4.8 does not tell an
 * entry that is made insensitive that it lost the focus, and its cursor goes on blinking; call
 * this before making a form insensitive.
 */
void
hf_widget_drop_focus (GtkWidget *widget)
{
  GtkRoot *root;
  GtkWidget *focus;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  root = gtk_widget_get_root (widget);
  if (root == NULL)
    return;

  focus = gtk_root_get_focus (root);
  if (focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget)))
    gtk_root_set_focus (root, NULL);
}
