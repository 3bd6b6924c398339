/* PlParamsClap: one CLAP binary with two plugins that exercise a host's tier-2 reading.
 *
 * - org.pluginary.test.PlParams offers clap.params (three parameters whose ids are not
 *   their indexes: a normal one, a CLAP_PARAM_IS_HIDDEN one and a CLAP_PARAM_IS_READONLY
 *   one), clap.audio-ports (a main stereo input, a mono sidechain input, a main stereo
 *   output) and clap.note-ports (one input note port, no output).
 * - org.pluginary.test.PlInitFails: its init() returns false.
 *
 * Hand-written C on the CLAP headers shipped in dpf-source (DPF 1.6's wrapper always
 * gives a parameter its index as id and never sets CLAP_PARAM_IS_HIDDEN).  As the spec
 * asks of a host, get_extension() answers only after a successful init(), and
 * create_plugin() refuses a host with a null callback or an incompatible version.
 * The tables below are what the tests compare the catalogue with: keep one row per line. */
#include <stdlib.h>
#include <string.h>

#include "clap/entry.h"
#include "clap/plugin-factory.h"
#include "clap/plugin-features.h"
#include "clap/ext/params.h"
#include "clap/ext/audio-ports.h"
#include "clap/ext/note-ports.h"

#define PL_PARAMS_ID "org.pluginary.test.PlParams"
#define PL_INIT_FAILS_ID "org.pluginary.test.PlInitFails"

typedef struct { clap_id id; uint32_t flags; const char* name; const char* module;
                 double min; double max; double def; } PlParamRow;

/* PARAMS: id, flags, name, module, min, max, default */
static const PlParamRow kParams[] = {
    { 100, CLAP_PARAM_IS_AUTOMATABLE, "Gain", "main", -60.0, 12.0, 0.0 },
    { 200, CLAP_PARAM_IS_HIDDEN, "Hidden Trim", "internal", -1.0, 1.0, 0.25 },
    { 300, CLAP_PARAM_IS_READONLY, "Output Level", "meters", -96.0, 6.0, -96.0 },
};
#define PL_NUM_PARAMS (sizeof(kParams) / sizeof(kParams[0]))

typedef struct { clap_id id; const char* name; uint32_t flags; uint32_t channels;
                 const char* type; clap_id in_place_pair; } PlAudioPortRow;

/* AUDIO INPUTS: id, name, flags, channel_count, port_type, in_place_pair */
static const PlAudioPortRow kAudioInputs[] = {
    { 10, "Main In", CLAP_AUDIO_PORT_IS_MAIN, 2, CLAP_PORT_STEREO, 20 },
    { 11, "Sidechain", 0, 1, CLAP_PORT_MONO, CLAP_INVALID_ID },
};
/* AUDIO OUTPUTS: id, name, flags, channel_count, port_type, in_place_pair */
static const PlAudioPortRow kAudioOutputs[] = {
    { 20, "Main Out", CLAP_AUDIO_PORT_IS_MAIN, 2, CLAP_PORT_STEREO, 10 },
};
#define PL_NUM_AUDIO_INPUTS (sizeof(kAudioInputs) / sizeof(kAudioInputs[0]))
#define PL_NUM_AUDIO_OUTPUTS (sizeof(kAudioOutputs) / sizeof(kAudioOutputs[0]))

/* NOTE PORTS: one input, no output */
#define PL_NUM_NOTE_INPUTS 1
#define PL_NUM_NOTE_OUTPUTS 0
static const clap_note_port_info_t kNoteInput = {
    30, CLAP_NOTE_DIALECT_CLAP | CLAP_NOTE_DIALECT_MIDI, CLAP_NOTE_DIALECT_MIDI, "Notes In"
};

static const char* kFeatures[] = { CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, NULL };

static const clap_plugin_descriptor_t kDescriptors[2] = {
    { CLAP_VERSION_INIT, PL_PARAMS_ID, "PlParams", "Pluginary Test",
      "https://pluginary.invalid/test-plugins", "", "", "1.0.0",
      "Three parameters (one hidden, one read-only), a sidechain input and a note input",
      kFeatures },
    { CLAP_VERSION_INIT, PL_INIT_FAILS_ID, "PlInitFails", "Pluginary Test",
      "https://pluginary.invalid/test-plugins", "", "", "1.0.0",
      "A plugin whose init() returns false", kFeatures },
};

typedef struct {
    clap_plugin_t plugin;
    bool initialised;
} PlState;

static PlState* state_of(const clap_plugin_t* p) { return (PlState*)p->plugin_data; }

/* -- clap.params ------------------------------------------------------------------- */

static uint32_t params_count(const clap_plugin_t* p) { (void)p; return PL_NUM_PARAMS; }

static bool params_get_info(const clap_plugin_t* p, uint32_t index, clap_param_info_t* info)
{
    (void)p;
    if (index >= PL_NUM_PARAMS || info == NULL)
        return false;
    const PlParamRow* row = &kParams[index];
    memset(info, 0, sizeof(*info));
    info->id = row->id;
    info->flags = row->flags;
    info->cookie = NULL;
    strncpy(info->name, row->name, CLAP_NAME_SIZE - 1);
    strncpy(info->module, row->module, CLAP_PATH_SIZE - 1);
    info->min_value = row->min;
    info->max_value = row->max;
    info->default_value = row->def;
    return true;
}

