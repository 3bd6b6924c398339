/* PlNormalizedVst3: one VST3 module with one "Audio Module Class", "PlNormalized",
 * that models a plugin built on Steinberg's SDK without declared ranges (as JUCE
 * plugins are): its parameters' plain values ARE their normalised values
 * (normalizedParamToPlain returns its argument for ids 10 and 20), and only the
 * text from getParamStringByValue shows the real units ("320.9 Hz", "Mid").
 * Parameter 30, "Gain", does declare a range: plain = -24 + 48 * normalised (dB).
 *
 * A "single component" plugin: createInstance(cid, IComponent) returns one object
 * that implements IComponent and IEditController (COM multiple inheritance: two
 * vtable pointers, one per face), so getControllerClassId returns
 * kNotImplemented.  Buses: one stereo main audio input ("Input") and output
 * ("Output"), both default-active, no event buses.  No audio processing
 * (IAudioProcessor is not offered).
 *
 * Like PlMultiVst3.c this is written by hand without any SDK: result codes,
 * struct layouts and interface ids are those of DPF's travesty headers
 * (distrho/src/travesty/base.h, factory.h, component.h, edit_controller.h,
 * non-Windows values), repeated here rather than included: travesty's C structs
 * "inherit" through anonymous struct members, which C11 without -fms-extensions
 * rejects ("declaration does not declare anything").
 *
 * Class id: 16 bytes whose memory-order hex (FUID::toString on Linux) is
 *   PlNormalized  504C4E6F726D616C697A656400000001
 * ("PLNormalized" + a 32-bit big-endian 1). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int32_t v3_result;
typedef uint8_t v3_tuid[16];
typedef int16_t v3_str_128[128]; /* UTF-16 (char16), NUL-terminated */
typedef uint32_t v3_param_id;
typedef uint8_t v3_bool;

/* travesty base.h, !V3_COM_COMPAT: the VST3 SDK's tresult values without
 * COM_COMPATIBLE (kNoInterface = -1, kResultOk, kResultFalse, kInvalidArgument,
 * kNotImplemented = 3, ...). */
enum {
    V3_NO_INTERFACE = -1,
    V3_OK = 0,
    V3_TRUE = 0,
    V3_FALSE = 1,
    V3_INVALID_ARG = 2,
    V3_NOT_IMPLEMENTED = 3
};

/* travesty base.h V3_ID, !V3_COM_COMPAT: the four words big-endian */
#define V3_ID(a, b, c, d) {                                              \
    ((a) >> 24) & 0xFF, ((a) >> 16) & 0xFF, ((a) >> 8) & 0xFF, (a) & 0xFF, \
    ((b) >> 24) & 0xFF, ((b) >> 16) & 0xFF, ((b) >> 8) & 0xFF, (b) & 0xFF, \
    ((c) >> 24) & 0xFF, ((c) >> 16) & 0xFF, ((c) >> 8) & 0xFF, (c) & 0xFF, \
    ((d) >> 24) & 0xFF, ((d) >> 16) & 0xFF, ((d) >> 8) & 0xFF, (d) & 0xFF }

/* travesty factory.h: v3_factory_info, v3_class_info, v3_class_info_2 */
struct pl_factory_info {
    char vendor[64];
    char url[256];
    char email[128];
    int32_t flags;
};

struct pl_class_info {
    v3_tuid class_id;
    int32_t cardinality;
    char category[32];
    char name[64];
};

struct pl_class_info_2 {
    v3_tuid class_id;
    int32_t cardinality;
    char category[32];
    char name[64];
    uint32_t class_flags;
    char sub_categories[128];
    char vendor[64];
    char version[64];
    char sdk_version[64];
};

/* travesty component.h: v3_media_types, v3_bus_direction, v3_bus_types, v3_bus_flags,
 * v3_bus_info, v3_routing_info */
enum { V3_AUDIO = 0, V3_EVENT = 1 };
enum { V3_INPUT = 0, V3_OUTPUT = 1 };
enum { V3_MAIN = 0, V3_AUX = 1 };
enum { V3_DEFAULT_ACTIVE = 1 << 0 };

struct pl_bus_info {
    int32_t media_type;
    int32_t direction;
    int32_t channel_count;
    v3_str_128 bus_name;
    int32_t bus_type;
    uint32_t flags;
};

struct pl_routing_info {
    int32_t media_type;
    int32_t bus_idx;
    int32_t channel;
};

