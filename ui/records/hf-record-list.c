/* hf-record-list.c — the vault's records as a list model that reads pages as they are needed
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The number of items comes from one count; the items themselves are read a page at a time
 * when a view asks for them, with keyset cursors: the page after a page already read starts at
 * its last row, and a page far from any read one starts at a cursor the store seeks to through
 * its index alone. Only the pages used last are kept, so a long timeline costs what is shown.
 */

#include "hf-record-list.h"

#define PAGE_SIZE 100
#define MAX_PAGES 16

/* {{{ HfRecord */

struct _HfRecord
{
  GObject      parent_instance;

  HfRecordRow *row;
};

G_DEFINE_FINAL_TYPE (HfRecord, hf_record, G_TYPE_OBJECT)

static void
hf_record_finalize (GObject *object)
{
  HfRecord *self = HF_RECORD (object);

  g_clear_pointer (&self->row, hf_record_row_free);

  G_OBJECT_CLASS (hf_record_parent_class)->finalize (object);
}

static void
hf_record_class_init (HfRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hf_record_finalize;
}

static void
hf_record_init (HfRecord *self)
{
}

/**
 * hf_record_new:
 * @row: (transfer full): a row read from the store
 */
HfRecord *
hf_record_new (HfRecordRow *row)
{
  HfRecord *self;

  g_return_val_if_fail (row != NULL, NULL);

  self = g_object_new (HF_TYPE_RECORD, NULL);
  self->row = row;
  return self;
}

gint64
hf_record_get_id (HfRecord *self)
{
  g_return_val_if_fail (HF_IS_RECORD (self), 0);

  return self->row->id;
}

const char *
hf_record_get_resource_type (HfRecord *self)
{
  g_return_val_if_fail (HF_IS_RECORD (self), NULL);

  return self->row->resource_type;
}

const char *
hf_record_get_category (HfRecord *self)
{
  g_return_val_if_fail (HF_IS_RECORD (self), NULL);

  return self->row->category;
}

/* Sortable, "YYYY-MM-DD…", or %NULL for a record without a date. */
const char *
hf_record_get_effective (HfRecord *self)
{
  g_return_val_if_fail (HF_IS_RECORD (self), NULL);

  return self->row->effective;
}

const char *
hf_record_get_title (HfRecord *self)
{
  g_return_val_if_fail (HF_IS_RECORD (self), NULL);

  return self->row->title;
}

const char *
hf_record_get_subtitle (HfRecord *self)
{
  g_return_val_if_fail (HF_IS_RECORD (self), NULL);

  return self->row->subtitle;
}

/* }}} */

/* {{{ HfRecordList */

struct _HfRecordList
{
  GObject    parent_instance;

  HfVault   *vault;
  char      *category;
  guint      n_items;
  GPtrArray *pages;    /* one GPtrArray of HfRecord per page, NULL until read */
  GQueue     recent;   /* indexes of the pages read, the one used last first */
};

static void hf_record_list_model_init (GListModelInterface *iface);

static void
free_page (gpointer page)
{
  if (page != NULL)
    g_ptr_array_unref (page);
}

G_DEFINE_FINAL_TYPE_WITH_CODE (HfRecordList, hf_record_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      hf_record_list_model_init))

static void
hf_record_list_dispose (GObject *object)
{
  HfRecordList *self = HF_RECORD_LIST (object);

  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_queue_clear (&self->recent);
  g_clear_object (&self->vault);

  G_OBJECT_CLASS (hf_record_list_parent_class)->dispose (object);
}

static void
hf_record_list_finalize (GObject *object)
{
  HfRecordList *self = HF_RECORD_LIST (object);

  g_free (self->category);

  G_OBJECT_CLASS (hf_record_list_parent_class)->finalize (object);
}

static void
hf_record_list_class_init (HfRecordListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_record_list_dispose;
  object_class->finalize = hf_record_list_finalize;
}

static void
hf_record_list_init (HfRecordList *self)
{
  g_queue_init (&self->recent);
}

static GType
hf_record_list_get_item_type (GListModel *model)
{
  return HF_TYPE_RECORD;
}

static guint
hf_record_list_get_n_items (GListModel *model)
{
  return HF_RECORD_LIST (model)->n_items;
}

static void
touch_page (HfRecordList *self,
            guint         index)
{
  g_queue_remove (&self->recent, GUINT_TO_POINTER (index));
  g_queue_push_head (&self->recent, GUINT_TO_POINTER (index));

  while (g_queue_get_length (&self->recent) > MAX_PAGES)
    {
      guint old = GPOINTER_TO_UINT (g_queue_pop_tail (&self->recent));

      g_clear_pointer (&g_ptr_array_index (self->pages, old), free_page);
    }
}

/* Where page INDEX starts: after the last row of the nearest page before it that was read,
 * directly when it is the one just before, through a seek otherwise. */
