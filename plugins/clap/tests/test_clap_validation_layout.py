"""The structs of the CLAP validation glue (events, process, streams, state, latency, host
extensions) against DPF's copy of the CLAP headers, compiled here: ``sizeof``, ``offsetof`` and
the constants the glue uses."""

from __future__ import annotations

import ctypes

from test_clap import compiled_layout

from pluginary_clap import host as clap_host
from pluginary_clap import host_events, host_link, host_params, host_state
from pluginary_clap import instance as clap_instance

_LAYOUT_PROGRAM = r"""
#include <stddef.h>
#include <stdio.h>
#include "clap/events.h"
#include "clap/process.h"
#include "clap/stream.h"
#include "clap/ext/params.h"
#include "clap/ext/state.h"
#include "clap/ext/latency.h"
#define S(t) printf("%s\"%s\": [%zu", first ? "" : ", ", #t, sizeof(t)); first = 0;
#define F(t, f) printf(", [\"%s\", %zu]", #f, offsetof(t, f));
#define E printf("]");
int main(void) {
    int first = 1;
    printf("{");
    S(clap_event_header_t) F(clap_event_header_t, size) F(clap_event_header_t, time)
        F(clap_event_header_t, space_id) F(clap_event_header_t, type)
        F(clap_event_header_t, flags) E
    S(clap_event_param_value_t) F(clap_event_param_value_t, header)
        F(clap_event_param_value_t, param_id) F(clap_event_param_value_t, cookie)
        F(clap_event_param_value_t, note_id) F(clap_event_param_value_t, port_index)
        F(clap_event_param_value_t, channel) F(clap_event_param_value_t, key)
        F(clap_event_param_value_t, value) E
    S(clap_input_events_t) F(clap_input_events_t, ctx) F(clap_input_events_t, size)
        F(clap_input_events_t, get) E
    S(clap_output_events_t) F(clap_output_events_t, ctx) F(clap_output_events_t, try_push) E
    S(clap_audio_buffer_t) F(clap_audio_buffer_t, data32) F(clap_audio_buffer_t, data64)
        F(clap_audio_buffer_t, channel_count) F(clap_audio_buffer_t, latency)
        F(clap_audio_buffer_t, constant_mask) E
    S(clap_process_t) F(clap_process_t, steady_time) F(clap_process_t, frames_count)
        F(clap_process_t, transport) F(clap_process_t, audio_inputs)
        F(clap_process_t, audio_outputs) F(clap_process_t, audio_inputs_count)
        F(clap_process_t, audio_outputs_count) F(clap_process_t, in_events)
        F(clap_process_t, out_events) E
    S(clap_istream_t) F(clap_istream_t, ctx) F(clap_istream_t, read) E
    S(clap_ostream_t) F(clap_ostream_t, ctx) F(clap_ostream_t, write) E
    S(clap_plugin_state_t) F(clap_plugin_state_t, save) F(clap_plugin_state_t, load) E
    S(clap_plugin_latency_t) F(clap_plugin_latency_t, get) E
    S(clap_host_params_t) F(clap_host_params_t, rescan) F(clap_host_params_t, clear)
        F(clap_host_params_t, request_flush) E
    S(clap_host_state_t) F(clap_host_state_t, mark_dirty) E
    S(clap_host_latency_t) F(clap_host_latency_t, changed) E
    printf(", \"constants\": [%d, %d, %d, %d, %d, \"%s\"]}\n", CLAP_EVENT_PARAM_VALUE,
           CLAP_CORE_EVENT_SPACE_ID, CLAP_PARAM_IS_STEPPED, CLAP_PROCESS_ERROR,
           CLAP_NAME_SIZE, CLAP_EXT_STATE);
    return 0;
}
"""

_CTYPES_OF = {
    "clap_event_header_t": host_events.EventHeader,
    "clap_event_param_value_t": host_events.ParamValueEvent,
    "clap_input_events_t": host_events.InputEvents,
    "clap_output_events_t": host_events.OutputEvents,
    "clap_audio_buffer_t": clap_host.AudioBuffer, "clap_process_t": clap_host.Process,
    "clap_istream_t": host_state.IStream, "clap_ostream_t": host_state.OStream,
    "clap_plugin_state_t": host_state.PluginState,
    "clap_plugin_latency_t": host_state.PluginLatency,
    "clap_host_params_t": host_link.HostParams, "clap_host_state_t": host_link.HostState,
    "clap_host_latency_t": clap_instance.HostLatency,
}


def test_validation_structs_match_the_clap_headers(tmp_path):
    """sizeof/offsetof and constants from DPF's copy of the CLAP headers, compiled here."""
    layout = compiled_layout(tmp_path, _LAYOUT_PROGRAM)
    assert layout.pop("constants") == [
        host_events.CLAP_EVENT_PARAM_VALUE, host_events.CLAP_CORE_EVENT_SPACE_ID,
        host_params.CLAP_PARAM_IS_STEPPED, clap_host.PROCESS_ERROR, host_params.TEXT_SIZE,
        host_link.CLAP_EXT_STATE.decode()]
    assert set(layout) == set(_CTYPES_OF)
    for c_name, (size, *fields) in layout.items():
        struct = _CTYPES_OF[c_name]
        assert ctypes.sizeof(struct) == size, c_name
        for field, offset in fields:
            assert getattr(struct, field).offset == offset, (c_name, field)