/* travesty edit_controller.h: V3_PARAM_CAN_AUTOMATE, v3_param_info */
enum { V3_PARAM_CAN_AUTOMATE = 1 << 0 };

struct pl_param_info {
    v3_param_id param_id;
    v3_str_128 title;
    v3_str_128 short_title;
    v3_str_128 units;
    int32_t step_count;
    double default_normalised_value;
    int32_t unit_id;
    int32_t flags;
};

/* sanity: same sizes as the SDK's PFactoryInfo / PClassInfo / PClassInfo2 /
 * BusInfo / ParameterInfo (travesty packs nothing on Linux: natural alignment) */
_Static_assert(sizeof(struct pl_factory_info) == 452, "PFactoryInfo layout");
_Static_assert(sizeof(struct pl_class_info) == 116, "PClassInfo layout");
_Static_assert(sizeof(struct pl_class_info_2) == 440, "PClassInfo2 layout");
_Static_assert(sizeof(struct pl_bus_info) == 276, "BusInfo layout");
_Static_assert(offsetof(struct pl_param_info, default_normalised_value) == 776,
               "ParameterInfo layout");
_Static_assert(sizeof(struct pl_param_info) == 792, "ParameterInfo layout");

/* v3_funknown_iid, v3_plugin_base_iid (base.h), v3_plugin_factory_iid,
 * v3_plugin_factory_2_iid (factory.h), v3_component_iid (component.h),
 * v3_edit_controller_iid (edit_controller.h) */
static const v3_tuid kIidFUnknown = V3_ID(0x00000000, 0x00000000, 0xC0000000, 0x00000046);
static const v3_tuid kIidPluginBase = V3_ID(0x22888DDB, 0x156E45AE, 0x8358B348, 0x08190625);
static const v3_tuid kIidPluginFactory = V3_ID(0x7A4D811C, 0x52114A1F, 0xAED9D2EE, 0x0B43BF9F);
static const v3_tuid kIidPluginFactory2 = V3_ID(0x0007B650, 0xF24B4C0B, 0xA464EDB9, 0xF00B2ABB);
static const v3_tuid kIidComponent = V3_ID(0xE831FF31, 0xF2D54301, 0x928EBBEE, 0x25697802);
static const v3_tuid kIidEditController = V3_ID(0xDCD7BBE3, 0x7742448D, 0xA874AACC, 0x979C759E);

/* "PLNormalized" 00 00 00 01 */
static const v3_tuid kClassId = V3_ID(0x504C4E6F, 0x726D616C, 0x697A6564, 0x00000001);

static bool tuid_match(const v3_tuid a, const v3_tuid b)
{
    return memcmp(a, b, sizeof(v3_tuid)) == 0;
}

static void copy_text(char* dst, size_t size, const char* src)
{
    memset(dst, 0, size);
    strncpy(dst, src, size - 1);
}

/* ASCII to a NUL-terminated UTF-16 v3_str_128 */
static void copy_str16(v3_str_128 dst, const char* src)
{
    size_t i = 0;
    memset(dst, 0, sizeof(v3_str_128));
    for (; src[i] != '\0' && i < 127; ++i)
        dst[i] = (int16_t)(unsigned char)src[i];
}

#define PL_MANY_INSTANCES 0x7FFFFFFF
#define PL_UNICODE 0x10 /* PFactoryInfo::kUnicode */

/* ------------------------------------------------------------------ parameters */

typedef struct {
    v3_param_id id;
    const char* title;
    const char* short_title;
    const char* units;
    int32_t step_count;
    double default_value;
} pl_param;

#define PL_NUM_PARAMS 3
static const pl_param kParams[PL_NUM_PARAMS] = {
    { 10, "Crossover", "Xover", "", 0, 0.25 },
    { 20, "Mode", "Mode", "", 2, 0.0 },
    { 30, "Gain", "Gain", "dB", 0, 0.5 },
};

static int param_index(v3_param_id id)
{
    for (int i = 0; i < PL_NUM_PARAMS; ++i)
        if (kParams[i].id == id)
            return i;
    return -1;
}

/* ------------------------------------------------------------------ the instance */

typedef struct pl_component_vtable pl_component_vtable;
typedef struct pl_controller_vtable pl_controller_vtable;

/* COM multiple inheritance: the IComponent interface pointer is &component_vtbl,
 * the IEditController one &controller_vtbl; both faces share the reference count. */
