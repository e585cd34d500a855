/* hf-screenshots.c — the main pages, from the demo vault, as PNGs (run by build-aux/screenshots)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: hf-screenshots OUTDIR
 * Makes a demo vault in a temporary data folder and drives a real window through unlock,
 * timeline, record, trend, search, import progress and preferences, at 1280×800 and 360×720,
 * in light and dark: OUTDIR/PAGE-SIZE-SCHEME.png.
 */

#include <glib/gstdio.h>
#include <string.h>

#include "hf-core.h"
#include "hf-application.h"
#include "hf-demo.h"
#include "hf-import.h"
#include "hf-preferences-window.h"
#include "hf-record-detail-private.h"
#include "hf-record-list.h"
#include "hf-secure.h"
#include "hf-unlock-page-private.h"
#include "hf-vault-page-private.h"
#include "hf-window-private.h"

static const char *out_dir;
static guint n_saved;

static gboolean
frame_cb (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* Lets the window lay out and draw what just changed. */
static void
settle (GtkWidget *widget)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, frame_cb, &frames, NULL);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (frames < 4 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, id);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_for (Condition   cond,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
save (GtkWindow  *window,
      const char *page,
      const char *size,
      const char *scheme)
{
  GtkWidget *widget = GTK_WIDGET (window);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *name = g_strdup_printf ("%s-%s-%s.png", page, size, scheme);
  g_autofree char *path = g_build_filename (out_dir, name, NULL);
  GtkSnapshot *snapshot;
  int width, height;

  settle (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    g_error ("Nothing was drawn for %s", name);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Could not write %s", path);
  g_print ("%s (%d×%d)\n", name, width, height);
  n_saved++;
}

static gboolean
on_page (gpointer data)
{
  HfWindow *window = data;
  const char *wanted = g_object_get_data (G_OBJECT (window), "wanted-page");

  return g_strcmp0 (_hf_window_get_page_name (window), wanted) == 0;
}

static void
wait_page (HfWindow   *window,
           const char *page)
{
  g_object_set_data_full (G_OBJECT (window), "wanted-page", g_strdup (page), g_free);
  wait_for (on_page, window, page);
}

static gboolean
import_finished (gpointer data)
{
  return !hf_vault_page_get_importing (data);
}

/* The first record of the timeline whose title starts with PREFIX. */
static gboolean
select_record (HfVaultPage *page,
               const char  *prefix)
{
  GtkSingleSelection *selection = _hf_vault_page_get_selection (page);
  GListModel *model = G_LIST_MODEL (selection);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n && i < 400; i++)
    {
      g_autoptr(HfRecord) record = g_list_model_get_item (model, i);

      if (g_str_has_prefix (hf_record_get_title (record), prefix))
        {
          gtk_single_selection_set_selected (selection, i);
          return TRUE;
        }
    }
  return FALSE;
}

/* Scrolls the record pane down to its trend chart. */
static void
scroll_to_trend (HfVaultPage *page)
{
  HfTrendChart *chart = _hf_record_detail_get_trend_chart (_hf_vault_page_get_detail (page));
  GtkWidget *scrolled;
  GtkAdjustment *adj;

  if (chart == NULL)
    g_error ("The record shows no trend");
  settle (GTK_WIDGET (page));
  scrolled = gtk_widget_get_ancestor (GTK_WIDGET (chart), GTK_TYPE_SCROLLED_WINDOW);
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  hf_trend_chart_select (chart, 0, (int) ((HfTrendSeries *)
                         g_ptr_array_index (hf_trend_chart_get_trend (chart)->series, 0))
                         ->points->len - 2);
}

static char *
write_big_import (const char *dir)
{
  g_autoptr(GString) ndjson = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "clinic-export.ndjson", NULL);

  for (int i = 0; i < 60000; i++)
    g_string_append_printf (ndjson, "{\"resourceType\":\"Observation\",\"id\":\"hr%d\","
                            "\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
                            "\"http://loinc.org\",\"code\":\"8867-4\",\"display\":"
                            "\"Heart rate\"}]},\"effectiveDateTime\":\"2023-01-01\","
                            "\"valueQuantity\":{\"value\":%d,\"unit\":\"/min\"}}\n",
                            i, 60 + i % 30);
  if (!g_file_set_contents (path, ndjson->str, ndjson->len, &error))
    g_error ("%s", error->message);
  return path;
}

/* A vault of one real record (HF_SCREENSHOT_FHIR): the timeline and the records whose titles
 * start with each of HF_SCREENSHOT_SELECT's comma-separated words, wide and light only. */
