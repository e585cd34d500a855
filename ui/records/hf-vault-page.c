/* hf-vault-page.c — an unlocked vault: categories, the timeline and one record
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The vault's connection is not to be shared between threads, and an import holds a write
 * transaction on it: while an import runs, the page shows its progress and drops every model
 * that could read from the vault, and builds them again when it is done.
 */

#include <string.h>

#include <glib/gi18n.h>

#include "hf-import.h"
#include "hf-record-detail.h"
#include "hf-record-list.h"
#include "hf-timeline-row.h"
#include "hf-vault-page-private.h"
#include "hf-widget-util.h"

#define SEARCH_LIMIT 500

struct _HfVaultPage
{
  GtkWidget           parent_instance;

  HfVault            *vault;
  char               *title;
  char               *subtitle;
  char               *category;       /* the sidebar's choice; NULL for every record */
  GtkSingleSelection *selection;      /* over the timeline or the search results */
  gboolean            searching;
  gboolean            updating;       /* the page, not the user, is changing the selection */
  GCancellable       *import_cancellable;
  char               *last_message;
  AdwToast           *toast;
  guint               notify_source;

  AdwToastOverlay    *toast_overlay;
  GtkStack           *stack;
  AdwStatusPage      *status_page;
  GtkProgressBar     *import_progress;
  GtkLabel           *import_label;
  GtkButton          *cancel_button;
  AdwLeaflet         *leaflet;
  GtkWidget          *sidebar;
  GtkListBox         *category_list;
  GtkWidget          *timeline;
  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkStack           *timeline_stack;
  GtkListView        *list_view;
  AdwStatusPage      *timeline_status;
  HfRecordDetail     *detail;
};

G_DEFINE_FINAL_TYPE (HfVaultPage, hf_vault_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VAULT,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_IMPORTING,
  PROP_CAN_IMPORT,
  PROP_CAN_GO_BACK,
  PROP_SEARCH_MODE,
  PROP_CAN_SEARCH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
role_label (HfRole role)
{
  switch (role)
    {
    case HF_ROLE_OWNER:
      return _("owner");
    case HF_ROLE_CAREGIVER:
      return _("caregiver");
    case HF_ROLE_CAREGIVER_READ_ONLY:
      return _("caregiver, read-only");
    case HF_ROLE_RECOVERY:
      return _("recovery code");
    default:
      return _("unknown role");
    }
}

/* {{{ messages */

static void
show_toast (HfVaultPage *self,
            const char  *message)
{
  g_free (self->last_message);
  self->last_message = g_strdup (message);

  /* A newer result replaces the one before rather than waiting behind it. */
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  g_set_object (&self->toast, adw_toast_new (message));
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (self->toast));
}

static void
show_error (HfVaultPage *self,
            const char  *heading,
            const char  *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  g_free (self->last_message);
  self->last_message = g_strdup (message);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* }}} */

/* {{{ navigation */

static gboolean
can_go_back (HfVaultPage *self)
{
  return self->vault != NULL &&
         g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "records") == 0 &&
         adw_leaflet_get_folded (self->leaflet) &&
         adw_leaflet_get_visible_child (self->leaflet) != self->sidebar;
}

static gboolean
notify_can_go_back_cb (gpointer user_data)
{
  HfVaultPage *self = HF_VAULT_PAGE (user_data);

  self->notify_source = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
  return G_SOURCE_REMOVE;
}

/* The leaflet folds while it is being allocated; the header bar that shows a back button for
 * it has been allocated already by then, so it is told afterwards. */
static void
leaflet_changed_cb (HfVaultPage *self)
{
  if (self->notify_source == 0)
    self->notify_source = g_idle_add (notify_can_go_back_cb, self);
}

static void
navigate_to (HfVaultPage *self,
             GtkWidget   *pane)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, pane);
}

/* }}} */

/* {{{ the timeline */

static void
row_setup_cb (HfVaultPage  *self,
              GtkListItem  *item)
{
  gtk_list_item_set_child (item, hf_timeline_row_new ());
}

