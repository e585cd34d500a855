/* hf-timeline-row.h — one record in the timeline, under its month's heading when it starts one
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "hf-record-list.h"

G_BEGIN_DECLS

#define HF_TYPE_TIMELINE_ROW (hf_timeline_row_get_type ())

G_DECLARE_FINAL_TYPE (HfTimelineRow, hf_timeline_row, HF, TIMELINE_ROW, GtkWidget)

GtkWidget  *hf_timeline_row_new        (void);
void        hf_timeline_row_set_record (HfTimelineRow *self,
                                        HfRecord      *record,
                                        const char    *heading);
const char *hf_timeline_row_get_heading (HfTimelineRow *self);

G_END_DECLS