static gboolean
find_start (HfRecordList          *self,
            const HfRecordFilter  *filter,
            guint                  index,
            HfRecordCursor        *cursor,
            GError               **error)
{
  HfRecordCursor known = { NULL, 0 };
  gboolean have_known = FALSE;
  guint64 skip = (guint64) index * PAGE_SIZE;
  gboolean ok;

  for (guint j = index; j-- > 0;)
    {
      GPtrArray *page = g_ptr_array_index (self->pages, j);

      if (page != NULL && page->len > 0)
        {
          HfRecord *last = g_ptr_array_index (page, page->len - 1);

          hf_record_cursor_set (&known, last->row);
          have_known = TRUE;
          skip = (guint64) (index - j - 1) * PAGE_SIZE;
          break;
        }
    }

  if (skip == 0)
    {
      *cursor = known;
      return TRUE;
    }

  ok = hf_record_store_seek (self->vault, filter, have_known ? &known : NULL, skip, cursor,
                             error);
  hf_record_cursor_clear (&known);
  return ok;
}

static GPtrArray *
read_page (HfRecordList  *self,
           guint          index,
           GError       **error)
{
  HfRecordFilter filter = { .category = self->category };
  HfRecordCursor cursor = { NULL, 0 };
  g_autoptr(GPtrArray) rows = NULL;
  GPtrArray *page;

  if (index > 0 && !find_start (self, &filter, index, &cursor, error))
    return NULL;

  rows = hf_record_store_query (self->vault, &filter, index > 0 ? &cursor : NULL, PAGE_SIZE,
                                error);
  hf_record_cursor_clear (&cursor);
  if (rows == NULL)
    return NULL;

  page = g_ptr_array_new_full (rows->len, g_object_unref);
  /* The rows move into the items, which free them. */
  g_ptr_array_set_free_func (rows, NULL);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (page, hf_record_new (g_ptr_array_index (rows, i)));

  return page;
}

static gpointer
hf_record_list_get_item (GListModel *model,
                         guint       position)
{
  HfRecordList *self = HF_RECORD_LIST (model);
  guint index = position / PAGE_SIZE;
  GPtrArray *page;

  if (position >= self->n_items || self->pages == NULL)
    return NULL;

  page = g_ptr_array_index (self->pages, index);
  if (page == NULL)
    {
      g_autoptr(GError) error = NULL;

      page = read_page (self, index, &error);
      if (page == NULL)
        {
          /* A locked vault or a damaged page: the view shows a gap rather than a crash. */
          g_debug ("Could not read records %u–%u: %s", index * PAGE_SIZE,
                   (index + 1) * PAGE_SIZE - 1, error->message);
          return NULL;
        }
      g_ptr_array_index (self->pages, index) = page;
    }
  touch_page (self, index);

  if (position % PAGE_SIZE >= page->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (page, position % PAGE_SIZE));
}

static void
hf_record_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hf_record_list_get_item_type;
  iface->get_n_items = hf_record_list_get_n_items;
  iface->get_item = hf_record_list_get_item;
}

/**
 * hf_record_list_new:
 * @vault: an unlocked vault
 * @category: (nullable): one of `HF_CATEGORY_*`, or %NULL for every record
 * @error: where the reason goes when the records cannot be counted
 *
 * Counts the records, newest first; none is read until asked for. The model does not follow
 * later changes to the vault: make a new one after an import.
 *
 * Returns: (transfer full): the model, or %NULL with @error set
 */
HfRecordList *
hf_record_list_new (HfVault     *vault,
                    const char  *category,
                    GError     **error)
{
  g_autoptr(HfRecordList) self = NULL;
  HfRecordFilter filter = { .category = category };
  guint64 count = 0;
  guint n_pages;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_record_store_count (vault, &filter, &count, error))
    return NULL;

  self = g_object_new (HF_TYPE_RECORD_LIST, NULL);
  self->vault = g_object_ref (vault);
  self->category = g_strdup (category);
  self->n_items = (guint) MIN (count, G_MAXUINT);

  n_pages = self->n_items / PAGE_SIZE + 1;
  self->pages = g_ptr_array_new_full (n_pages, free_page);
  g_ptr_array_set_size (self->pages, n_pages);

  return g_steal_pointer (&self);
}

const char *
hf_record_list_get_category (HfRecordList *self)
{
  g_return_val_if_fail (HF_IS_RECORD_LIST (self), NULL);

  return self->category;
}

/* How many items are held in memory now: for tests that the model stays lazy. */
guint
hf_record_list_get_n_loaded (HfRecordList *self)
{
  guint n = 0;

  g_return_val_if_fail (HF_IS_RECORD_LIST (self), 0);

  for (guint i = 0; i < self->pages->len; i++)
    {
      GPtrArray *page = g_ptr_array_index (self->pages, i);

      n += page != NULL ? page->len : 0;
    }
  return n;
}

/* }}} */
