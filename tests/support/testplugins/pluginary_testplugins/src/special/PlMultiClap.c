/* PlMultiClap: one CLAP binary that exposes two plugins through its factory.
 * DPF 1.6's CLAP wrapper always reports exactly one plugin, so this file uses
 * the CLAP headers shipped in dpf-source directly.  The plugins are minimal
 * stereo pass-through effects without extensions. */
#include <stdlib.h>
#include <string.h>

#include "clap/entry.h"
#include "clap/plugin-factory.h"
#include "clap/plugin-features.h"

static const char* kFeatures[] = { CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, NULL };

static const clap_plugin_descriptor_t kDescriptors[2] = {
    { CLAP_VERSION_INIT, "org.pluginary.test.PlMultiA", "PlMultiA", "Pluginary Test",
      "https://pluginary.invalid/test-plugins", "", "", "1.0.0",
      "First of two plugins in one CLAP file", kFeatures },
    { CLAP_VERSION_INIT, "org.pluginary.test.PlMultiB", "PlMultiB", "Pluginary Test",
      "https://pluginary.invalid/test-plugins", "", "", "1.0.0",
      "Second of two plugins in one CLAP file", kFeatures },
};

static bool pl_init(const clap_plugin_t* p) { (void)p; return true; }
static void pl_destroy(const clap_plugin_t* p) { free((void*)p); }
static bool pl_activate(const clap_plugin_t* p, double sr, uint32_t minf, uint32_t maxf)
{ (void)p; (void)sr; (void)minf; (void)maxf; return true; }
static void pl_deactivate(const clap_plugin_t* p) { (void)p; }
static bool pl_start(const clap_plugin_t* p) { (void)p; return true; }
static void pl_stop(const clap_plugin_t* p) { (void)p; }
static void pl_reset(const clap_plugin_t* p) { (void)p; }
static clap_process_status pl_process(const clap_plugin_t* p, const clap_process_t* proc)
{ (void)p; (void)proc; return CLAP_PROCESS_CONTINUE; }
static const void* pl_get_extension(const clap_plugin_t* p, const char* id) { (void)p; (void)id; return NULL; }
static void pl_on_main_thread(const clap_plugin_t* p) { (void)p; }

static uint32_t factory_count(const clap_plugin_factory_t* f) { (void)f; return 2; }

static const clap_plugin_descriptor_t* factory_descriptor(const clap_plugin_factory_t* f, uint32_t index)
{
    (void)f;
    return index < 2 ? &kDescriptors[index] : NULL;
}

static const clap_plugin_t* factory_create(const clap_plugin_factory_t* f, const clap_host_t* host, const char* id)
{
    (void)f; (void)host;
    for (int i = 0; i < 2; ++i)
    {
        if (strcmp(id, kDescriptors[i].id) != 0)
            continue;
        clap_plugin_t* p = (clap_plugin_t*)calloc(1, sizeof(clap_plugin_t));
        if (p == NULL)
            return NULL;
        p->desc = &kDescriptors[i];
        p->init = pl_init;
        p->destroy = pl_destroy;
        p->activate = pl_activate;
        p->deactivate = pl_deactivate;
        p->start_processing = pl_start;
        p->stop_processing = pl_stop;
        p->reset = pl_reset;
        p->process = pl_process;
        p->get_extension = pl_get_extension;
        p->on_main_thread = pl_on_main_thread;
        return p;
    }
    return NULL;
}

static const clap_plugin_factory_t kFactory = { factory_count, factory_descriptor, factory_create };

static bool entry_init(const char* path) { (void)path; return true; }
static void entry_deinit(void) {}
static const void* entry_get_factory(const char* id)
{
    return strcmp(id, CLAP_PLUGIN_FACTORY_ID) == 0 ? &kFactory : NULL;
}

CLAP_EXPORT const clap_plugin_entry_t clap_entry = { CLAP_VERSION_INIT, entry_init, entry_deinit, entry_get_factory };