typedef struct {
    const pl_component_vtable* component_vtbl;
    const pl_controller_vtable* controller_vtbl;
    int refcount;
    void* component_handler; /* stored, never called (no reference taken) */
    double values[PL_NUM_PARAMS]; /* normalised */
} pl_instance;

static pl_instance* from_component(void* self)
{
    return (pl_instance*)self;
}

static pl_instance* from_controller(void* self)
{
    return (pl_instance*)((char*)self - offsetof(pl_instance, controller_vtbl));
}

static uint32_t inst_add_ref(pl_instance* inst)
{
    return (uint32_t)__atomic_add_fetch(&inst->refcount, 1, __ATOMIC_SEQ_CST);
}

static uint32_t inst_release(pl_instance* inst)
{
    int refs = __atomic_sub_fetch(&inst->refcount, 1, __ATOMIC_SEQ_CST);
    if (refs == 0)
    {
        free(inst);
        return 0;
    }
    return refs > 0 ? (uint32_t)refs : 0;
}

static v3_result inst_query_interface(pl_instance* inst, const v3_tuid iid, void** obj)
{
    if (obj == NULL)
        return V3_INVALID_ARG;
    if (tuid_match(iid, kIidFUnknown) || tuid_match(iid, kIidPluginBase)
        || tuid_match(iid, kIidComponent))
    {
        inst_add_ref(inst);
        *obj = &inst->component_vtbl;
        return V3_OK;
    }
    if (tuid_match(iid, kIidEditController))
    {
        inst_add_ref(inst);
        *obj = &inst->controller_vtbl;
        return V3_OK;
    }
    *obj = NULL;
    return V3_NO_INTERFACE;
}

/* FUnknown and IPluginBase, once per face (each adjusts self to the object) */

static v3_result c_query_interface(void* self, const v3_tuid iid, void** obj)
{
    return inst_query_interface(from_component(self), iid, obj);
}

static uint32_t c_add_ref(void* self)
{
    return inst_add_ref(from_component(self));
}

static uint32_t c_release(void* self)
{
    return inst_release(from_component(self));
}

static v3_result e_query_interface(void* self, const v3_tuid iid, void** obj)
{
    return inst_query_interface(from_controller(self), iid, obj);
}

static uint32_t e_add_ref(void* self)
{
    return inst_add_ref(from_controller(self));
}

static uint32_t e_release(void* self)
{
    return inst_release(from_controller(self));
}

/* the host context (IHostApplication) is ignored: NULL is fine */
static v3_result base_initialize(void* self, void* context)
{
    (void)self; (void)context;
    return V3_OK;
}

static v3_result base_terminate(void* self)
{
    (void)self;
    return V3_OK;
}

/* IComponent */

static v3_result c_get_controller_class_id(void* self, v3_tuid class_id)
{
    (void)self;
    if (class_id != NULL)
        memset(class_id, 0, sizeof(v3_tuid));
    return V3_NOT_IMPLEMENTED; /* single component: no separate controller class */
}

static v3_result c_set_io_mode(void* self, int32_t io_mode)
{
    (void)self; (void)io_mode;
    return V3_NOT_IMPLEMENTED; /* as the SDK's Component::setIoMode */
}

static int32_t c_get_bus_count(void* self, int32_t media_type, int32_t direction)
{
    (void)self;
    if (media_type == V3_AUDIO && (direction == V3_INPUT || direction == V3_OUTPUT))
        return 1;
    return 0; /* no event buses */
}

static v3_result c_get_bus_info(void* self, int32_t media_type, int32_t direction,
                                int32_t bus_idx, struct pl_bus_info* info)
{
    (void)self;
    if (info == NULL || media_type != V3_AUDIO || bus_idx != 0
        || (direction != V3_INPUT && direction != V3_OUTPUT))
        return V3_INVALID_ARG;
    memset(info, 0, sizeof(*info));
    info->media_type = V3_AUDIO;
    info->direction = direction;
    info->channel_count = 2;
    copy_str16(info->bus_name, direction == V3_INPUT ? "Input" : "Output");
    info->bus_type = V3_MAIN;
    info->flags = V3_DEFAULT_ACTIVE;
    return V3_OK;
}

static v3_result c_get_routing_info(void* self, struct pl_routing_info* input,
                                    struct pl_routing_info* output)
{
    (void)self; (void)input; (void)output;
    return V3_NOT_IMPLEMENTED;
}