static void
shoot_real (HfApplication *app,
            const char    *vault_path)
{
  HfWindow *window = hf_window_new (app);
  g_auto(GStrv) wanted = g_strsplit (g_getenv ("HF_SCREENSHOT_SELECT") ?
                                     g_getenv ("HF_SCREENSHOT_SELECT") : "", ",", -1);
  HfVaultPage *page;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  hf_window_open_path (window, vault_path);
  gtk_window_present (GTK_WINDOW (window));
  wait_page (window, "unlock");
  gtk_editable_set_text (GTK_EDITABLE (_hf_unlock_page_get_passphrase_row (
                           _hf_window_get_unlock_page (window))), HF_DEMO_PASSPHRASE);
  g_signal_emit_by_name (_hf_unlock_page_get_unlock_button (_hf_window_get_unlock_page (window)),
                         "clicked");
  wait_page (window, "vault");
  page = _hf_window_get_vault_page (window);
  save (GTK_WINDOW (window), "real-timeline", "wide", "light");
  for (guint i = 0; wanted[i] != NULL && wanted[i][0] != '\0'; i++)
    {
      g_autofree char *name = g_strdup_printf ("real-record-%u", i + 1);
      if (!select_record (page, wanted[i]))
        g_error ("No record's title starts with “%s”", wanted[i]);
      save (GTK_WINDOW (window), name, "wide", "light");
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
shoot (HfApplication *app,
       const char    *vault_path,
       const char    *import_path,
       int            width,
       int            height,
       gboolean       dark)
{
  const char *size = width > 600 ? "wide" : "narrow";
  const char *scheme = dark ? "dark" : "light";
  HfWindow *window = hf_window_new (app);
  HfVaultPage *page;
  GtkWindow *prefs;
  const char *paths[] = { import_path, NULL };

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  hf_window_open_path (window, vault_path);
  gtk_window_present (GTK_WINDOW (window));
  wait_page (window, "unlock");
  save (GTK_WINDOW (window), "unlock", size, scheme);

  gtk_editable_set_text (GTK_EDITABLE (_hf_unlock_page_get_passphrase_row (
                           _hf_window_get_unlock_page (window))), HF_DEMO_PASSPHRASE);
  g_signal_emit_by_name (_hf_unlock_page_get_unlock_button (_hf_window_get_unlock_page (window)),
                         "clicked");
  wait_page (window, "vault");
  page = _hf_window_get_vault_page (window);
  save (GTK_WINDOW (window), "timeline", size, scheme);

  if (!select_record (page, "Cholesterol panel") && !select_record (page, "Visit"))
    g_error ("The demo vault has no panel to show");
  save (GTK_WINDOW (window), "record", size, scheme);

  if (!select_record (page, "HbA1c"))
    g_error ("The demo vault has no HbA1c result");
  scroll_to_trend (page);
  save (GTK_WINDOW (window), "trend", size, scheme);

  hf_vault_page_go_back (page);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  gtk_editable_set_text (_hf_vault_page_get_search_entry (page), "cholesterol");
  {
    /* The entry's search-changed waits a moment before it searches. */
    gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  save (GTK_WINDOW (window), "search", size, scheme);
  hf_vault_page_set_search_mode (page, FALSE);

  hf_vault_page_import_files (page, paths);
  {
    gint64 until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC / 2;
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  save (GTK_WINDOW (window), "import", size, scheme);
  g_signal_emit_by_name (_hf_vault_page_get_cancel_button (page), "clicked");
  wait_for (import_finished, page, "the import to stop");

  prefs = GTK_WINDOW (hf_preferences_window_new (GTK_WINDOW (window)));
  gtk_window_set_default_size (prefs, MIN (width, 640), MIN (height, 560));
  gtk_window_present (prefs);
  save (prefs, "preferences", size, scheme);
  gtk_window_destroy (prefs);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.lock", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfApplication) app = NULL;
  g_autoptr(HfSecret) passphrase = NULL;
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *vault_path = NULL;
  g_autofree char *import_path = NULL;
  g_autofree char *dir = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: hf-screenshots OUTDIR\n");
      return 1;
    }
  out_dir = argv[1];
  g_mkdir_with_parents (out_dir, 0755);

  data_home = g_dir_make_tmp ("hf-screenshots-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("HF_KDF_MINIMUM", "1", TRUE);

  if (!hf_core_init ())
    return 1;
  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = hf_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);

  dir = hf_vault_default_dir ();
  g_mkdir_with_parents (dir, 0700);
  vault_path = hf_demo_dup_new_path (dir);
  passphrase = hf_secret_new_from_data (HF_DEMO_PASSPHRASE, strlen (HF_DEMO_PASSPHRASE));
  if (g_getenv ("HF_SCREENSHOT_FHIR") != NULL)
    {
      const char *paths[] = { g_getenv ("HF_SCREENSHOT_FHIR"), NULL };
      g_autoptr(HfImportResult) result = NULL;

      vault = hf_vault_create (vault_path, "owner", passphrase, &code, &error);
      if (vault == NULL ||
          !hf_vault_import_files (vault, paths, NULL, NULL, NULL, &result, &error))
        g_error ("The vault could not be made: %s", error->message);
      hf_vault_lock (vault);
      shoot_real (app, vault_path);
      g_print ("%u screenshots in %s\n", n_saved, out_dir);
      return 0;
    }
  vault = hf_demo_create_vault (vault_path, "owner", passphrase, &code, NULL, &error);
  if (vault == NULL)
    g_error ("The demo vault could not be made: %s", error->message);
  hf_vault_lock (vault);
  import_path = write_big_import (data_home);

  shoot (app, vault_path, import_path, 1280, 800, FALSE);
  shoot (app, vault_path, import_path, 1280, 800, TRUE);
  shoot (app, vault_path, import_path, 360, 720, FALSE);
  shoot (app, vault_path, import_path, 360, 720, TRUE);

  g_print ("%u screenshots in %s\n", n_saved, out_dir);
  return 0;
}