static void
row_bind_cb (HfVaultPage *self,
             GtkListItem *item)
{
  HfRecord *record = gtk_list_item_get_item (item);
  guint position = gtk_list_item_get_position (item);
  g_autofree char *heading = NULL;

  /* Search results are in order of relevance, not of time: no months between them. */
  if (record != NULL && !self->searching)
    {
      g_autoptr(HfRecord) previous = NULL;

      if (position > 0)
        previous = g_list_model_get_item (G_LIST_MODEL (self->selection), position - 1);
      if (previous == NULL ||
          !hf_same_month (hf_record_get_effective (previous), hf_record_get_effective (record)))
        heading = hf_format_month (hf_record_get_effective (record));
    }

  hf_timeline_row_set_record (HF_TIMELINE_ROW (gtk_list_item_get_child (item)), record,
                              heading);
}

static void
row_unbind_cb (HfVaultPage *self,
               GtkListItem *item)
{
  hf_timeline_row_set_record (HF_TIMELINE_ROW (gtk_list_item_get_child (item)), NULL, NULL);
}

static void
show_record (HfVaultPage *self,
             HfRecord    *record)
{
  g_autoptr(GError) error = NULL;

  if (record == NULL || self->vault == NULL)
    {
      hf_record_detail_clear (self->detail);
      return;
    }

  if (!hf_record_detail_show (self->detail, self->vault, hf_record_get_id (record), &error))
    {
      hf_record_detail_clear (self->detail);
      show_error (self, _("Could Not Open the Record"), error->message);
    }
}

static void
selection_changed_cb (HfVaultPage *self)
{
  HfRecord *record = gtk_single_selection_get_selected_item (self->selection);

  show_record (self, record);
  if (record != NULL && !self->updating)
    navigate_to (self, GTK_WIDGET (self->detail));
}

static void
row_activated_cb (HfVaultPage *self,
                  guint        position)
{
  navigate_to (self, GTK_WIDGET (self->detail));
}

static void
set_model (HfVaultPage *self,
           GListModel  *model)
{
  self->updating = TRUE;
  /* Unselected first: with a selected item, GtkSingleSelection looks for it among all the new
   * items, which would read every page of a lazy model. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_single_selection_set_model (self->selection, NULL);
  gtk_single_selection_set_model (self->selection, model);
  self->updating = FALSE;
  hf_record_detail_clear (self->detail);
}

static void
show_timeline_status (HfVaultPage *self,
                      const char  *icon_name,
                      const char  *title,
                      const char  *description)
{
  adw_status_page_set_icon_name (self->timeline_status, icon_name);
  adw_status_page_set_title (self->timeline_status, title);
  adw_status_page_set_description (self->timeline_status, description);
  gtk_stack_set_visible_child_name (self->timeline_stack, "empty");
}

static void
load_timeline (HfVaultPage *self)
{
  g_autoptr(HfRecordList) list = NULL;
  g_autoptr(GError) error = NULL;

  list = hf_record_list_new (self->vault, self->category, &error);
  if (list == NULL)
    {
      set_model (self, NULL);
      show_timeline_status (self, "dialog-error-symbolic", _("Could Not Read the Records"),
                            error->message);
      return;
    }

  set_model (self, G_LIST_MODEL (list));
  if (g_list_model_get_n_items (G_LIST_MODEL (list)) == 0)
    {
      g_autofree char *title = NULL;

      if (self->category != NULL)
        /* Translators: %s is a category, e.g. "Allergies". */
        title = g_strdup_printf (_("No %s"), hf_category_get_label (self->category));
      else
        title = g_strdup (_("No Records"));
      show_timeline_status (self, "view-list-symbolic", title,
                            _("None of the imported records is in this category."));
    }
  else
    gtk_stack_set_visible_child_name (self->timeline_stack, "list");
}