static v3_result c_activate_bus(void* self, int32_t media_type, int32_t direction,
                                int32_t bus_idx, v3_bool state)
{
    (void)self; (void)state;
    if (media_type != V3_AUDIO || bus_idx != 0 || (direction != V3_INPUT && direction != V3_OUTPUT))
        return V3_INVALID_ARG;
    return V3_OK;
}

static v3_result c_set_active(void* self, v3_bool state)
{
    (void)self; (void)state;
    return V3_OK;
}

static v3_result ignore_stream(void* self, void* stream)
{
    (void)self; (void)stream;
    return V3_OK; /* state is neither read nor written */
}

/* IEditController */

static int32_t e_get_parameter_count(void* self)
{
    (void)self;
    return PL_NUM_PARAMS;
}

static v3_result e_get_parameter_info(void* self, int32_t index, struct pl_param_info* info)
{
    (void)self;
    if (info == NULL || index < 0 || index >= PL_NUM_PARAMS)
        return V3_INVALID_ARG;
    const pl_param* p = &kParams[index];
    memset(info, 0, sizeof(*info));
    info->param_id = p->id;
    copy_str16(info->title, p->title);
    copy_str16(info->short_title, p->short_title);
    copy_str16(info->units, p->units);
    info->step_count = p->step_count;
    info->default_normalised_value = p->default_value;
    info->unit_id = 0; /* kRootUnitId */
    info->flags = V3_PARAM_CAN_AUTOMATE;
    return V3_OK;
}

static v3_result e_get_parameter_string_for_value(void* self, v3_param_id id, double v,
                                                  v3_str_128 output)
{
    (void)self;
    char text[128];
    if (output == NULL)
        return V3_INVALID_ARG;
    switch (id)
    {
    case 10:
        snprintf(text, sizeof(text), "%.1f Hz", 87.8 + v * (1020.3 - 87.8));
        break;
    case 20:
        snprintf(text, sizeof(text), "%s", v < 1.0 / 3.0 ? "Low" : v < 2.0 / 3.0 ? "Mid" : "High");
        break;
    case 30:
        snprintf(text, sizeof(text), "%.1f dB", -24.0 + 48.0 * v);
        break;
    default:
        return V3_INVALID_ARG;
    }
    copy_str16(output, text);
    return V3_OK;
}

static v3_result e_get_parameter_value_for_string(void* self, v3_param_id id, int16_t* input,
                                                  double* output)
{
    (void)self; (void)id; (void)input; (void)output;
    return V3_NOT_IMPLEMENTED;
}

/* The point of this plugin: without a declared range, plain == normalised. */
static double e_normalised_parameter_to_plain(void* self, v3_param_id id, double v)
{
    (void)self;
    return id == 30 ? -24.0 + 48.0 * v : v;
}

static double e_plain_parameter_to_normalised(void* self, v3_param_id id, double plain)
{
    (void)self;
    return id == 30 ? (plain + 24.0) / 48.0 : plain;
}

static double e_get_parameter_normalised(void* self, v3_param_id id)
{
    int i = param_index(id);
    return i < 0 ? 0.0 : from_controller(self)->values[i];
}

static v3_result e_set_parameter_normalised(void* self, v3_param_id id, double v)
{
    int i = param_index(id);
    if (i < 0)
        return V3_INVALID_ARG;
    from_controller(self)->values[i] = v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
    return V3_OK;
}

static v3_result e_set_component_handler(void* self, void* handler)
{
    from_controller(self)->component_handler = handler;
    return V3_OK;
}

static void* e_create_view(void* self, const char* name)
{
    (void)self; (void)name;
    return NULL; /* no editor */
}

/* vtables: FUnknown, IPluginBase, then IComponent / IEditController, in travesty's order */
struct pl_component_vtable {
    v3_result (*query_interface)(void* self, const v3_tuid iid, void** obj);
    uint32_t (*add_ref)(void* self);
    uint32_t (*release)(void* self);
    v3_result (*initialize)(void* self, void* context);
    v3_result (*terminate)(void* self);
    v3_result (*get_controller_class_id)(void* self, v3_tuid class_id);
    v3_result (*set_io_mode)(void* self, int32_t io_mode);
    int32_t (*get_bus_count)(void* self, int32_t media_type, int32_t direction);
    v3_result (*get_bus_info)(void* self, int32_t media_type, int32_t direction,
                              int32_t bus_idx, struct pl_bus_info* info);
    v3_result (*get_routing_info)(void* self, struct pl_routing_info* input,
                                  struct pl_routing_info* output);
    v3_result (*activate_bus)(void* self, int32_t media_type, int32_t direction,
                              int32_t bus_idx, v3_bool state);
    v3_result (*set_active)(void* self, v3_bool state);
    v3_result (*set_state)(void* self, void* stream);
    v3_result (*get_state)(void* self, void* stream);
};

