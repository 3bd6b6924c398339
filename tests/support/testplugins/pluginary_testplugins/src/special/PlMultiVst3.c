/* PlMultiVst3: one VST3 module whose factory declares two "Audio Module Class"
 * classes ("PlMulti A", "PlMulti B") and, like real plugins, one
 * "Component Controller Class".  DPF 1.6's VST3 wrapper always declares one
 * plugin per binary, so this file implements IPluginFactory2 by hand, without
 * any SDK.  Only the metadata is real: createInstance returns kNotImplemented.
 *
 * Result codes, struct layouts and interface ids are those of DPF's travesty
 * headers (distrho/src/travesty/base.h and factory.h, non-Windows values),
 * repeated here rather than included: travesty's C structs "inherit" through
 * anonymous struct members, which C11 without -fms-extensions rejects
 * ("declaration does not declare anything").
 *
 * Class ids: 16 bytes whose memory-order hex (FUID::toString on Linux) is
 *   PlMulti A           504C4D756C7469566F73744100000001
 *   PlMulti B           504C4D756C7469566F73744100000002
 *   PlMulti Controller  504C4D756C7469566F73744300000001
 * ("PLMultiVostA" / "PLMultiVostC" + a 32-bit big-endian number). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef int32_t v3_result;
typedef uint8_t v3_tuid[16];

/* travesty base.h, !V3_COM_COMPAT: the VST3 SDK's tresult values without
 * COM_COMPATIBLE (kNoInterface = -1, kResultOk, kResultFalse, kInvalidArgument,
 * kNotImplemented = 3, ...). */
enum {
    V3_NO_INTERFACE = -1,
    V3_OK = 0,
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

/* v3_funknown_iid (base.h), v3_plugin_factory_iid, v3_plugin_factory_2_iid (factory.h) */
static const v3_tuid kIidFUnknown = V3_ID(0x00000000, 0x00000000, 0xC0000000, 0x00000046);
static const v3_tuid kIidPluginFactory = V3_ID(0x7A4D811C, 0x52114A1F, 0xAED9D2EE, 0x0B43BF9F);
static const v3_tuid kIidPluginFactory2 = V3_ID(0x0007B650, 0xF24B4C0B, 0xA464EDB9, 0xF00B2ABB);

static bool tuid_match(const v3_tuid a, const v3_tuid b)
{
    return memcmp(a, b, sizeof(v3_tuid)) == 0;
}

/* sanity: same sizes as the SDK's PFactoryInfo / PClassInfo / PClassInfo2 */
_Static_assert(sizeof(struct pl_factory_info) == 452, "PFactoryInfo layout");
_Static_assert(sizeof(struct pl_class_info) == 116, "PClassInfo layout");
_Static_assert(sizeof(struct pl_class_info_2) == 440, "PClassInfo2 layout");

#define PL_MANY_INSTANCES 0x7FFFFFFF
#define PL_UNICODE 0x10 /* PFactoryInfo::kUnicode */

typedef struct {
    v3_tuid cid;
    const char* category;
    const char* name;
    const char* sub_categories;
} pl_class;

static const pl_class kClasses[3] = {
    { V3_ID(0x504C4D75, 0x6C746956, 0x6F737441, 0x00000001),
      "Audio Module Class", "PlMulti A", "Fx|Delay" },
    { V3_ID(0x504C4D75, 0x6C746956, 0x6F737441, 0x00000002),
      "Audio Module Class", "PlMulti B", "Instrument|Synth" },
    { V3_ID(0x504C4D75, 0x6C746956, 0x6F737443, 0x00000001),
      "Component Controller Class", "PlMulti Controller", "" },
};
#define PL_NUM_CLASSES ((int32_t)(sizeof(kClasses) / sizeof(kClasses[0])))

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

static void copy_text(char* dst, size_t size, const char* src)
{
    memset(dst, 0, size);
    strncpy(dst, src, size - 1);
}

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
    return PL_NUM_CLASSES;
}

static v3_result f_get_class_info(void* self, int32_t index, struct pl_class_info* info)
{
    (void)self;
    if (info == NULL || index < 0 || index >= PL_NUM_CLASSES)
        return V3_INVALID_ARG;
    memset(info, 0, sizeof(*info));
    memcpy(info->class_id, kClasses[index].cid, sizeof(v3_tuid));
    info->cardinality = PL_MANY_INSTANCES;
    copy_text(info->category, sizeof(info->category), kClasses[index].category);
    copy_text(info->name, sizeof(info->name), kClasses[index].name);
    return V3_OK;
}

static v3_result f_get_class_info_2(void* self, int32_t index, struct pl_class_info_2* info)
{
    (void)self;
    if (info == NULL || index < 0 || index >= PL_NUM_CLASSES)
        return V3_INVALID_ARG;
    memset(info, 0, sizeof(*info));
    memcpy(info->class_id, kClasses[index].cid, sizeof(v3_tuid));
    info->cardinality = PL_MANY_INSTANCES;
    copy_text(info->category, sizeof(info->category), kClasses[index].category);
    copy_text(info->name, sizeof(info->name), kClasses[index].name);
    info->class_flags = 0;
    copy_text(info->sub_categories, sizeof(info->sub_categories), kClasses[index].sub_categories);
    copy_text(info->vendor, sizeof(info->vendor), "Pluginary Test");
    copy_text(info->version, sizeof(info->version), "1.0.0");
    copy_text(info->sdk_version, sizeof(info->sdk_version), "VST 3.7.9");
    return V3_OK;
}

static v3_result f_create_instance(void* self, const v3_tuid cid, const v3_tuid iid, void** obj)
{
    (void)self; (void)cid; (void)iid;
    if (obj != NULL)
        *obj = NULL;
    return V3_NOT_IMPLEMENTED; /* 3 on Linux (kNotImplemented without COM_COMPATIBLE) */
}

static const pl_factory_vtable kVtable = {
    f_query_interface, f_add_ref, f_release,
    f_get_factory_info, f_count_classes, f_get_class_info, f_create_instance,
    f_get_class_info_2,
};

static pl_factory g_factory = { &kVtable };

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