static void
run_search (HfVaultPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GListStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  if (self->vault == NULL)
    return;

  if (text[strspn (text, " \t\n\r")] == '\0')
    {
      self->searching = FALSE;
      load_timeline (self);
      return;
    }

  self->searching = TRUE;
  rows = hf_record_store_search (self->vault, text, SEARCH_LIMIT, &error);
  if (rows == NULL)
    {
      set_model (self, NULL);
      show_timeline_status (self, "dialog-error-symbolic", _("Could Not Search"),
                            error->message);
      return;
    }

  store = g_list_store_new (HF_TYPE_RECORD);
  /* The rows move into the items, which free them. */
  g_ptr_array_set_free_func (rows, NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(HfRecord) record = hf_record_new (g_ptr_array_index (rows, i));

      g_list_store_append (store, record);
    }

  set_model (self, G_LIST_MODEL (store));
  if (rows->len == 0)
    show_timeline_status (self, "edit-find-symbolic", _("No Results"),
                          _("No record mentions these words. Try fewer or other words."));
  else
    gtk_stack_set_visible_child_name (self->timeline_stack, "list");
}

static void
search_changed_cb (HfVaultPage *self)
{
  run_search (self);
}

static void
search_mode_cb (HfVaultPage *self)
{
  /* Leaving the search (Escape) goes back to the timeline it started from. */
  if (!gtk_search_bar_get_search_mode (self->search_bar))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      if (self->searching)
        {
          self->searching = FALSE;
          if (self->vault != NULL)
            load_timeline (self);
        }
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_MODE]);
}

/* }}} */

/* {{{ the sidebar */

static GtkWidget *
category_row_new (const char *category,
                  const char *label,
                  guint64     count)
{
  g_autofree char *count_text = g_strdup_printf ("%" G_GUINT64_FORMAT, count);
  g_autofree char *description = NULL;
  GtkWidget *row, *box, *name, *number;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  name = gtk_label_new (label);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_box_append (GTK_BOX (box), name);

  number = gtk_label_new (count_text);
  gtk_widget_add_css_class (number, "dim-label");
  gtk_widget_add_css_class (number, "numeric");
  gtk_box_append (GTK_BOX (box), number);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  if (count == 0)
    gtk_widget_add_css_class (row, "dim-label");
  g_object_set_data_full (G_OBJECT (row), "category", g_strdup (category), g_free);

  /* Translators: a category of the sidebar and how many records it holds. */
  description = g_strdup_printf (ngettext ("%s, %s record", "%s, %s records", (gulong) count),
                                 label, count_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
  return row;
}

static gboolean
load_categories (HfVaultPage  *self,
                 guint64      *total,
                 GError      **error)
{
  g_autoptr(GHashTable) counts = NULL;
  GtkListBoxRow *selected = NULL;
  GtkWidget *child;

  counts = hf_record_store_count_categories (self->vault, total, error);
  if (counts == NULL)
    return FALSE;

  self->updating = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->category_list))) != NULL)
    gtk_list_box_remove (self->category_list, child);

  gtk_list_box_append (self->category_list, category_row_new (NULL, _("All Records"), *total));
  for (guint i = 0; i < hf_category_get_n (); i++)
    {
      const char *id = hf_category_get_id (i);
      GtkWidget *row = category_row_new (id, hf_category_get_label (id),
                                         GPOINTER_TO_SIZE (g_hash_table_lookup (counts, id)));

      gtk_list_box_append (self->category_list, row);
      if (g_strcmp0 (id, self->category) == 0)
        selected = GTK_LIST_BOX_ROW (row);
    }
  if (selected == NULL)
    {
      g_clear_pointer (&self->category, g_free);
      selected = gtk_list_box_get_row_at_index (self->category_list, 0);
    }
  gtk_list_box_select_row (self->category_list, selected);
  self->updating = FALSE;

  return TRUE;
}

static void
category_selected_cb (HfVaultPage   *self,
                      GtkListBoxRow *row)
{
  if (row == NULL || self->updating || self->vault == NULL)
    return;

  g_free (self->category);
  self->category = g_strdup (g_object_get_data (G_OBJECT (row), "category"));

  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  load_timeline (self);
}