struct pl_controller_vtable {
    v3_result (*query_interface)(void* self, const v3_tuid iid, void** obj);
    uint32_t (*add_ref)(void* self);
    uint32_t (*release)(void* self);
    v3_result (*initialize)(void* self, void* context);
    v3_result (*terminate)(void* self);
    v3_result (*set_component_state)(void* self, void* stream);
    v3_result (*set_state)(void* self, void* stream);
    v3_result (*get_state)(void* self, void* stream);
    int32_t (*get_parameter_count)(void* self);
    v3_result (*get_parameter_info)(void* self, int32_t index, struct pl_param_info* info);
    v3_result (*get_parameter_string_for_value)(void* self, v3_param_id id, double v,
                                                v3_str_128 output);
    v3_result (*get_parameter_value_for_string)(void* self, v3_param_id id, int16_t* input,
                                                double* output);
    double (*normalised_parameter_to_plain)(void* self, v3_param_id id, double v);
    double (*plain_parameter_to_normalised)(void* self, v3_param_id id, double plain);
    double (*get_parameter_normalised)(void* self, v3_param_id id);
    v3_result (*set_parameter_normalised)(void* self, v3_param_id id, double v);
    v3_result (*set_component_handler)(void* self, void* handler);
    void* (*create_view)(void* self, const char* name);
};

_Static_assert(sizeof(pl_component_vtable) == 14 * sizeof(void*), "IComponent vtable");
_Static_assert(sizeof(pl_controller_vtable) == 18 * sizeof(void*), "IEditController vtable");

static const pl_component_vtable kComponentVtable = {
    c_query_interface, c_add_ref, c_release,
    base_initialize, base_terminate,
    c_get_controller_class_id, c_set_io_mode, c_get_bus_count, c_get_bus_info,
    c_get_routing_info, c_activate_bus, c_set_active, ignore_stream, ignore_stream,
};

static const pl_controller_vtable kControllerVtable = {
    e_query_interface, e_add_ref, e_release,
    base_initialize, base_terminate,
    ignore_stream, ignore_stream, ignore_stream,
    e_get_parameter_count, e_get_parameter_info,
    e_get_parameter_string_for_value, e_get_parameter_value_for_string,
    e_normalised_parameter_to_plain, e_plain_parameter_to_normalised,
    e_get_parameter_normalised, e_set_parameter_normalised,
    e_set_component_handler, e_create_view,
};

static pl_instance* instance_new(void)
{
    pl_instance* inst = calloc(1, sizeof(*inst));
    if (inst == NULL)
        return NULL;
    inst->component_vtbl = &kComponentVtable;
    inst->controller_vtbl = &kControllerVtable;
    inst->refcount = 1; /* the caller's */
    for (int i = 0; i < PL_NUM_PARAMS; ++i)
        inst->values[i] = kParams[i].default_value;
    return inst;
}

/* ------------------------------------------------------------------ the factory */

/* the vtable of IPluginFactory2: FUnknown, IPluginFactory, IPluginFactory2 */
typedef struct {
    v3_result (*query_interface)(void* self, const v3_tuid iid, void** obj);
    uint32_t (*add_ref)(void* self);
    uint32_t (*release)(void* self);
    v3_result (*get_factory_info)(void* self, struct pl_factory_info* info);
    int32_t (*count_classes)(void* self);
    v3_result (*get_class_info)(void* self, int32_t index, struct pl_class_info* info);
    v3_result (*create_instance)(void* self, const v3_tuid cid, const v3_tuid iid, void** obj);
    v3_result (*get_class_info_2)(void* self, int32_t index, struct pl_class_info_2* info);
} pl_factory_vtable;

typedef struct {
    const pl_factory_vtable* vtable; /* an interface pointer points at its vtable pointer */
} pl_factory;

static uint32_t g_refs; /* the factory is a static object: counted, never freed */

