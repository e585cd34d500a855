/* hf-timeline-row.c — one record in the timeline, under its month's heading when it starts one
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8's list view has no section headers, so the first record of a month carries the
 * month's heading above itself.
 */

#include "hf-timeline-row.h"
#include "hf-widget-util.h"

struct _HfTimelineRow
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkLabel  *heading_label;
  GtkLabel  *title_label;
  GtkLabel  *subtitle_label;
  GtkLabel  *date_label;
};

G_DEFINE_FINAL_TYPE (HfTimelineRow, hf_timeline_row, GTK_TYPE_WIDGET)

static void
hf_timeline_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), HF_TYPE_TIMELINE_ROW);

  G_OBJECT_CLASS (hf_timeline_row_parent_class)->dispose (object);
}

static void
hf_timeline_row_class_init (HfTimelineRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_timeline_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/healthfolio/Healthfolio/"
                                               "records/hf-timeline-row.ui");
  gtk_widget_class_bind_template_child (widget_class, HfTimelineRow, box);
  gtk_widget_class_bind_template_child (widget_class, HfTimelineRow, heading_label);
  gtk_widget_class_bind_template_child (widget_class, HfTimelineRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, HfTimelineRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, HfTimelineRow, date_label);
}

static void
hf_timeline_row_init (HfTimelineRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
hf_timeline_row_new (void)
{
  return g_object_new (HF_TYPE_TIMELINE_ROW, NULL);
}

/**
 * hf_timeline_row_set_record:
 * @self: the row
 * @record: (nullable): the record shown, or %NULL to empty the row
 * @heading: (nullable): the month's heading when the record starts a month
 */
void
hf_timeline_row_set_record (HfTimelineRow *self,
                            HfRecord      *record,
                            const char    *heading)
{
  g_autofree char *date = NULL;
  const char *subtitle = NULL;

  g_return_if_fail (HF_IS_TIMELINE_ROW (self));
  g_return_if_fail (record == NULL || HF_IS_RECORD (record));

  gtk_label_set_text (self->heading_label, heading != NULL ? heading : "");
  gtk_widget_set_visible (GTK_WIDGET (self->heading_label), heading != NULL);

  if (record != NULL)
    {
      date = hf_format_date (hf_record_get_effective (record));
      subtitle = hf_record_get_subtitle (record);
    }
  gtk_label_set_text (self->title_label, record != NULL ? hf_record_get_title (record) : "");
  gtk_label_set_text (self->subtitle_label, subtitle != NULL ? subtitle : "");
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), subtitle != NULL);
  gtk_label_set_text (self->date_label, date != NULL ? date : "");
}

/* Returns: (nullable): the month's heading the row shows */
const char *
hf_timeline_row_get_heading (HfTimelineRow *self)
{
  g_return_val_if_fail (HF_IS_TIMELINE_ROW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->heading_label)))
    return NULL;
  return gtk_label_get_text (self->heading_label);
}
