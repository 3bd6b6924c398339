/* NotAPlugin: an ordinary shared library that exports neither GetPluginFactory
 * (VST3), clap_entry (CLAP), lv2_descriptor nor ladspa_descriptor.  It is
 * placed where plugins are expected, e.g. NotAPluginBundle.vst3/Contents/... */
__attribute__((visibility("default"))) int pluginary_not_a_plugin(void)
{
    return 42;
}