static uint32_t f_add_ref(void* self)
{
    (void)self;
    return __atomic_add_fetch(&g_refs, 1, __ATOMIC_SEQ_CST);
}

static uint32_t f_release(void* self)
{
    (void)self;
    uint32_t refs = __atomic_load_n(&g_refs, __ATOMIC_SEQ_CST);
    while (refs > 0 && !__atomic_compare_exchange_n(&g_refs, &refs, refs - 1, false,
                                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        ;
    return refs > 0 ? refs - 1 : 0;
}

static v3_result f_query_interface(void* self, const v3_tuid iid, void** obj)
{
    if (obj == NULL)
        return V3_INVALID_ARG;
    if (tuid_match(iid, kIidFUnknown) || tuid_match(iid, kIidPluginFactory)
        || tuid_match(iid, kIidPluginFactory2))
    {
        f_add_ref(self);
        *obj = self;
        return V3_OK;
    }
    *obj = NULL;
    return V3_NO_INTERFACE;
}

static v3_result f_get_factory_info(void* self, struct pl_factory_info* info)
{
    (void)self;
    if (info == NULL)
        return V3_INVALID_ARG;
    memset(info, 0, sizeof(*info));
    copy_text(info->vendor, sizeof(info->vendor), "Pluginary Test");
    copy_text(info->url, sizeof(info->url), "https://pluginary.invalid/test-plugins");
    copy_text(info->email, sizeof(info->email), "test@pluginary.invalid");
    info->flags = PL_UNICODE;
    return V3_OK;
}

static int32_t f_count_classes(void* self)
{
    (void)self;
    return 1;
}

static v3_result f_get_class_info(void* self, int32_t index, struct pl_class_info* info)
{
    (void)self;
    if (info == NULL || index != 0)
        return V3_INVALID_ARG;
    memset(info, 0, sizeof(*info));
    memcpy(info->class_id, kClassId, sizeof(v3_tuid));
    info->cardinality = PL_MANY_INSTANCES;
    copy_text(info->category, sizeof(info->category), "Audio Module Class");
    copy_text(info->name, sizeof(info->name), "PlNormalized");
    return V3_OK;
}

static v3_result f_get_class_info_2(void* self, int32_t index, struct pl_class_info_2* info)
{
    (void)self;
    if (info == NULL || index != 0)
        return V3_INVALID_ARG;
    memset(info, 0, sizeof(*info));
    memcpy(info->class_id, kClassId, sizeof(v3_tuid));
    info->cardinality = PL_MANY_INSTANCES;
    copy_text(info->category, sizeof(info->category), "Audio Module Class");
    copy_text(info->name, sizeof(info->name), "PlNormalized");
    info->class_flags = 0;
    copy_text(info->sub_categories, sizeof(info->sub_categories), "Fx|EQ");
    copy_text(info->vendor, sizeof(info->vendor), "Pluginary Test");
    copy_text(info->version, sizeof(info->version), "1.0.0");
    copy_text(info->sdk_version, sizeof(info->sdk_version), "VST 3.7.0");
    return V3_OK;
}

static v3_result f_create_instance(void* self, const v3_tuid cid, const v3_tuid iid, void** obj)
{
    (void)self;
    if (obj == NULL)
        return V3_INVALID_ARG;
    *obj = NULL;
    if (cid == NULL || iid == NULL || !tuid_match(cid, kClassId) || !tuid_match(iid, kIidComponent))
        return V3_NO_INTERFACE;
    pl_instance* inst = instance_new();
    if (inst == NULL)
        return V3_NO_INTERFACE;
    *obj = &inst->component_vtbl;
    return V3_OK;
}

static const pl_factory_vtable kFactoryVtable = {
    f_query_interface, f_add_ref, f_release,
    f_get_factory_info, f_count_classes, f_get_class_info, f_create_instance,
    f_get_class_info_2,
};

static pl_factory g_factory = { &kFactoryVtable };

#define PL_EXPORT __attribute__((visibility("default")))

/* Like the SDK's GetPluginFactory: the caller owns one reference. */
PL_EXPORT void* GetPluginFactory(void)
{
    f_add_ref(&g_factory);
    return &g_factory;
}

PL_EXPORT bool ModuleEntry(void* handle)
{
    (void)handle;
    return true;
}

PL_EXPORT bool ModuleExit(void)
{
    return true;
}