static void
category_activated_cb (HfVaultPage   *self,
                       GtkListBoxRow *row)
{
  navigate_to (self, self->timeline);
}

/* }}} */

/* Reads the vault again from scratch: after unlocking and after an import. */
static void
reload (HfVaultPage *self)
{
  g_autoptr(GError) error = NULL;
  guint64 total = 0;

  gtk_search_bar_set_search_mode (self->search_bar, FALSE);

  if (!load_categories (self, &total, &error))
    {
      set_model (self, NULL);
      adw_status_page_set_title (self->status_page, _("Could Not Read the Records"));
      adw_status_page_set_description (self->status_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  adw_status_page_set_title (self->status_page, _("No Records Yet"));
  adw_status_page_set_description (self->status_page,
                                   _("Import the files your patient portal or another health "
                                     "app gave you: FHIR JSON, NDJSON from a bulk export, or a "
                                     "folder of them. They are kept encrypted on this "
                                     "computer. You can also drop files here."));
  if (total == 0)
    {
      set_model (self, NULL);
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
  else
    {
      load_timeline (self);
      gtk_stack_set_visible_child_name (self->stack, "records");
      /* On a phone the timeline is what the user came for; the categories are one step back. */
      adw_leaflet_set_visible_child (self->leaflet, self->timeline);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
}

/* {{{ importing */

typedef struct
{
  HfVault  *vault;
  GStrv     paths;
  GWeakRef  page;

  GMutex    mutex;           /* guards what follows, written by the import's thread */
  char     *file;
  guint64   resources;
  guint64   bytes_done;
  guint64   bytes_total;
  gint      update_pending;  /* atomic */
} ImportJob;

static void
import_job_clear (gpointer data)
{
  ImportJob *job = data;

  g_clear_object (&job->vault);
  g_strfreev (job->paths);
  g_weak_ref_clear (&job->page);
  g_mutex_clear (&job->mutex);
  g_free (job->file);
}

static void
import_job_unref (gpointer job)
{
  g_atomic_rc_box_release_full (job, import_job_clear);
}

static gboolean
import_progress_idle_cb (gpointer data)
{
  ImportJob *job = data;
  g_autoptr(HfVaultPage) self = g_weak_ref_get (&job->page);
  g_autofree char *file = NULL;
  g_autofree char *number = NULL;
  g_autofree char *text = NULL;
  guint64 resources, done, total;

  g_atomic_int_set (&job->update_pending, 0);

  g_mutex_lock (&job->mutex);
  file = g_strdup (job->file);
  resources = job->resources;
  done = job->bytes_done;
  total = job->bytes_total;
  g_mutex_unlock (&job->mutex);

  if (self == NULL || self->import_cancellable == NULL)
    return G_SOURCE_REMOVE;

  gtk_progress_bar_set_fraction (self->import_progress,
                                 total > 0 ? (double) done / (double) total : 0.0);
  number = g_strdup_printf ("%" G_GUINT64_FORMAT, resources);
  if (file != NULL)
    {
      g_autofree char *name = g_path_get_basename (file);

      /* Translators: the first %s is a number of records, the second a file's name. */
      text = g_strdup_printf (ngettext ("%s record read · %s", "%s records read · %s",
                                        (gulong) resources),
                              number, name);
    }
  else
    /* Translators: %s is a number. */
    text = g_strdup_printf (ngettext ("%s record read", "%s records read", (gulong) resources),
                            number);
  gtk_label_set_text (self->import_label, text);

  return G_SOURCE_REMOVE;
}

/* In the import's thread: keeps the latest figures, and asks the main loop to show them
 * unless it has been asked already and not got round to it. */
static void
import_progress_cb (const char *file,
                    guint64     resources,
                    guint64     bytes_done,
                    guint64     bytes_total,
                    gpointer    user_data)
{
  ImportJob *job = user_data;

  g_mutex_lock (&job->mutex);
  if (g_strcmp0 (job->file, file) != 0)
    {
      g_free (job->file);
      job->file = g_strdup (file);
    }
  job->resources = resources;
  job->bytes_done = bytes_done;
  job->bytes_total = bytes_total;
  g_mutex_unlock (&job->mutex);

  if (g_atomic_int_compare_and_exchange (&job->update_pending, 0, 1))
    g_idle_add_full (G_PRIORITY_DEFAULT, import_progress_idle_cb,
                     g_atomic_rc_box_acquire (job), import_job_unref);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportJob *job = task_data;
  g_autoptr(HfImportResult) result = NULL;
  GError *error = NULL;

  if (!hf_vault_import_files (job->vault, (const char * const *) job->paths,
                              import_progress_cb, job, cancellable, &result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&result),
                           (GDestroyNotify) hf_import_result_free);
}

static void
set_importing (HfVaultPage  *self,
               GCancellable *cancellable)
{
  g_set_object (&self->import_cancellable, cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMPORTING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_IMPORT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  HfVaultPage *self = HF_VAULT_PAGE (object);
  ImportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(HfImportResult) imported = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  imported = g_task_propagate_pointer (G_TASK (result), &error);

  /* Locked or closed while the import ran: the lock waited for the thread to let go. */
  if (self->vault != job->vault)
    {
      hf_vault_lock (job->vault);
      return;
    }

  set_importing (self, NULL);
  reload (self);

  if (imported == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, _("Import cancelled; the vault is as it was"));
      else
        show_error (self, _("Could Not Import"), error->message);
      return;
    }

  if (imported->added + imported->updated == 0)
    message = g_strdup (_("Nothing new: these records are in the vault already"));
  else
    {
      guint64 n = imported->added + imported->updated;
      g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, n);

      /* Translators: %s is a number. */
      message = g_strdup_printf (ngettext ("Imported %s record", "Imported %s records",
                                           (gulong) n),
                                 number);
    }
  show_toast (self, message);
}

/* }}} */

static void
hf_vault_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HfVaultPage *self = HF_VAULT_PAGE (object);

  switch (prop_id)
    {
    case PROP_VAULT:
      g_value_set_object (value, self->vault);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;

    case PROP_IMPORTING:
      g_value_set_boolean (value, hf_vault_page_get_importing (self));
      break;

    case PROP_CAN_IMPORT:
      g_value_set_boolean (value, hf_vault_page_get_can_import (self));
      break;

    case PROP_CAN_GO_BACK:
      g_value_set_boolean (value, hf_vault_page_get_can_go_back (self));
      break;

    case PROP_SEARCH_MODE:
      g_value_set_boolean (value, hf_vault_page_get_search_mode (self));
      break;

    case PROP_CAN_SEARCH:
      g_value_set_boolean (value, hf_vault_page_get_can_search (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
stage_changed_cb (HfVaultPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_SEARCH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
}

static void
hf_vault_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HfVaultPage *self = HF_VAULT_PAGE (object);

  switch (prop_id)
    {
    case PROP_VAULT:
      hf_vault_page_set_vault (self, g_value_get_object (value));
      break;

    case PROP_SEARCH_MODE:
      hf_vault_page_set_search_mode (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_clicked_cb (HfVaultPage *self)
{
  if (self->import_cancellable != NULL)
    {
      g_cancellable_cancel (self->import_cancellable);
      gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
      gtk_label_set_text (self->import_label, _("Cancelling…"));
    }
}

static void
hf_vault_page_dispose (GObject *object)
{
  HfVaultPage *self = HF_VAULT_PAGE (object);

  /* The import's thread lets go of the vault soon after; its callback then locks it. */
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->import_cancellable);
  g_clear_handle_id (&self->notify_source, g_source_remove);

  if (self->selection != NULL)
    gtk_single_selection_set_model (self->selection, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_VAULT_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->toast);
  g_clear_object (&self->vault);

  G_OBJECT_CLASS (hf_vault_page_parent_class)->dispose (object);
}

static void
hf_vault_page_finalize (GObject *object)
{
  HfVaultPage *self = HF_VAULT_PAGE (object);

  g_free (self->title);
  g_free (self->subtitle);
  g_free (self->category);
  g_free (self->last_message);

  G_OBJECT_CLASS (hf_vault_page_parent_class)->finalize (object);
}

static void
hf_vault_page_class_init (HfVaultPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = hf_vault_page_get_property;
  object_class->set_property = hf_vault_page_set_property;
  object_class->dispose = hf_vault_page_dispose;
  object_class->finalize = hf_vault_page_finalize;

  properties[PROP_VAULT] =
    g_param_spec_object ("vault", NULL, NULL,
                         HF_TYPE_VAULT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * HfVaultPage:title:
   *
   * The vault's name, for the header bar.
   */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * HfVaultPage:subtitle:
   *
   * Who unlocked the vault, and in which role, for the header bar.
   */
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * HfVaultPage:importing:
   *
   * Whether an import is running: the vault is not to be read or locked until it ends.
   */
  properties[PROP_IMPORTING] =
    g_param_spec_boolean ("importing", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * HfVaultPage:can-import:
   *
   * Whether the member may import records now.
   */
  properties[PROP_CAN_IMPORT] =
    g_param_spec_boolean ("can-import", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * HfVaultPage:can-go-back:
   *
   * Whether a narrow window shows a pane that has another one before it.
   */
  properties[PROP_CAN_GO_BACK] =
    g_param_spec_boolean ("can-go-back", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * HfVaultPage:search-mode:
   *
   * Whether the search bar is open.
   */
  properties[PROP_SEARCH_MODE] =
    g_param_spec_boolean ("search-mode", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * HfVaultPage:can-search:
   *
   * Whether there are records to search, and nothing keeps the page from reading them.
   */
  properties[PROP_CAN_SEARCH] =
    g_param_spec_boolean ("can-search", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HF_TYPE_RECORD_DETAIL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/healthfolio/Healthfolio/"
                                               "records/hf-vault-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, stack);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, import_progress);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, import_label);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, sidebar);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, category_list);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, timeline);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, search_bar);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, timeline_stack);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, timeline_status);
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, detail);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stage_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, category_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, category_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_mode_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_unbind_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
}

static void
hf_vault_page_init (HfVaultPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
}

/**
 * hf_vault_page_get_vault:
 * @self: the page
 *
 * Returns: (transfer none) (nullable): the vault shown
 */
HfVault *
hf_vault_page_get_vault (HfVaultPage *self)
{
  g_return_val_if_fail (HF_IS_VAULT_PAGE (self), NULL);

  return self->vault;
}

/**
 * hf_vault_page_set_vault:
 * @self: the page
 * @vault: (nullable): an unlocked vault, or %NULL once it is locked
 *
 * Shows @vault's records, or with %NULL drops everything read from the vault before. An import
 * that is running is cancelled, and the vault it writes to is locked once it has let go.
 */
void
hf_vault_page_set_vault (HfVaultPage *self,
                         HfVault     *vault)
{
  g_return_if_fail (HF_IS_VAULT_PAGE (self));
  g_return_if_fail (vault == NULL || HF_IS_VAULT (vault));

  if (self->vault == vault)
    return;

  if (self->import_cancellable != NULL)
    {
      g_cancellable_cancel (self->import_cancellable);
      set_importing (self, NULL);
    }

  /* Nothing read from the old vault stays behind in a model or a widget. */
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  self->searching = FALSE;
  set_model (self, NULL);
  g_clear_pointer (&self->category, g_free);

  g_set_object (&self->vault, vault);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->subtitle, g_free);

  if (vault != NULL)
    {
      self->title = hf_vault_dup_display_name (hf_vault_get_path (vault));
      /* Translators: the first %s is a member's name, the second their role, e.g. "owner". */
      self->subtitle = g_strdup_printf (_("Unlocked as %s (%s)"),
                                        hf_vault_get_member_name (vault),
                                        role_label (hf_vault_get_member_role (vault)));
      reload (self);
    }
  else
    {
      GtkWidget *child;

      self->updating = TRUE;
      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->category_list))) != NULL)
        gtk_list_box_remove (self->category_list, child);
      self->updating = FALSE;
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VAULT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTITLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_IMPORT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
}

/**
 * hf_vault_page_get_title:
 * @self: the page
 *
 * Returns: (nullable): the vault's name
 */
const char *
hf_vault_page_get_title (HfVaultPage *self)
{
  g_return_val_if_fail (HF_IS_VAULT_PAGE (self), NULL);

  return self->title;
}

/**
 * hf_vault_page_get_subtitle:
 * @self: the page
 *
 * Returns: (nullable): who unlocked the vault, in which role
 */
const char *
hf_vault_page_get_subtitle (HfVaultPage *self)
{
  g_return_val_if_fail (HF_IS_VAULT_PAGE (self), NULL);

  return self->subtitle;
}

gboolean
hf_vault_page_get_importing (HfVaultPage *self)
{
  g_return_val_if_fail (HF_IS_VAULT_PAGE (self), FALSE);

  return self->import_cancellable != NULL;
}

gboolean
hf_vault_page_get_can_import (HfVaultPage *self)
{
  g_return_val_if_fail (HF_IS_VAULT_PAGE (self), FALSE);

  return self->vault != NULL && self->import_cancellable == NULL &&
         hf_role_allows (hf_vault_get_member_role (self->vault), HF_PERMISSION_WRITE_RECORDS);
}

gboolean
hf_vault_page_get_folded (HfVaultPage *self)
{
  g_return_val_if_fail (HF_IS_VAULT_PAGE (self), FALSE);

  return adw_leaflet_get_folded (self->leaflet);
}

gboolean
hf_vault_page_get_can_go_back (HfVaultPage *self)
{
  g_return_val_if_fail (HF_IS_VAULT_PAGE (self), FALSE);

  return self->import_cancellable == NULL && can_go_back (self);
}

/**
 * hf_vault_page_go_back:
 * @self: the page
 *
 * In a narrow window, shows the pane before the one shown: the timeline before a record, the
 * categories before the timeline.
 */
void
hf_vault_page_go_back (HfVaultPage *self)
{
  g_return_if_fail (HF_IS_VAULT_PAGE (self));

  if (hf_vault_page_get_can_go_back (self))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

gboolean
hf_vault_page_get_can_search (HfVaultPage *self)
{
  g_return_val_if_fail (HF_IS_VAULT_PAGE (self), FALSE);

  return self->vault != NULL &&
         g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "records") == 0;
}

gboolean
hf_vault_page_get_search_mode (HfVaultPage *self)
{
  g_return_val_if_fail (HF_IS_VAULT_PAGE (self), FALSE);

  return gtk_search_bar_get_search_mode (self->search_bar);
}

/**
 * hf_vault_page_set_search_mode:
 * @self: the page
 * @search_mode: whether to search
 *
 * Opens the search bar over the timeline, with the focus in it, or closes it and shows the
 * timeline again.
 */
void
hf_vault_page_set_search_mode (HfVaultPage *self,
                               gboolean     search_mode)
{
  g_return_if_fail (HF_IS_VAULT_PAGE (self));

  search_mode = search_mode && hf_vault_page_get_can_search (self);
  if (search_mode == gtk_search_bar_get_search_mode (self->search_bar))
    return;

  gtk_search_bar_set_search_mode (self->search_bar, search_mode);
  if (search_mode)
    {
      navigate_to (self, self->timeline);
      gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
    }
}

/**
 * hf_vault_page_import_files:
 * @self: the page
 * @paths: files and folders of FHIR records
 *
 * Imports @paths in a thread, showing its progress with a way to cancel it, and the records
 * afterwards; the result is told in a toast, a failure in a dialog.
 */
void
hf_vault_page_import_files (HfVaultPage        *self,
                            const char * const *paths)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GTask) task = NULL;
  ImportJob *job;

  g_return_if_fail (HF_IS_VAULT_PAGE (self));
  g_return_if_fail (paths != NULL && paths[0] != NULL);

  if (!hf_vault_page_get_can_import (self))
    return;

  job = g_atomic_rc_box_new0 (ImportJob);
  job->vault = g_object_ref (self->vault);
  job->paths = g_strdupv ((char **) paths);
  g_weak_ref_init (&job->page, self);
  g_mutex_init (&job->mutex);

  /* From here until the thread is done, nothing may read the vault. */
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  set_model (self, NULL);
  gtk_progress_bar_set_fraction (self->import_progress, 0.0);
  gtk_label_set_text (self->import_label, _("Starting…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "importing");

  cancellable = g_cancellable_new ();
  set_importing (self, cancellable);
  gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));

  task = g_task_new (self, cancellable, import_done_cb, NULL);
  g_task_set_source_tag (task, (gpointer) (guintptr) hf_vault_page_import_files);
  g_task_set_task_data (task, job, import_job_unref);
  g_task_run_in_thread (task, import_thread);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(HfVaultPage) self = user_data;
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (response == GTK_RESPONSE_ACCEPT)
    files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

  for (guint i = 0; files != NULL && i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      char *path = g_file_get_path (file);

      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  g_ptr_array_add (paths, NULL);

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);

  if (paths->len > 1 && self->vault != NULL)
    hf_vault_page_import_files (self, (const char * const *) paths->pdata);
}

/**
 * hf_vault_page_choose_files:
 * @self: the page
 * @folders: whether to choose folders rather than files
 *
 * Asks which files or folders to import, then imports them.
 */
void
hf_vault_page_choose_files (HfVaultPage *self,
                            gboolean     folders)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) fhir = NULL;
  g_autoptr(GtkFileFilter) all = NULL;

  g_return_if_fail (HF_IS_VAULT_PAGE (self));

  if (!hf_vault_page_get_can_import (self))
    return;

  chooser = gtk_file_chooser_native_new (folders ? _("Import Folders") : _("Import Records"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         folders ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                 : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);

  if (!folders)
    {
      /* The importer knows the format from the content; the filter only helps to find them. */
      fhir = gtk_file_filter_new ();
      gtk_file_filter_set_name (fhir, _("FHIR Records (JSON, NDJSON)"));
      gtk_file_filter_add_mime_type (fhir, "application/json");
      gtk_file_filter_add_mime_type (fhir, "application/fhir+json");
      gtk_file_filter_add_suffix (fhir, "json");
      gtk_file_filter_add_suffix (fhir, "ndjson");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), fhir);

      all = gtk_file_filter_new ();
      gtk_file_filter_set_name (all, _("All Files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
    }

  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

AdwStatusPage *
_hf_vault_page_get_status_page (HfVaultPage *self)
{
  return self->status_page;
}

const char *
_hf_vault_page_get_stage (HfVaultPage *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkListView *
_hf_vault_page_get_list_view (HfVaultPage *self)
{
  return self->list_view;
}

GtkSingleSelection *
_hf_vault_page_get_selection (HfVaultPage *self)
{
  return self->selection;
}

GtkListBox *
_hf_vault_page_get_category_list (HfVaultPage *self)
{
  return self->category_list;
}

GtkEditable *
_hf_vault_page_get_search_entry (HfVaultPage *self)
{
  return GTK_EDITABLE (self->search_entry);
}

HfRecordDetail *
_hf_vault_page_get_detail (HfVaultPage *self)
{
  return self->detail;
}

AdwLeaflet *
_hf_vault_page_get_leaflet (HfVaultPage *self)
{
  return self->leaflet;
}

GtkWidget *
_hf_vault_page_get_cancel_button (HfVaultPage *self)
{
  return GTK_WIDGET (self->cancel_button);
}

const char *
_hf_vault_page_get_last_message (HfVaultPage *self)
{
  return self->last_message;
}