static bool params_get_value(const clap_plugin_t* p, clap_id id, double* value)
{
    (void)p;
    for (size_t i = 0; i < PL_NUM_PARAMS; ++i)
        if (kParams[i].id == id) { *value = kParams[i].def; return true; }
    return false;
}

static bool params_value_to_text(const clap_plugin_t* p, clap_id id, double value, char* out, uint32_t size)
{ (void)p; (void)id; (void)value; if (size > 0) out[0] = '\0'; return false; }
static bool params_text_to_value(const clap_plugin_t* p, clap_id id, const char* text, double* value)
{ (void)p; (void)id; (void)text; (void)value; return false; }
static void params_flush(const clap_plugin_t* p, const clap_input_events_t* in, const clap_output_events_t* out)
{ (void)p; (void)in; (void)out; }

static const clap_plugin_params_t kParamsExt = {
    params_count, params_get_info, params_get_value, params_value_to_text,
    params_text_to_value, params_flush
};

/* -- clap.audio-ports -------------------------------------------------------------- */

static uint32_t audio_count(const clap_plugin_t* p, bool is_input)
{ (void)p; return is_input ? PL_NUM_AUDIO_INPUTS : PL_NUM_AUDIO_OUTPUTS; }

static bool audio_get(const clap_plugin_t* p, uint32_t index, bool is_input, clap_audio_port_info_t* info)
{
    (void)p;
    const PlAudioPortRow* rows = is_input ? kAudioInputs : kAudioOutputs;
    if (index >= audio_count(p, is_input) || info == NULL)
        return false;
    memset(info, 0, sizeof(*info));
    info->id = rows[index].id;
    strncpy(info->name, rows[index].name, CLAP_NAME_SIZE - 1);
    info->flags = rows[index].flags;
    info->channel_count = rows[index].channels;
    info->port_type = rows[index].type;
    info->in_place_pair = rows[index].in_place_pair;
    return true;
}

static const clap_plugin_audio_ports_t kAudioPortsExt = { audio_count, audio_get };

/* -- clap.note-ports --------------------------------------------------------------- */

static uint32_t notes_count(const clap_plugin_t* p, bool is_input)
{ (void)p; return is_input ? PL_NUM_NOTE_INPUTS : PL_NUM_NOTE_OUTPUTS; }

static bool notes_get(const clap_plugin_t* p, uint32_t index, bool is_input, clap_note_port_info_t* info)
{
    (void)p;
    if (!is_input || index >= PL_NUM_NOTE_INPUTS || info == NULL)
        return false;
    *info = kNoteInput;
    return true;
}

static const clap_plugin_note_ports_t kNotePortsExt = { notes_count, notes_get };

/* -- the plugin -------------------------------------------------------------------- */

static bool pl_init(const clap_plugin_t* p)
{
    if (strcmp(p->desc->id, PL_INIT_FAILS_ID) == 0)
        return false;
    state_of(p)->initialised = true;
    return true;
}
static void pl_destroy(const clap_plugin_t* p) { free(state_of(p)); }
static bool pl_activate(const clap_plugin_t* p, double sr, uint32_t minf, uint32_t maxf)
{ (void)p; (void)sr; (void)minf; (void)maxf; return true; }
static void pl_deactivate(const clap_plugin_t* p) { (void)p; }
static bool pl_start(const clap_plugin_t* p) { (void)p; return true; }
static void pl_stop(const clap_plugin_t* p) { (void)p; }
static void pl_reset(const clap_plugin_t* p) { (void)p; }
static clap_process_status pl_process(const clap_plugin_t* p, const clap_process_t* proc)
{ (void)p; (void)proc; return CLAP_PROCESS_CONTINUE; }

static const void* pl_get_extension(const clap_plugin_t* p, const char* id)
{
    /* plugin.h: "It is forbidden to call it before plugin->init()". */
    if (!state_of(p)->initialised || id == NULL)
        return NULL;
    if (strcmp(id, CLAP_EXT_PARAMS) == 0)
        return &kParamsExt;
    if (strcmp(id, CLAP_EXT_AUDIO_PORTS) == 0)
        return &kAudioPortsExt;
    if (strcmp(id, CLAP_EXT_NOTE_PORTS) == 0)
        return &kNotePortsExt;
    return NULL;
}
static void pl_on_main_thread(const clap_plugin_t* p) { (void)p; }

/* -- factory and entry ------------------------------------------------------------- */

static uint32_t factory_count(const clap_plugin_factory_t* f) { (void)f; return 2; }

static const clap_plugin_descriptor_t* factory_descriptor(const clap_plugin_factory_t* f, uint32_t index)
{
    (void)f;
    return index < 2 ? &kDescriptors[index] : NULL;
}

static const clap_plugin_t* factory_create(const clap_plugin_factory_t* f, const clap_host_t* host, const char* id)
{
    (void)f;
    /* host.h: every host callback is mandatory. */
    if (host == NULL || id == NULL || !clap_version_is_compatible(host->clap_version)
        || host->get_extension == NULL || host->request_restart == NULL
        || host->request_process == NULL || host->request_callback == NULL)
        return NULL;
    for (int i = 0; i < 2; ++i)
    {
        if (strcmp(id, kDescriptors[i].id) != 0)
            continue;
        PlState* s = (PlState*)calloc(1, sizeof(PlState));
        if (s == NULL)
            return NULL;
        clap_plugin_t* p = &s->plugin;
        p->desc = &kDescriptors[i];
        p->plugin_data = s;
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
